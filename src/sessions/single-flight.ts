import { AbortError } from '../errors.js';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/**
 * Concurrent calls for one key share one operation: fifty `ensureSession('x')` at once make one
 * create and one start. Each caller keeps its own `AbortSignal`: an aborting caller stops waiting at once, and
 * the shared operation itself is aborted only when every caller has gone.
 * @internal
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** Whether an operation is running for `key`. */
  has(key: string): boolean {
    return this.#flights.has(key);
  }

  run(key: string, operation: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const created: Flight<T> = {
        controller,
        waiters: 0,
        promise: Promise.resolve()
          .then(() => operation(controller.signal))
          .finally(() => {
            if (this.#flights.get(key) === created) this.#flights.delete(key);
          }),
      };
      // Callers observe the promise through their own wrappers; this keeps an abandoned flight from being unhandled.
      created.promise.catch(() => undefined);
      this.#flights.set(key, created);
      flight = created;
    }
    const joined = flight;
    joined.waiters++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const leave = () => {
        settled = true;
        joined.waiters--;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (settled) return;
        leave();
        if (joined.waiters === 0) joined.controller.abort(signal?.reason);
        reject(new AbortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          if (settled) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          leave();
          reject(error);
        },
      );
    });
  }
}
