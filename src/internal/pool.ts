import { AdaptiveLimit, mapThrough } from './adaptive-limit.js';

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the output.
 * Stops starting new work once `signal` aborts (calls already running see the same signal). A fixed limit:
 * the same loop as the listing's adaptive one, with adaptation off.
 * @internal
 */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  return mapThrough(items, new AdaptiveLimit(Math.max(1, limit), false), fn, signal);
}
