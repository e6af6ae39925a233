/**
 * A clock whose sleeps wait until the test moves time, unlike ManualClock's, which advance time at once. It
 * lets a test hold a poll loop between two reads: act (scan, deliver a webhook), then let the next read run.
 */
import { ManualClock } from '../../src/testing/index.js';

interface Sleeper {
  at: number;
  ms: number;
  resolve: () => void;
}

export class SteppedClock extends ManualClock {
  readonly sleepers: Sleeper[] = [];

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.now() + Math.max(0, ms),
        ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /**
   * Waits (real time, bounded) until at least `count` sleeps are pending, or `predicate` holds, and nothing
   * has changed for a few milliseconds: every loop under test has reached its next sleep, none is mid-request.
   */
  async settle(count = 1, predicate?: () => boolean): Promise<void> {
    const until = Date.now() + 5_000;
    let stableSince = Date.now();
    let last = this.sleepers.length;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (this.sleepers.length !== last) {
        last = this.sleepers.length;
        stableSince = Date.now();
      }
      const ready = predicate ? predicate() : this.sleepers.length >= count;
      if (ready && Date.now() - stableSince >= 8) return;
      if (Date.now() > until)
        throw new Error(`SteppedClock: still ${this.sleepers.length} sleepers after 5 s`);
    }
  }

  /** Moves time to the earliest pending sleep and ends it; returns its length. */
  async next(): Promise<number> {
    await this.settle(1);
    const earliest = this.sleepers.reduce((a, b) => (b.at < a.at ? b : a));
    this.sleepers.splice(this.sleepers.indexOf(earliest), 1);
    if (earliest.at > this.now()) this.set(earliest.at);
    earliest.resolve();
    return earliest.ms;
  }

  /** Steps sleeps until `promise` settles (at most `limit` steps); for operations run under this clock. */
  async run<T>(promise: Promise<T>, limit = 500): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    for (let i = 0; i < limit && !settled; i++) {
      await this.settle(1, () => settled || this.sleepers.length > 0);
      if (!settled) await this.next();
    }
    return watched;
  }
}
