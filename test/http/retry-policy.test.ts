/** The pure retry rules: `Retry-After` parsing, exponential backoff with jitter, and policy defaults. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES, resolveRetry } from '../../src/http/retry.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    [' 120 ', 120_000],
    ['1.5', 1500],
  ])('delta seconds %j → %i ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it('an HTTP date is the time left until it', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:03 GMT', NOW)).toBe(3000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
  });

  it('a date in the past is 0', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it.each([null, '', 'soon', '2s', 'NaN', '-5', '+5'])('%j is unreadable → undefined', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });

  it('defaults `now` to the clock', () => {
    const ms = parseRetryAfter(new Date(Date.now() + 10_000).toUTCString());
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
  });
});

describe('resolveRetry', () => {
  it('fills the documented defaults', () => {
    expect(resolveRetry(undefined)).toEqual({
      limit: 2,
      baseDelayMs: 300,
      maxDelayMs: 8_000,
      jitter: true,
      maxRetryAfterMs: 60_000,
    });
  });

  it('a number is the limit', () => {
    expect(resolveRetry(5)).toMatchObject({ limit: 5, baseDelayMs: 300 });
    expect(resolveRetry(0).limit).toBe(0);
  });

  it('keeps given values and normalises the limit to a non-negative integer', () => {
    expect(
      resolveRetry({ limit: 3, baseDelayMs: 10, maxDelayMs: 20, jitter: false, maxRetryAfterMs: 5 }),
    ).toEqual({
      limit: 3,
      baseDelayMs: 10,
      maxDelayMs: 20,
      jitter: false,
      maxRetryAfterMs: 5,
    });
    expect(resolveRetry(-3).limit).toBe(0);
    expect(resolveRetry({ limit: 2.9 }).limit).toBe(2);
  });
});

describe('backoffDelay', () => {
  const fixed = resolveRetry({ baseDelayMs: 300, maxDelayMs: 8_000, jitter: false });

  it('doubles from the base and stops at the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((i) => backoffDelay(fixed, i, () => 0.5));
    expect(delays).toEqual([300, 600, 1200, 2400, 4800, 8000, 8000]);
  });

  it('with jitter, random 0 gives half and random → 1 gives the whole delay', () => {
    const jittered = resolveRetry({ baseDelayMs: 1000, jitter: true });
    expect(backoffDelay(jittered, 0, () => 0)).toBe(500);
    expect(backoffDelay(jittered, 0, () => 0.5)).toBe(750);
    expect(backoffDelay(jittered, 1, () => 0.999_999)).toBe(2000);
  });

  it('property: every jittered delay is within [50 %, 100 %] of the capped exponential', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (base, cap, retryIndex, r) => {
          const policy = resolveRetry({ baseDelayMs: base, maxDelayMs: cap, jitter: true });
          const exponential = Math.min(cap, base * 2 ** retryIndex);
          const delay = backoffDelay(policy, retryIndex, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(exponential * 0.5));
          expect(delay).toBeLessThanOrEqual(exponential);
        },
      ),
    );
  });
});

describe('RETRYABLE_STATUSES', () => {
  it('is exactly 408, 429, 500, 502, 503, 504', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([408, 429, 500, 502, 503, 504]);
  });
});
