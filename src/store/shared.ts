/**
 * What the three stores share: argument checks, the history bound, and the bound on every call. The stored
 * forms of records, which only the persistent stores need, are in `stored.ts`.
 * @internal
 * @module
 */
import {
  AbortError,
  InvalidArgumentError,
  StoreError,
  type StoreFailure,
  WhatsAppSdkError,
} from '../errors.js';
import { assertSessionId } from '../ids.js';
import type { PendingWork, RepairRecord } from './types.js';

/** Default number of history entries kept per session: enough to show a backoff and its outcome. */
export const DEFAULT_HISTORY_LIMIT = 20;

/** Longest lease name or owner token accepted (they become Redis keys and JSON keys). */
const MAX_NAME = 256;

/** @internal */
export function historyLimitOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new InvalidArgumentError('options.historyLimit', 'must be an integer from 1 to 10000');
  }
  return value;
}

/** @internal */
export function checkIds(ids: readonly string[]): void {
  if (!Array.isArray(ids)) throw new InvalidArgumentError('ids', 'must be an array of session ids');
  for (const id of ids) assertSessionId(id, 'ids[]');
}

/** @internal */
export function checkLease(name: unknown, owner: unknown, ttlMs?: unknown): void {
  for (const [value, argument] of [
    [name, 'name'],
    [owner, 'owner'],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME || /[\r\n]/.test(value)) {
      throw new InvalidArgumentError(
        argument,
        `must be a non-empty single-line string of at most ${MAX_NAME}`,
      );
    }
  }
  if (ttlMs !== undefined && (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1)) {
    throw new InvalidArgumentError('ttlMs', 'must be a positive whole number of milliseconds');
  }
}

/** The time to record: a valid date, capped at now so a skewed clock cannot hide a zombie. @internal */
export function activityTime(at: Date, now: number): number {
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) {
    throw new InvalidArgumentError('at', 'must be a valid Date');
  }
  return Math.min(at.getTime(), now);
}

/** @internal */
export function checkRecord(record: RepairRecord): void {
  if (!record || !(record.at instanceof Date) || !Number.isFinite(record.at.getTime())) {
    throw new InvalidArgumentError('record.at', 'must be a valid Date');
  }
  if (!['restart', 'repair', 'reconnect'].includes(record.kind)) {
    throw new InvalidArgumentError('record.kind', 'must be restart, repair or reconnect');
  }
  if (record.outcome !== 'ok' && record.outcome !== 'failed') {
    throw new InvalidArgumentError('record.outcome', 'must be ok or failed');
  }
}

/** @internal */
export function checkPending(work: PendingWork): void {
  if (work?.kind !== 'recreate') throw new InvalidArgumentError('work.kind', 'must be "recreate"');
  if (!(work.since instanceof Date) || !Number.isFinite(work.since.getTime())) {
    throw new InvalidArgumentError('work.since', 'must be a valid Date');
  }
}

/**
 * A short, safe name for a driver's error: its `code` (`ECONNREFUSED`) or the first upper-case word of a
 * Redis reply (`WRONGPASS`, `NOAUTH`, `READONLY`). Never the message itself, which may hold a URL.
 * @internal
 */
export function errorTag(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(code)) return code;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') {
      const word = /^([A-Z][A-Z0-9_]{1,31})\b/.exec(message)?.[1];
      if (word) return word;
    }
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name)) return name;
  }
  return 'error';
}

/** Builds a {@link StoreError}. @internal */
export function storeError(
  store: string,
  operation: string,
  failure: StoreFailure,
  what: string,
): StoreError {
  return new StoreError(`The ${store} session store ${what} (${operation})`, { store, operation, failure });
}

/**
 * Runs `work` with a deadline and the caller's signal: the caller gets an answer (or an error) within
 * `timeoutMs`, even when the backend never answers. `work` receives a signal that aborts at the deadline, so
 * it can stop before committing anything (a lock taken after the caller gave up is given back at once).
 * @internal
 */
export function bounded<T>(
  store: string,
  operation: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
  mapError: (error: unknown) => StoreError,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(new AbortError('The store call was aborted'));
  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (done) return;
      finish();
      inner.abort();
      reject(new AbortError('The store call was aborted'));
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      inner.abort();
      reject(storeError(store, operation, 'timeout', `did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(() => work(inner.signal))
      .then(
        (value) => {
          if (done) return;
          finish();
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          finish();
          reject(error instanceof WhatsAppSdkError ? error : mapError(error));
        },
      );
  });
}

/** Checks a timeout option. @internal */
export function timeoutOf(value: number | undefined, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, 'must be a positive number of milliseconds');
  }
  return value;
}
