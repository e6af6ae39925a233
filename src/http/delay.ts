/**
 * Waits `ms` milliseconds, or rejects with the signal's reason as soon as it aborts. The timer is always
 * cleared, so an aborted wait never keeps the process alive.
 * @internal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The signature of an injectable sleep (tests pass one that resolves at once or advances a fake clock). */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;
