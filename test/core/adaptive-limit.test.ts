import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, mapThrough } from '../../src/internal/adaptive-limit.js';

/** Feeds `n` answers of `ms` each. */
function answer(limit: AdaptiveLimit, n: number, ms: number, outcome: 'ok' | 'overload' = 'ok') {
  for (let i = 0; i < n; i++) limit.record(ms, outcome);
}

describe('AdaptiveLimit', () => {
  it('starts at the ceiling and stays there while latency holds', () => {
    const limit = new AdaptiveLimit(16, true);
    expect(limit.limit).toBe(16);
    answer(limit, 500, 20);
    expect(limit.limit).toBe(16);
  });

  it('halves on overload, once per round of calls in flight, and never below 1', async () => {
    const limit = new AdaptiveLimit(16, true);
    for (let i = 0; i < 16; i++) await limit.acquire();
    limit.record(20, 'overload');
    expect(limit.limit).toBe(8);
    // The other 15 calls of the same burst fail too: one decrease is enough for them.
    answer(limit, 15, 20, 'overload');
    expect(limit.limit).toBe(8);
    answer(limit, 1, 20, 'overload');
    expect(limit.limit).toBe(4);
    for (let i = 0; i < 16; i++) limit.release();
    answer(limit, 50, 20, 'overload');
    expect(limit.limit).toBe(1);
  });

  it('grows back by one per window of good answers, up to the ceiling only', () => {
    const limit = new AdaptiveLimit(8, true);
    limit.record(20, 'overload');
    expect(limit.limit).toBe(4);
    answer(limit, 4, 20);
    expect(limit.limit).toBe(5);
    answer(limit, 5, 20);
    expect(limit.limit).toBe(6);
    answer(limit, 1_000, 20);
    expect(limit.limit).toBe(8);
  });

  it('does not grow back while latency stays well above the fastest answer, and never shrinks for it', () => {
    const limit = new AdaptiveLimit(16, true);
    answer(limit, 16, 20); // fastest: 20 ms
    limit.record(20, 'overload');
    expect(limit.limit).toBe(8);
    answer(limit, 200, 200); // ten times slower: hold
    expect(limit.limit).toBe(8);
    answer(limit, 8, 22); // latency holds again: one more per window
    expect(limit.limit).toBe(9);
  });

  it('ignores failures that say nothing about load, and does nothing when not adaptive', () => {
    const limit = new AdaptiveLimit(16, true);
    answer(limit, 100, 20);
    for (let i = 0; i < 100; i++) limit.record(20, 'other');
    expect(limit.limit).toBe(16);
    const fixed = new AdaptiveLimit(16, false);
    answer(fixed, 100, 20, 'overload');
    expect(fixed.limit).toBe(16);
  });

  it('holds callers beyond the limit until a slot is released', async () => {
    const limit = new AdaptiveLimit(2, true);
    await limit.acquire();
    await limit.acquire();
    let third = false;
    const waiting = limit.acquire()?.then(() => {
      third = true;
    });
    expect(waiting).toBeDefined();
    await Promise.resolve();
    expect(third).toBe(false);
    limit.release();
    await waiting;
    expect(third).toBe(true);
  });
});

describe('mapThrough', () => {
  it('keeps the order and never runs more than the current limit at once', async () => {
    const limit = new AdaptiveLimit(4, true);
    limit.record(1, 'overload'); // limit 2
    let inFlight = 0;
    let peak = 0;
    const out = await mapThrough(
      Array.from({ length: 20 }, (_, i) => i),
      limit,
      async (n) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(peak).toBe(2);
  });
});
