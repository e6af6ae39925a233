/**
 * When to retry and how long to wait: every retry rule of the SDK is here.
 * @module
 */

/** Retry policy of a client. Only idempotent requests are ever retried. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (three attempts in all). `0` disables retries. */
  limit?: number;
  /** Delay before the first retry, doubled at each one. Default 300 ms (ky's default). */
  baseDelayMs?: number;
  /** Upper bound of the exponential delay. Default 8 000 ms (openai-node's cap). */
  maxDelayMs?: number;
  /** Spread each delay over [50 %, 100 %] of its value so clients that failed together do not retry together. Default true. */
  jitter?: boolean;
  /**
   * Longest `Retry-After` the SDK will honour. A server asking for more gets a `RateLimitError` (or
   * `ServerError`) at once rather than a call that hangs for minutes. Default 60 000 ms.
   */
  maxRetryAfterMs?: number;
}

/** The policy with every default filled in. @internal */
export type ResolvedRetry = Required<RetryOptions>;

/** @internal */
export function resolveRetry(retry: RetryOptions | number | undefined): ResolvedRetry {
  const options = typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  return {
    limit: Math.max(0, Math.floor(options.limit ?? 2)),
    baseDelayMs: options.baseDelayMs ?? 300,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    jitter: options.jitter ?? true,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
}

/**
 * Statuses worth another try: 408 (request timeout), 429 (rate limited), and the 5xx that mean "not now"
 * rather than "never". 501 and 505 are not transient.
 * @internal
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`.
 * Returns `undefined` when the header is absent or unreadable, and `0` for a date in the past.
 * @internal
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Only an HTTP date (which has a weekday and month in letters) is read as a date: `Date.parse('-5')` is a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff: `baseDelayMs × 2^retryIndex`, capped at `maxDelayMs`, with optional jitter.
 * @param retryIndex - 0 before the first retry.
 * @internal
 */
export function backoffDelay(policy: ResolvedRetry, retryIndex: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return policy.jitter ? Math.round(exponential * (0.5 + random() * 0.5)) : exponential;
}
