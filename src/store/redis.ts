/**
 * `RedisStore`: the {@link SessionStore} of many machines, over the caller's own Redis client (`ioredis` or
 * `redis` ≥ 4). The package depends on neither: the store speaks raw commands through whichever was given.
 *
 * Keys (under `prefix`):
 * - `activity`: a sorted set, session id → last message time; `ZADD … GT` keeps the larger time, `ZMSCORE`
 *   reads any number of ids in one command;
 * - `history:<id>`: a list of JSON records, trimmed to the bound on every append (one script); read for many
 *   ids in one script call;
 * - `lease:<name>`: the owner token, set with `SET … NX PX` so it expires with its owner; renew and release
 *   are scripts that act only when the stored token is the caller's (the single-instance pattern of the Redis
 *   distributed-locks page);
 * - `pending`: a hash, session id → JSON of the work left.
 *
 * Needs Redis 6.2 or later (`ZADD GT`, `ZMSCORE`).
 * @module
 */
import { InvalidArgumentError, type StoreError, type StoreFailure } from '../errors.js';
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
import { parsePending, parseRecord, toStoredPending, toStoredRecord } from './stored.js';
import type { LeaseInfo, PendingWork, RepairRecord, SessionStore, StoreLimits } from './types.js';

/** An `ioredis` client (or cluster): anything with ioredis's `call(command, ...args)`. */
export interface IoRedisLikeClient {
  /** Sends one command. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A `redis` (node-redis ≥ 4) client: anything with node-redis's `sendCommand([command, ...args])`. */
export interface NodeRedisLikeClient {
  /** Sends one command. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** The Redis clients {@link RedisStore} accepts. */
export type RedisClientLike = IoRedisLikeClient | NodeRedisLikeClient;

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions extends StoreLimits {
  /**
   * Your connected client: `new Redis(url)` from `ioredis`, or `await createClient({ url }).connect()` from
   * `redis`. The store never connects, quits or configures it.
   */
  client: RedisClientLike;
  /** Prefix of every key. Default `whatsapp-gateway:`. */
  prefix?: string;
  /**
   * Longest a call may take before it fails with a `StoreError` (Redis down, slow or unreachable). Clients
   * queue commands while they reconnect; this bound makes sure no call waits on that forever. Default 2 000 ms.
   */
  timeoutMs?: number;
}

// Renew and release only when the stored token is the caller's, atomically.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const READ_LEASE = `local v = redis.call('GET', KEYS[1]) if not v then return nil end return {v, redis.call('PTTL', KEYS[1])}`;
// Append and trim in one step, so the bound holds whatever runs concurrently.
const APPEND = `redis.call('RPUSH', KEYS[1], ARGV[1]) redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1) return 1`;
// Every session's history in one round trip.
const READ_HISTORY = `local out = {} for i, key in ipairs(KEYS) do out[i] = redis.call('LRANGE', key, 0, -1) end return out`;

/** Errors that mean "no connection" rather than "Redis refused the command". */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ClientClosedError',
  'ClientOfflineError',
  'SocketClosedUnexpectedlyError',
  'ConnectionTimeoutError',
  'MaxRetriesPerRequestError',
  'LOADING',
]);

/** The one function the store sends commands through, whichever client it was given. */
type Send = (args: string[]) => Promise<unknown>;

function sender(client: unknown): Send {
  const candidate = client as Partial<IoRedisLikeClient & NodeRedisLikeClient> | null;
  // ioredis also has a `sendCommand`, taking its own Command objects: test for `call` first.
  if (candidate && typeof candidate.call === 'function') {
    const call = candidate.call.bind(candidate);
    return ([command, ...args]) => call(command as string, ...args);
  }
  if (candidate && typeof candidate.sendCommand === 'function') {
    const sendCommand = candidate.sendCommand.bind(candidate);
    return (args) => sendCommand(args);
  }
  throw new InvalidArgumentError(
    'options.client',
    'must be an ioredis client or a node-redis (redis ≥ 4) client, already connected',
  );
}

function asNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(String(value));
  return Number.isFinite(n) ? n : null;
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/**
 * A {@link SessionStore} in Redis, for processes on several machines: activity, history, leases and pending
 * work are shared by every process that uses the same Redis and `prefix`.
 *
 * Bring your own client; both `ioredis` and `redis` (node-redis ≥ 4) work. Every call is bounded by
 * `timeoutMs` and fails with a `StoreError` (no password, URL or driver message in it) when Redis is down,
 * slow or answers an error.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisStore } from 'whatsapp-gateway-sdk/store';
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL!), prefix: 'sales-app:' });
 * const manager = new SessionManager({ gateway, wppconnect, store });
 * ```
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisStore({ client });
 * ```
 */
export class RedisStore implements SessionStore {
  /** Always `redis`. */
  readonly kind = 'redis';
  /** The key prefix. */
  readonly prefix: string;
  readonly #send: Send;
  readonly #limit: number;
  readonly #timeoutMs: number;

  /**
   * @param options - The client, the key prefix and the bounds.
   * @throws `InvalidArgumentError` when the client is neither an ioredis nor a node-redis client.
   */
  constructor(options: RedisStoreOptions) {
    if (!options || typeof options !== 'object') {
      throw new InvalidArgumentError('options', 'must be an object with a client');
    }
    this.#send = sender(options.client);
    const prefix = options.prefix ?? 'whatsapp-gateway:';
    if (typeof prefix !== 'string' || prefix.length > 100 || /[\s]/.test(prefix)) {
      throw new InvalidArgumentError(
        'options.prefix',
        'must be a string of at most 100 characters, no spaces',
      );
    }
    this.prefix = prefix;
    this.#limit = historyLimitOf(options.historyLimit);
    this.#timeoutMs = timeoutOf(options.timeoutMs, 2_000, 'options.timeoutMs');
  }

  /** {@inheritDoc SessionStore.recordActivity} */
  async recordActivity(sessionId: string, at: Date, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    const time = activityTime(at, Date.now());
    await this.#run('recordActivity', signal, ['ZADD', this.#key('activity'), 'GT', String(time), sessionId]);
  }

  /** {@inheritDoc SessionStore.lastActivity} */
  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    checkIds(ids);
    if (ids.length === 0) return new Map();
    const scores = await this.#run('lastActivity', signal, ['ZMSCORE', this.#key('activity'), ...ids]);
    const list = Array.isArray(scores) ? scores : [];
    return new Map(
      ids.map((id, i) => {
        const time = asNumber(list[i]);
        return [id, time === null ? null : new Date(time)] as const;
      }),
    );
  }

  /** {@inheritDoc SessionStore.appendHistory} */
  async appendHistory(sessionId: string, record: RepairRecord, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkRecord(record);
    const json = JSON.stringify(toStoredRecord(record));
    await this.#run('appendHistory', signal, [
      'EVAL',
      APPEND,
      '1',
      this.#historyKey(sessionId),
      json,
      String(this.#limit),
    ]);
  }

  /** {@inheritDoc SessionStore.history} */
  async history(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, readonly RepairRecord[]>> {
    checkIds(ids);
    if (ids.length === 0) return new Map();
    const keys = ids.map((id) => this.#historyKey(id));
    const lists = await this.#run('history', signal, ['EVAL', READ_HISTORY, String(keys.length), ...keys]);
    const all = Array.isArray(lists) ? lists : [];
    return new Map(
      ids.map((id, i) => {
        const items = Array.isArray(all[i]) ? (all[i] as unknown[]) : [];
        return [id, items.map((item) => parseRecord(asText(item))).filter((r) => r !== null)] as const;
      }),
    );
  }

  /** {@inheritDoc SessionStore.acquireLease} */
  async acquireLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    const key = this.#key(`lease:${name}`);
    const set = await this.#run('acquireLease', signal, ['SET', key, owner, 'NX', 'PX', String(ttlMs)]);
    if (asText(set) === 'OK') return true;
    // Held: by us already (then extend it), or by someone else.
    return this.renewLease(name, owner, ttlMs, signal);
  }

  /** {@inheritDoc SessionStore.renewLease} */
  async renewLease(name: string, owner: string, ttlMs: number, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    const key = this.#key(`lease:${name}`);
    const renewed = await this.#run('renewLease', signal, ['EVAL', RENEW, '1', key, owner, String(ttlMs)]);
    return asNumber(renewed) === 1;
  }

  /** {@inheritDoc SessionStore.releaseLease} */
  async releaseLease(name: string, owner: string, signal?: AbortSignal): Promise<boolean> {
    checkLease(name, owner);
    const key = this.#key(`lease:${name}`);
    const released = await this.#run('releaseLease', signal, ['EVAL', RELEASE, '1', key, owner]);
    return asNumber(released) === 1;
  }

  /** {@inheritDoc SessionStore.readLease} */
  async readLease(name: string, signal?: AbortSignal): Promise<LeaseInfo | null> {
    checkLease(name, 'reader');
    const key = this.#key(`lease:${name}`);
    const answer = await this.#run('readLease', signal, ['EVAL', READ_LEASE, '1', key]);
    if (!Array.isArray(answer)) return null;
    const owner = asText(answer[0]);
    const ttl = asNumber(answer[1]);
    if (owner === null || ttl === null || ttl < 0) return null;
    return { name, owner, expiresAt: new Date(Date.now() + ttl) };
  }

  /** {@inheritDoc SessionStore.setPending} */
  async setPending(sessionId: string, work: PendingWork, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    checkPending(work);
    const json = JSON.stringify(toStoredPending(work));
    await this.#run('setPending', signal, ['HSET', this.#key('pending'), sessionId, json]);
  }

  /** {@inheritDoc SessionStore.clearPending} */
  async clearPending(sessionId: string, signal?: AbortSignal): Promise<void> {
    assertSessionId(sessionId);
    await this.#run('clearPending', signal, ['HDEL', this.#key('pending'), sessionId]);
  }

  /** {@inheritDoc SessionStore.pending} */
  async pending(ids?: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, PendingWork>> {
    const result = new Map<string, PendingWork>();
    if (ids !== undefined) {
      checkIds(ids);
      if (ids.length === 0) return result;
      const values = await this.#run('pending', signal, ['HMGET', this.#key('pending'), ...ids]);
      const list = Array.isArray(values) ? values : [];
      ids.forEach((id, i) => {
        const work = parsePending(asText(list[i]));
        if (work) result.set(id, work);
      });
      return result;
    }
    const flat = await this.#run('pending', signal, ['HGETALL', this.#key('pending')]);
    // RESP2 answers a flat [field, value, …] list; RESP3 clients may answer a map or an object.
    const pairs: [unknown, unknown][] = Array.isArray(flat)
      ? Array.from({ length: Math.floor(flat.length / 2) }, (_, i) => [flat[2 * i], flat[2 * i + 1]])
      : flat instanceof Map
        ? [...flat.entries()]
        : flat && typeof flat === 'object'
          ? Object.entries(flat)
          : [];
    for (const [field, value] of pairs) {
      const id = asText(field);
      const work = parsePending(asText(value));
      if (id !== null && work) result.set(id, work);
    }
    return result;
  }

  #key(name: string): string {
    return `${this.prefix}${name}`;
  }

  #historyKey(sessionId: string): string {
    return this.#key(`history:${sessionId}`);
  }

  #run(operation: string, signal: AbortSignal | undefined, args: string[]): Promise<unknown> {
    return bounded(
      'redis',
      operation,
      this.#timeoutMs,
      signal,
      () => this.#send(args),
      (error) => mapRedisError(operation, error),
    );
  }
}

function mapRedisError(operation: string, error: unknown): StoreError {
  const tag = errorTag(error);
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    UNAVAILABLE.has(tag) || /connection is closed|the client is closed|offline/i.test(message);
  const failure: StoreFailure = unavailable ? 'unavailable' : 'failed';
  return storeError(
    'redis',
    operation,
    failure,
    unavailable ? `could not reach Redis (${tag})` : `got an error from Redis (${tag})`,
  );
}
