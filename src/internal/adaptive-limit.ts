/**
 * A concurrency limit that moves with the server's answers (additive increase, multiplicative decrease):
 * it halves when the server answers 5xx or 429, times out or drops the connection, and grows back by one per
 * window of good answers while latency holds (no more than a quarter of the window well above the fastest
 * answer seen), never above the ceiling the caller configured.
 *
 * Why latency only gates growth and never shrinks the limit by itself: the latency a client measures also
 * holds its own event-loop delay, so on a busy client (a shared machine, a service doing other work) a
 * latency rule would throttle a healthy server for the client's own slowness. A server in trouble says so
 * with 502/503/504 and timeouts, which is what the limit backs off on.
 * @module
 */

/** How a call ended, as far as the limit cares. @internal */
export type CallOutcome = 'ok' | 'overload' | 'other';

/** Tuning constants, named so a reader sees why each has its value. */
/** Latency counts as "holding" up to this multiple of the fastest answer seen... */
const LATENCY_TOLERANCE = 2;
/** ...plus this slack, so that a loopback server answering in 1 ms does not trip it on 3 ms of jitter. */
const LATENCY_SLACK_MS = 25;
/** On overload keep this share of the limit (TCP's halving: quick relief for a struggling server). */
const BACKOFF = 0.5;
/**
 * The fastest answer is forgotten after this many samples and learnt again: a server that was fast once
 * (empty, at night) must not make every later answer look "slow" forever.
 */
const BASELINE_SAMPLES = 2_000;

/** @internal */
export class AdaptiveLimit {
  #limit: number;
  #inFlight = 0;
  readonly #waiters: Array<() => void> = [];
  /** Answers counted toward the next increase or decrease; a window is `limit` answers. */
  #window = 0;
  #windowSlow = 0;
  /** No second decrease until the calls in flight at the first one have come back. */
  #coolDown = 0;
  #fastest = Number.POSITIVE_INFINITY;
  #samples = 0;

  /**
   * @param ceiling - The most calls in flight, ever (the user's `concurrency`).
   * @param adaptive - When false, the limit stays at `ceiling` (a plain semaphore).
   */
  constructor(
    readonly ceiling: number,
    readonly adaptive: boolean,
  ) {
    this.#limit = ceiling;
  }

  /** The current limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Waits for a slot. Pair every acquire with one {@link release}. */
  acquire(): Promise<void> | undefined {
    if (this.#inFlight < this.#limit) {
      this.#inFlight++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Frees a slot, handing it to the next waiter when the limit allows. */
  release(): void {
    this.#inFlight--;
    this.#wake();
  }

  /** Feeds one answer (or failure) of one call to the limit. */
  record(latencyMs: number, outcome: CallOutcome): void {
    if (!this.adaptive || outcome === 'other') return;
    if (this.#coolDown > 0) this.#coolDown--;
    if (outcome === 'overload') {
      this.#decrease(BACKOFF);
      return;
    }
    if (++this.#samples > BASELINE_SAMPLES) {
      this.#samples = 1;
      this.#fastest = latencyMs;
    } else if (latencyMs < this.#fastest) {
      this.#fastest = latencyMs;
    }
    if (latencyMs > this.#fastest * LATENCY_TOLERANCE + LATENCY_SLACK_MS) this.#windowSlow++;
    if (++this.#window < this.#limit) return;
    // A window is over: more than a quarter slow answers means requests may queue somewhere; hold.
    const slow = this.#windowSlow * 4 > this.#window;
    this.#window = 0;
    this.#windowSlow = 0;
    if (!slow && this.#limit < this.ceiling) {
      this.#limit++;
      this.#wake();
    }
  }

  #decrease(keep: number): void {
    if (this.#coolDown > 0) return;
    this.#limit = Math.max(1, Math.floor(this.#limit * keep));
    this.#coolDown = this.#inFlight;
    this.#window = 0;
    this.#windowSlow = 0;
  }

  #wake(): void {
    while (this.#waiters.length > 0 && this.#inFlight < this.#limit) {
      this.#inFlight++;
      this.#waiters.shift()?.();
    }
  }
}

/**
 * Runs `fn` over `items` through `limit`, keeping the input order in the output. Stops starting new work
 * once `signal` aborts (calls already running see the same signal).
 * @internal
 */
export async function mapThrough<T, R>(
  items: readonly T[],
  limit: AdaptiveLimit,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      await limit.acquire();
      try {
        results[index] = await fn(items[index] as T, index);
      } finally {
        limit.release();
      }
    }
  };
  // One worker per slot of the ceiling: the limit, not the worker count, decides how many run at once.
  const workers = Array.from({ length: Math.max(1, Math.min(limit.ceiling, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
