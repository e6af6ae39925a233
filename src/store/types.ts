/**
 * The `SessionStore` interface: what must outlive one process. It sits below `sessions/`,
 * `webhooks/` and `cli/` and imports nothing above `errors.ts`.
 * @module
 */

/**
 * One restart or repair of a session, as kept in its history.
 *
 * The zombie rule counts silence from the later of the last message and the last successful `restart`
 * (whichever process did it), and repeated restarts of a silent session back off and then stop.
 */
export interface RepairRecord {
  /** When the repair ended (epoch ms turned into a `Date`). */
  at: Date;
  /**
   * What kind of repair: `restart` (a healthcheck restarted a silent, connected session), `repair` (a
   * healthcheck or an ensure fixed a broken one), `reconnect` (a person or the API asked for it; it clears the
   * "needs a person" state).
   */
  kind: 'restart' | 'repair' | 'reconnect';
  /** The highest reconnect rung that ran (1 fresh QR … 4 delete + recreate), when a ladder ran. */
  rung?: number;
  /** `ok` when the session came out usable (connected, or showing a QR); `failed` otherwise. */
  outcome: 'ok' | 'failed';
  /** The session's true status afterwards, e.g. `connected`, when known. */
  status?: string;
  /** A short sentence for people (never a secret). */
  detail?: string;
}

/** A lease held on a name: who holds it and until when. */
export interface LeaseInfo {
  /** The lease's name, e.g. `session:sales`. */
  name: string;
  /** The owner token given when it was acquired. */
  owner: string;
  /** When it expires unless renewed. */
  expiresAt: Date;
}

/**
 * Work a repair began and did not finish, so that whatever runs next finishes it. `recreate`: the gateway
 * channel was (or was about to be) deleted by rung 4 of a reconnect, and must be created again.
 */
export interface PendingWork {
  /** What is left to do. */
  kind: 'recreate';
  /** When it was recorded. */
  since: Date;
  /** A short sentence for people. */
  detail?: string;
}

/**
 * Where a {@link SessionManager} keeps what several processes must share: last activity, repair history,
 * leases and pending work. Three implementations ship: `MemoryStore` (one process; the library's default),
 * `FileStore` (several processes on one machine) and `RedisStore` (many machines), the last two from
 * `whatsapp-gateway-sdk/store`.
 *
 * Every method that reads many sessions answers them in one round trip, whatever their count. Every method
 * accepts an `AbortSignal`, and a failing or slow backend rejects with a `StoreError` within a bound.
 *
 * A store is also an `ActivitySource` (it has {@link SessionStore.lastActivity}), so a manager given a store
 * and no `activity` reads activity from it.
 */
export interface SessionStore {
  /** The kind of store, for messages: `memory`, `file`, `redis`. */
  readonly kind: string;

  /**
   * Records a session's last message time. It never moves backwards (a late delivery is harmless), and a
   * time in the future is capped at now (a skewed clock cannot hide a zombie).
   */
  recordActivity(sessionId: string, at: Date, signal?: AbortSignal): Promise<void>;
  /** The last message time of every id (`null` when none was recorded), in one round trip. */
  lastActivity(ids: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, Date | null>>;

  /** Appends to a session's repair history, keeping only the most recent entries (bounded per session). */
  appendHistory(sessionId: string, record: RepairRecord, signal?: AbortSignal): Promise<void>;
  /** The repair history of every id, oldest first (empty when none), in one round trip. */
  history(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, readonly RepairRecord[]>>;

  /**
   * Takes the lease `name` for `ttlMs` when nobody holds it, its holder's time ran out (a crashed owner), or
   * `owner` already holds it (then it is extended).
   * @returns Whether `owner` holds the lease now.
   */
  acquireLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * Extends the lease by `ttlMs` from now, only when `owner` still holds it.
   * @returns False when the lease expired or someone else holds it.
   */
  renewLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * Gives the lease up, only when `owner` holds it; a lease someone else holds is left alone.
   * @returns Whether it was released.
   */
  releaseLease(name: string, owner: string, signal?: AbortSignal): Promise<boolean>;
  /** Who holds the lease now, or `null` when nobody does (an expired lease counts as free). */
  readLease(name: string, signal?: AbortSignal): Promise<LeaseInfo | null>;

  /** Records work begun and not finished for a session (replacing any recorded before). */
  setPending(sessionId: string, work: PendingWork, signal?: AbortSignal): Promise<void>;
  /** Forgets a session's pending work, once it is done. */
  clearPending(sessionId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Pending work, in one round trip: for the given ids, or for every session when `ids` is omitted (a
   * healthcheck must find work left on a session the gateway no longer lists).
   */
  pending(ids?: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, PendingWork>>;

  /** Releases what the store holds (timers, file handles); never closes a client the caller passed in. */
  close?(): Promise<void>;
}

/** Options every store shares. */
export interface StoreLimits {
  /** Most history entries kept per session. Default 20. */
  historyLimit?: number;
}
