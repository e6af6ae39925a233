/**
 * `FileStore`: the {@link SessionStore} of several processes on one machine, and the CLI's default.
 *
 * All state lives in one JSON file, `sessions.json`. Readers never wait: every write goes to a temporary file
 * that is then renamed over the old one, so a reader sees the old state or the new one, never half of one.
 * Writers take a lock file (`sessions.lock`, created with O_EXCL) for their read-modify-write; a lock whose
 * holder died (its process is gone, or it is older than `staleLockMs`) is broken, so a `kill -9` never blocks
 * the store for good. The pattern of `proper-lockfile`, without the dependency.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AbortError, InvalidArgumentError, type StoreError } from '../errors.js';
import { sleep } from '../http/delay.js';
import { assertSessionId } from '../ids.js';
import {
  activityTime,
  bounded,
  checkIds,
  checkLease,
  checkPending,
  checkRecord,
  errorTag,
  historyLimitOf,
  storeError,
  timeoutOf,
} from './shared.js';
import {
  fromStoredPending,
  fromStoredRecord,
  type StoredPending,
  type StoredRecord,
  storedPending,
  storedRecord,
  toStoredPending,
  toStoredRecord,
} from './stored.js';
import type { LeaseInfo, PendingWork, RepairRecord, SessionStore, StoreLimits } from './types.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions extends StoreLimits {
  /**
   * The directory of the state file; created with mode 0700 when missing. Default: {@link defaultStoreDir}
   * (`$XDG_STATE_HOME/whatsapp-gateway`, else `~/.local/state/whatsapp-gateway`).
   */
  dir?: string;
  /** Longest a call may take, lock wait included, before it fails with a `StoreError`. Default 5 000 ms. */
  timeoutMs?: number;
  /**
   * Age after which a lock is taken to belong to a crashed process even when its process id cannot be
   * checked (another host on a shared disk). A healthy writer holds the lock for milliseconds. Default 10 000.
   */
  staleLockMs?: number;
  /** Time source for activity caps and lease expiry, in epoch ms. Default: `Date.now`. */
  clock?: {
    /** Milliseconds since the epoch. */
    now(): number;
  };
}

/**
 * The default directory of the CLI's state: `$XDG_STATE_HOME/whatsapp-gateway` when `XDG_STATE_HOME` is an
 * absolute path (the XDG Base Directory rule), else `~/.local/state/whatsapp-gateway`.
 * @param env - The environment to read. Default: `process.env`.
 */
export function defaultStoreDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env['XDG_STATE_HOME'];
  if (xdg?.startsWith('/')) return join(xdg, 'whatsapp-gateway');
  return join(env['HOME'] || homedir(), '.local', 'state', 'whatsapp-gateway');
}

/** The state as kept in memory between a read and a write. */
interface State {
  activity: Map<string, number>;
  history: Map<string, unknown[]>;
  leases: Map<string, { owner: string; expiresAt: number }>;
  pending: Map<string, unknown>;
}

const STATE_FILE = 'sessions.json';
const LOCK_FILE = 'sessions.lock';
const VERSION = 1;

function emptyState(): State {
  return { activity: new Map(), history: new Map(), leases: new Map(), pending: new Map() };
}

/** Object → Map without ever touching a prototype (`__proto__` is a valid session id). */
function entries(value: unknown): [string, unknown][] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * A {@link SessionStore} in a directory on this machine, shared by every process that opens the same
 * directory: web replicas, the cron healthcheck, the CLI. Files are created with mode 0600 in a 0700
 * directory (they name sessions and hold their history).
 *
 * Use `RedisStore` when the processes run on several machines; a network file system is not supported
 * (its rename and exclusive-create are not atomic everywhere).
 *
 * @example
 * ```ts
 * import { FileStore } from 'whatsapp-gateway-sdk/store';
 * const store = new FileStore({ dir: '/var/lib/my-app/whatsapp' });
 * const manager = new SessionManager({ gateway, wppconnect, store });
 * ```
 */
export class FileStore implements SessionStore {
  /** Always `file`. */
  readonly kind = 'file';
  /** The directory holding the state. */
  readonly dir: string;
  readonly #file: string;
  readonly #lock: string;
  readonly #limit: number;
  readonly #timeoutMs: number;
  readonly #staleLockMs: number;
  readonly #clock: { now(): number };
  readonly #host = hostname();
  /** The last state read, reused while the file is unchanged (same inode, size and mtime). */
  #cache: { key: string; state: State } | null = null;

  /** @param options - The directory and the bounds. */
  constructor(options: FileStoreOptions = {}) {
    if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir.trim() === '')) {
      throw new InvalidArgumentError('options.dir', 'must be a non-empty path');
    }
    this.dir = resolve(options.dir ?? defaultStoreDir());
    this.#file = join(this.dir, STATE_FILE);
    this.#lock = join(this.dir, LOCK_FILE);
    this.#limit = historyLimitOf(options.historyLimit);
    this.#timeoutMs = timeoutOf(options.timeoutMs, 5_000, 'options.timeoutMs');
    this.#staleLockMs = timeoutOf(options.staleLockMs, 10_000, 'options.staleLockMs');
    this.#clock = options.clock ?? Date;
  }

  /** {@inheritDoc SessionStore.recordActivity} */
  async recordActivity(sessionId: string, at: Date, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    activityTime(at, Number.POSITIVE_INFINITY);
    return this.#write('recordActivity', signal, (state) => {
      const time = activityTime(at, this.#clock.now());
      const previous = state.activity.get(sessionId);
      if (previous !== undefined && previous >= time) return { changed: false, result: undefined };
      state.activity.set(sessionId, time);
      return { changed: true, result: undefined };
    });
  }

  /** {@inheritDoc SessionStore.lastActivity} */
  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    checkIds(ids);
    return this.#read('lastActivity', signal, (state) => {
      return new Map(
        ids.map((id) => {
          const time = state.activity.get(id);
          return [id, typeof time === 'number' && Number.isFinite(time) ? new Date(time) : null] as const;
        }),
      );
    });
  }

  /** {@inheritDoc SessionStore.appendHistory} */
  async appendHistory(sessionId: string, record: RepairRecord, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkRecord(record);
    const stored = toStoredRecord(record);
    return this.#write('appendHistory', signal, (state) => {
      const list = [...(state.history.get(sessionId) ?? []), stored];
      state.history.set(sessionId, list.slice(-this.#limit));
      return { changed: true, result: undefined };
    });
  }

  /** {@inheritDoc SessionStore.history} */
  async history(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, readonly RepairRecord[]>> {
    checkIds(ids);
    return this.#read('history', signal, (state) => {
      return new Map(ids.map((id) => [id, recordsOf(state.history.get(id))] as const));
    });
  }

  /** {@inheritDoc SessionStore.acquireLease} */
  async acquireLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    return this.#write('acquireLease', signal, (state) => {
      const now = this.#clock.now();
      const held = state.leases.get(name);
      if (held && held.owner !== owner && held.expiresAt > now) return { changed: false, result: false };
      state.leases.set(name, { owner, expiresAt: now + ttlMs });
      return { changed: true, result: true };
    });
  }

  /** {@inheritDoc SessionStore.renewLease} */
  async renewLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    return this.#write('renewLease', signal, (state) => {
      const now = this.#clock.now();
      const held = state.leases.get(name);
      if (!held || held.owner !== owner || held.expiresAt <= now) return { changed: false, result: false };
      state.leases.set(name, { owner, expiresAt: now + ttlMs });
      return { changed: true, result: true };
    });
  }

  /** {@inheritDoc SessionStore.releaseLease} */
  async releaseLease(name: string, owner: string, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner);
    return this.#write('releaseLease', signal, (state) => {
      const held = state.leases.get(name);
      if (!held || held.owner !== owner) return { changed: false, result: false };
      state.leases.delete(name);
      return { changed: true, result: held.expiresAt > this.#clock.now() };
    });
  }

  /** {@inheritDoc SessionStore.readLease} */
  async readLease(name: string, signal?: AbortSignal): Promise<LeaseInfo | null> {
    checkLease(name, 'reader');
    return this.#read('readLease', signal, (state) => {
      const held = state.leases.get(name);
      if (!held || held.expiresAt <= this.#clock.now()) return null;
      return { name, owner: held.owner, expiresAt: new Date(held.expiresAt) };
    });
  }

  /** {@inheritDoc SessionStore.setPending} */
  async setPending(sessionId: string, work: PendingWork, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkPending(work);
    const stored = toStoredPending(work);
    return this.#write('setPending', signal, (state) => {
      state.pending.set(sessionId, stored);
      return { changed: true, result: undefined };
    });
  }

  /** {@inheritDoc SessionStore.clearPending} */
  async clearPending(sessionId: string, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    return this.#write('clearPending', signal, (state) => {
      return { changed: state.pending.delete(sessionId), result: undefined };
    });
  }

  /** {@inheritDoc SessionStore.pending} */
  async pending(ids?: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, PendingWork>> {
    if (ids !== undefined) checkIds(ids);
    return this.#read('pending', signal, (state) => {
      const result = new Map<string, PendingWork>();
      for (const id of ids ?? [...state.pending.keys()]) {
        const parsed = storedPending.safeParse(state.pending.get(id));
        if (parsed.success) result.set(id, fromStoredPending(parsed.data));
      }
      return result;
    });
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  #fail(operation: string): (error: unknown) => StoreError {
    return (error) =>
      storeError('file', operation, 'failed', `could not use ${this.dir} (${errorTag(error)})`);
  }

  #read<T>(operation: string, signal: AbortSignal | undefined, pick: (state: State) => T): Promise<T> {
    return bounded(
      'file',
      operation,
      this.#timeoutMs,
      signal,
      async () => pick(await this.#load(operation, false)),
      this.#fail(operation),
    );
  }

  #write<T>(
    operation: string,
    signal: AbortSignal | undefined,
    change: (state: State) => { changed: boolean; result: T },
  ): Promise<T> {
    return bounded(
      'file',
      operation,
      this.#timeoutMs,
      signal,
      async (deadline) => {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const token = await this.#takeLock(operation, deadline);
        try {
          const state = await this.#load(operation, true);
          const { changed, result } = change(state);
          if (deadline.aborted) throw new AbortError('The store call was aborted');
          if (changed) await this.#save(state);
          return result;
        } finally {
          await this.#dropLock(token);
        }
      },
      this.#fail(operation),
    );
  }

  /**
   * Reads the state file (or the cached copy while it is unchanged). A missing file is an empty state.
   * Writers get a copy to change; readers share the cached one.
   */
  async #load(operation: string, forWriting: boolean): Promise<State> {
    let key: string;
    try {
      const info = await stat(this.#file, { bigint: true });
      key = `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (error) {
      if (isMissing(error)) return emptyState();
      throw error;
    }
    if (this.#cache?.key === key) return forWriting ? cloneState(this.#cache.state) : this.#cache.state;
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return emptyState();
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw storeError(
        'file',
        operation,
        'corrupt',
        `found ${this.#file} unreadable (not JSON); move it away to start afresh`,
      );
    }
    const state = parseState(raw);
    this.#cache = { key, state };
    return forWriting ? cloneState(state) : state;
  }

  /** Writes the state to a temporary file (0600), flushes it, and renames it over the old one. */
  async #save(state: State): Promise<void> {
    const temp = join(this.dir, `${STATE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const body = JSON.stringify({
      version: VERSION,
      activity: Object.fromEntries(state.activity),
      history: Object.fromEntries(state.history),
      leases: Object.fromEntries(state.leases),
      pending: Object.fromEntries(state.pending),
    });
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.#file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Takes the lock file, breaking a stale one; gives up when `deadline` aborts. Returns the lock's token. */
  async #takeLock(operation: string, deadline: AbortSignal): Promise<string> {
    const token = `${this.#host}:${process.pid}:${randomBytes(8).toString('hex')}`;
    const body = JSON.stringify({ host: this.#host, pid: process.pid, token, at: Date.now() });
    for (let attempt = 0; ; attempt++) {
      if (deadline.aborted) throw storeError('file', operation, 'timeout', 'could not take its lock in time');
      try {
        const handle = await open(
          this.#lock,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
          0o600,
        );
        try {
          await handle.writeFile(body, 'utf8');
        } finally {
          await handle.close();
        }
        return token;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.#breakIfStale()) continue;
      // Writers hold the lock for a few ms: poll quickly, with jitter so waiters do not move in step.
      await sleep(Math.min(2 + attempt, 25) + Math.random() * 5, deadline).catch(() => undefined);
    }
  }

  /** Removes the lock when its holder is gone. Returns true when it did (or the lock vanished meanwhile). */
  async #breakIfStale(): Promise<boolean> {
    let text: string;
    let mtime: number;
    try {
      [text, mtime] = await Promise.all([
        readFile(this.#lock, 'utf8'),
        stat(this.#lock).then((s) => s.mtimeMs),
      ]);
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
    let holder: { host?: unknown; pid?: unknown; token?: unknown } = {};
    try {
      holder = JSON.parse(text) as typeof holder;
    } catch {
      // Half-written by a holder that died between create and write: judged by age alone.
    }
    const deadHere =
      holder.host === this.#host && typeof holder.pid === 'number' && !processAlive(holder.pid);
    const tooOld = Date.now() - mtime > this.#staleLockMs;
    if (!deadHere && !tooOld) return false;
    // Move the stale lock aside and check it is the one judged: another waiter may have broken it and a new
    // holder taken the lock in between. A fresh lock moved aside by mistake is put back.
    const aside = `${this.#lock}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
    try {
      await rename(this.#lock, aside);
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
    const moved = await readFile(aside, 'utf8').catch(() => '');
    if (moved !== text) {
      await rename(aside, this.#lock).catch(() => undefined);
      return false;
    }
    await unlink(aside).catch(() => undefined);
    return true;
  }

  async #dropLock(token: string): Promise<void> {
    try {
      const text = await readFile(this.#lock, 'utf8');
      // Only our own lock: if ours was broken as stale (we were stopped for longer than staleLockMs), the
      // lock now belongs to someone else.
      if ((JSON.parse(text) as { token?: unknown }).token === token) await unlink(this.#lock);
    } catch {
      // Gone already, or not ours.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function recordsOf(list: unknown[] | undefined): RepairRecord[] {
  const records: RepairRecord[] = [];
  for (const item of list ?? []) {
    const parsed = storedRecord.safeParse(item);
    if (parsed.success) records.push(fromStoredRecord(parsed.data as StoredRecord));
  }
  return records;
}

/** Reads the top level of the file leniently: a value of the wrong shape is dropped, not fatal. */
function parseState(raw: unknown): State {
  const top = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const state = emptyState();
  for (const [id, time] of entries(top['activity'])) {
    if (typeof time === 'number' && Number.isFinite(time)) state.activity.set(id, time);
  }
  for (const [id, list] of entries(top['history'])) if (Array.isArray(list)) state.history.set(id, list);
  for (const [name, lease] of entries(top['leases'])) {
    const { owner, expiresAt } = (lease ?? {}) as { owner?: unknown; expiresAt?: unknown };
    if (typeof owner === 'string' && typeof expiresAt === 'number')
      state.leases.set(name, { owner, expiresAt });
  }
  for (const [id, work] of entries(top['pending'])) state.pending.set(id, work as StoredPending);
  return state;
}

function cloneState(state: State): State {
  return {
    activity: new Map(state.activity),
    history: new Map(state.history),
    leases: new Map([...state.leases].map(([name, lease]) => [name, { ...lease }])),
    pending: new Map(state.pending),
  };
}
