/**
 * The command's session store: `--store <dir | redis://… | rediss://… | redis+unix:///path>` or `WPP_STORE`,
 * default the file store in its default directory. Several runs of the command (a cron healthcheck, an
 * operator's reconnect) then share leases and restart history, so they neither repeat each other's repair
 * nor forget a restart when the process exits.
 *
 * A Redis URL may hold a password only in the environment (a secret on the command line lands in shell
 * history and `ps`). The Redis client (`ioredis`, else `redis`: optional peer dependencies) is imported only
 * for a Redis URL, and closed when the command ends.
 * @module
 */
import { resolve } from 'node:path';
import { defaultStoreDir, FileStore } from '../store/file.js';
import { RedisStore } from '../store/redis.js';
import type { SessionStore } from '../store/types.js';
import { type OptionValues, stringOption } from './args.js';
import { UsageError } from './exit.js';
import type { CliIo } from './io.js';
import type { Output } from './output.js';

/** The environment variable naming the store (a directory or a Redis URL, password allowed). */
export const STORE_ENV = 'WPP_STORE';

/** Where the store setting came from, for messages. */
export type StoreOrigin = '--store' | typeof STORE_ENV;

/** A parsed store setting: a directory for the file store, or a Redis URL. */
export type StoreSpec =
  | { kind: 'file'; dir: string | undefined }
  | { kind: 'redis'; url: string; socket?: string; password?: string };

const REDIS_SCHEMES = new Set(['redis:', 'rediss:', 'redis+unix:']);

/**
 * Reads `--store` / `WPP_STORE`; never echoes a URL (it may hold a password).
 * @throws {@link UsageError} for a Redis URL that does not parse, or a password in the flag.
 */
export function parseStoreSpec(command: string, values: OptionValues, io: CliIo): StoreSpec {
  const flag = stringOption(values, 'store');
  const value = flag ?? io.env[STORE_ENV];
  const origin: StoreOrigin = flag !== undefined ? '--store' : STORE_ENV;
  if (value === undefined || value === '') return { kind: 'file', dir: undefined };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { kind: 'file', dir: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${origin} is not a valid URL (expected redis://host:6379 or a directory)`, command);
  }
  if (!REDIS_SCHEMES.has(url.protocol)) {
    throw new UsageError(
      `${origin} must be a directory or a redis://, rediss:// or redis+unix:///path/to/socket URL`,
      command,
    );
  }
  if (origin === '--store' && url.password !== '') {
    throw new UsageError(
      '--store must not hold a password: a secret on the command line lands in the shell history and in `ps`. ' +
        `Put the URL with its password in ${STORE_ENV} instead.`,
      command,
    );
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  if (url.protocol === 'redis+unix:') {
    if (url.pathname === '' || url.pathname === '/') {
      throw new UsageError(
        `${origin}: redis+unix:// needs a socket path (redis+unix:///run/redis.sock)`,
        command,
      );
    }
    return {
      kind: 'redis',
      url: value,
      socket: decodeURIComponent(url.pathname),
      ...(password ? { password } : {}),
    };
  }
  return { kind: 'redis', url: value, ...(password ? { password } : {}) };
}

/** Loads a module by name; injectable so the "client missing" path is testable. */
export type ModuleLoader = (name: string) => Promise<unknown>;

const defaultLoader: ModuleLoader = (name) => import(name);

/** An open store and how to let go of it when the command ends. */
export interface OpenStore {
  store: SessionStore;
  close(): Promise<void>;
}

type Closable = { quit?: () => Promise<unknown>; disconnect?: () => unknown; destroy?: () => unknown };

/** Opens a Redis client from the user's `ioredis`, else `redis`; the URL and password never reach a message. */
async function openRedis(
  command: string,
  spec: Extract<StoreSpec, { kind: 'redis' }>,
  timeoutMs: number,
  load: ModuleLoader,
): Promise<OpenStore> {
  const connectTimeout = Math.ceil(timeoutMs);
  const ioredis = (await load('ioredis').catch(() => undefined)) as Record<string, unknown> | undefined;
  if (ioredis) {
    const Redis = (ioredis['Redis'] ?? ioredis['default']) as new (...args: unknown[]) => Closable;
    // One retry per command and a bounded connect: a Redis that is down fails the command, it does not hang.
    const options = { connectTimeout, maxRetriesPerRequest: 1, lazyConnect: false };
    const client = spec.socket
      ? new Redis({ path: spec.socket, ...(spec.password ? { password: spec.password } : {}), ...options })
      : new Redis(spec.url, options);
    // Errors reach the store's calls (typed, without the URL); the event must not crash the process.
    (client as unknown as { on(event: string, fn: () => void): void }).on('error', () => {});
    return {
      store: new RedisStore({ client: client as never, timeoutMs }),
      close: async () => {
        client.disconnect?.();
      },
    };
  }
  const nodeRedis = (await load('redis').catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!nodeRedis) {
    throw new UsageError(
      'a Redis store needs a Redis client package: npm install ioredis (or npm install redis)',
      command,
    );
  }
  const createClient = nodeRedis['createClient'] as (options: object) => Closable & {
    on(event: string, fn: () => void): unknown;
    connect(): Promise<unknown>;
  };
  const socket = spec.socket
    ? { path: spec.socket, connectTimeout, reconnectStrategy: false }
    : { connectTimeout, reconnectStrategy: false };
  const client = createClient({
    ...(spec.socket ? {} : { url: spec.url }),
    ...(spec.socket && spec.password ? { password: spec.password } : {}),
    socket,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    throw new UsageError(`could not connect to the Redis store (${connectTimeout} ms)`, command);
  }
  return {
    store: new RedisStore({ client: client as never, timeoutMs }),
    close: async () => {
      client.destroy?.();
    },
  };
}

/**
 * Opens the command's store: the file store (default directory unless a directory is given), or Redis. A
 * password in `WPP_STORE` is registered with `out`, so it is masked in all output.
 * @throws {@link UsageError} for a bad setting, or a Redis URL without a Redis client installed.
 */
export async function openStore(
  command: string,
  values: OptionValues,
  io: CliIo,
  out: Output,
  timeoutMs: number,
  load: ModuleLoader = defaultLoader,
): Promise<OpenStore> {
  const spec = parseStoreSpec(command, values, io);
  if (spec.kind === 'file') {
    // The command's own environment (not necessarily `process.env`) decides the default directory.
    const dir = spec.dir === undefined ? defaultStoreDir(io.env) : resolve(io.cwd, spec.dir);
    return { store: new FileStore({ dir }), close: async () => {} };
  }
  if (spec.password) out.protect(spec.password);
  const opened = await openRedis(command, spec, timeoutMs, load);
  closers(io).push(opened.close);
  return opened;
}

const pending = new WeakMap<CliIo, Array<() => Promise<void>>>();

function closers(io: CliIo): Array<() => Promise<void>> {
  const list = pending.get(io) ?? [];
  pending.set(io, list);
  return list;
}

/**
 * Closes the stores a command run opened (a Redis connection would keep the process alive); called by the
 * dispatcher once the command has ended, whatever its outcome.
 */
export async function closeStores(io: CliIo): Promise<void> {
  const list = pending.get(io) ?? [];
  pending.delete(io);
  await Promise.all(list.map((close) => close().catch(() => {})));
}
