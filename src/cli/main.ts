/**
 * The `whatsapp-gateway` executable: runs {@link runCli} on the real process. SIGINT/SIGTERM abort the
 * running command (waits stop, the simulator closes its servers); a second one exits at once.
 * @module
 */
import { processIo } from './io.js';
import { runCli } from './run.js';

const controller = new AbortController();
const onSignal = (signal: NodeJS.Signals) => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error(`received ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), processIo(controller.signal));
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
// Let the streams flush; everything the command opened is closed, so the process ends by itself.
process.exitCode = code;
