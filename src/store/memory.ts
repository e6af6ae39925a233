/**
 * `MemoryStore`: the {@link SessionStore} of one process, and the library's default.
 * @module
 */
import { AbortError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import { activityTime, checkIds, checkLease, checkPending, checkRecord, historyLimitOf } from './shared.js';
import type { LeaseInfo, PendingWork, RepairRecord, SessionStore, StoreLimits } from './types.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions extends StoreLimits {
  /** Time source for activity caps and lease expiry, in epoch ms. Default: `Date.now`. */
  clock?: {
    /** Milliseconds since the epoch. */
    now(): number;
  };
}

/**
 * A {@link SessionStore} in this process's memory: what a `SessionManager` without a `store` uses. It
 * forgets everything when the process exits and is not shared with other processes; use `FileStore` (one
 * machine) or `RedisStore` (many machines) from `whatsapp-gateway-sdk/store` for that.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const manager = new SessionManager({ gateway, wppconnect, store });
 * ```
 */
export class MemoryStore implements SessionStore {
  /** Always `memory`. */
  readonly kind = 'memory';
  readonly #activity = new Map<string, number>();
  readonly #history = new Map<string, RepairRecord[]>();
  readonly #leases = new Map<string, { owner: string; expiresAt: number }>();
  readonly #pending = new Map<string, PendingWork>();
  readonly #limit: number;
  readonly #clock: { now(): number };

  /** @param options - History bound and clock. */
  constructor(options: MemoryStoreOptions = {}) {
    this.#limit = historyLimitOf(options.historyLimit);
    this.#clock = options.clock ?? Date;
  }

  /** {@inheritDoc SessionStore.recordActivity} */
  async recordActivity(sessionId: string, at: Date, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    const time = activityTime(at, this.#clock.now());
    aborted(signal);
    const previous = this.#activity.get(sessionId);
    if (previous === undefined || time > previous) this.#activity.set(sessionId, time);
  }

  /** {@inheritDoc SessionStore.lastActivity} */
  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    checkIds(ids);
    aborted(signal);
    return new Map(
      ids.map((id) => {
        const time = this.#activity.get(id);
        return [id, time === undefined ? null : new Date(time)] as const;
      }),
    );
  }

  /** {@inheritDoc SessionStore.appendHistory} */
  async appendHistory(sessionId: string, record: RepairRecord, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkRecord(record);
    aborted(signal);
    const list = this.#history.get(sessionId) ?? [];
    list.push(copyRecord(record));
    if (list.length > this.#limit) list.splice(0, list.length - this.#limit);
    this.#history.set(sessionId, list);
  }

  /** {@inheritDoc SessionStore.history} */
  async history(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, readonly RepairRecord[]>> {
    checkIds(ids);
    aborted(signal);
    return new Map(ids.map((id) => [id, (this.#history.get(id) ?? []).map(copyRecord)] as const));
  }

  /** {@inheritDoc SessionStore.acquireLease} */
  async acquireLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    aborted(signal);
    const now = this.#clock.now();
    const held = this.#leases.get(name);
    if (held && held.owner !== owner && held.expiresAt > now) return false;
    this.#leases.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  /** {@inheritDoc SessionStore.renewLease} */
  async renewLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    aborted(signal);
    const now = this.#clock.now();
    const held = this.#leases.get(name);
    if (!held || held.owner !== owner || held.expiresAt <= now) return false;
    held.expiresAt = now + ttlMs;
    return true;
  }

  /** {@inheritDoc SessionStore.releaseLease} */
  async releaseLease(name: string, owner: string, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner);
    aborted(signal);
    const held = this.#leases.get(name);
    if (!held || held.owner !== owner) return false;
    this.#leases.delete(name);
    return held.expiresAt > this.#clock.now();
  }

  /** {@inheritDoc SessionStore.readLease} */
  async readLease(name: string, signal?: AbortSignal): Promise<LeaseInfo | null> {
    checkLease(name, 'reader');
    aborted(signal);
    const held = this.#leases.get(name);
    if (!held || held.expiresAt <= this.#clock.now()) return null;
    return { name, owner: held.owner, expiresAt: new Date(held.expiresAt) };
  }

  /** {@inheritDoc SessionStore.setPending} */
  async setPending(sessionId: string, work: PendingWork, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkPending(work);
    aborted(signal);
    this.#pending.set(sessionId, copyPending(work));
  }

  /** {@inheritDoc SessionStore.clearPending} */
  async clearPending(sessionId: string, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    aborted(signal);
    this.#pending.delete(sessionId);
  }

  /** {@inheritDoc SessionStore.pending} */
  async pending(ids?: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, PendingWork>> {
    if (ids !== undefined) checkIds(ids);
    aborted(signal);
    const wanted = ids ?? [...this.#pending.keys()];
    const result = new Map<string, PendingWork>();
    for (const id of wanted) {
      const work = this.#pending.get(id);
      if (work) result.set(id, copyPending(work));
    }
    return result;
  }
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError('The store call was aborted');
}

// Copies, so a caller mutating what it passed or got back cannot change the store.
function copyRecord(record: RepairRecord): RepairRecord {
  return { ...record, at: new Date(record.at.getTime()) };
}

function copyPending(work: PendingWork): PendingWork {
  return { ...work, since: new Date(work.since.getTime()) };
}
