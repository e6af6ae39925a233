/**
 * The async iterator behind `watch` and `events`: a bounded buffer between a producer that never waits and
 * one consumer. Unlike an async generator, `return()` works while a `next()` is pending, so an SSE response
 * whose client left can end the watch at once.
 * @module
 * @internal
 */

/** Oldest items are dropped beyond this; a consumer that far behind only needs the latest state. */
const MAX_BUFFERED = 256;

/** @internal */
export class UpdateQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | null = null;
  #ended = false;
  #onClose: (() => void) | null;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.close();

  /** @param onClose - Called once when the queue closes, whoever closes it. */
  constructor(onClose: () => void, signal?: AbortSignal) {
    this.#onClose = onClose;
    this.#signal = signal;
    if (signal?.aborted) queueMicrotask(() => this.close());
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get closed(): boolean {
    return this.#ended;
  }

  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
    if (this.#items.length > MAX_BUFFERED) this.#items.shift();
  }

  /** Stops taking items; the consumer still receives what is buffered, then `done`. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cleanup();
    if (this.#waiting && this.#items.length === 0) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  /** Ends at once, dropping what is buffered. */
  close(): void {
    this.#items.length = 0;
    this.end();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #cleanup(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const onClose = this.#onClose;
    this.#onClose = null;
    onClose?.();
  }
}
