import { sleep as realSleep } from '../http/delay.js';

/**
 * The time source of the fakes.
 *
 * The fakes never run timers to move a session along (INITIALIZING → QRCODE → CONNECTED, QR rotation,
 * autoClose): every request evaluates the state machine at `clock.now()`. With a {@link ManualClock} a test
 * that covers a 60 s QR window runs instantly, and nothing the fakes do keeps the process alive.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
  /**
   * Waits `ms` milliseconds of this clock's time, or rejects with `signal.reason` as soon as the signal
   * aborts (at once if it already has).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now()` and a `setTimeout` that is always cleared, on abort too, so an aborted sleep
 * never keeps the process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => realSleep(ms, signal),
};

/**
 * A clock that only moves when told to. Tests use it to cross the fakes' time edges exactly
 * (`advance(1_999)` is still INITIALIZING, one more millisecond is QRCODE).
 *
 * `sleep(ms)` does not wait: it moves the time forward by `ms` and resolves on a microtask, so code under test
 * that polls with `clock.sleep` runs through a two-minute timeline in a few microseconds.
 */
export class ManualClock implements Clock {
  #now: number;

  /** @param startMs - The initial time; defaults to 2026-01-15T12:00:00Z, so dates in failures are readable. */
  constructor(startMs: number = Date.UTC(2026, 0, 15, 12)) {
    this.#now = startMs;
  }

  /** The current time of this clock, in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Moves the time forward by `ms` (negative values are refused: the fakes assume time never goes back). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance: expected ms >= 0, got ${ms}`);
    this.#now += ms;
  }

  /** Sets the time to an absolute epoch-millisecond value. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`ManualClock.set: expected a finite number, got ${ms}`);
    this.#now = ms;
  }

  /**
   * Advances the time by `ms` and resolves on a microtask. Rejects with `signal.reason` (without advancing)
   * when the signal is already aborted, or when it aborts before that microtask runs.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return Promise.resolve().then(() => {
      if (signal?.aborted) throw signal.reason;
      this.advance(Math.max(0, ms));
    });
  }
}
