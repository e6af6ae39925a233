// Any unhandled rejection fails the run: an SDK promise that nobody awaits is a bug (issue 5).
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`Unhandled rejection: ${String(reason)}`);
});
