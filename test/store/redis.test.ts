/**
 * RedisStore on a real redis-server (test/support/redis.ts), through both clients it accepts: ioredis and
 * node-redis. The contract suite runs once per client; then the failures: Redis down, slow, erroring.
 */
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StoreError, WhatsAppSdkError } from '../../src/errors.js';
import { type RedisClientLike, RedisStore } from '../../src/store/redis.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import { describeStoreContract } from './contract.js';

const PASSWORD = `redis-pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
let server: RedisServer;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis({ password: PASSWORD });
}, 20_000);
afterAll(async () => {
  await server?.stop();
});

/** Counts commands, to prove one round trip per batched read. */
function counting(client: RedisClientLike): { client: RedisClientLike; count: () => number } {
  let n = 0;
  const count = () => n;
  if ('call' in client) {
    const call = (c: string, ...a: string[]) => {
      n++;
      return client.call(c, ...a);
    };
    return { client: { call }, count };
  }
  const sendCommand = (a: string[]) => {
    n++;
    return client.sendCommand(a);
  };
  return { client: { sendCommand }, count };
}

function ioredis(): Redis {
  const client = new Redis({ path: server.socket, password: PASSWORD, lazyConnect: false });
  client.on('error', () => undefined);
  return client;
}

async function nodeRedis() {
  const client = createClient({ socket: { path: server.socket, tls: false }, password: PASSWORD });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describeStoreContract('RedisStore (ioredis)', async () => {
  const client = ioredis();
  const { client: wrapped, count } = counting(client);
  return {
    store: new RedisStore({ client: wrapped, prefix: `t${++prefixes}:`, historyLimit: 5 }),
    roundTrips: count,
    cleanup: async () => {
      client.disconnect();
    },
  };
});

describeStoreContract('RedisStore (node-redis)', async () => {
  const client = await nodeRedis();
  const { client: wrapped, count } = counting(client as unknown as RedisClientLike);
  return {
    store: new RedisStore({ client: wrapped, prefix: `t${++prefixes}:`, historyLimit: 5 }),
    roundTrips: count,
    cleanup: async () => {
      await client.quit();
    },
  };
});

/** Every rendering of an error a program or a person might print. */
function renderings(error: unknown): string[] {
  const e = error as Error & { toJSON?: () => unknown };
  return [
    String(e),
    e.message,
    e.stack ?? '',
    inspect(e, { depth: 10, showHidden: true }),
    JSON.stringify(e),
    JSON.stringify(e.toJSON?.() ?? {}),
  ];
}

function expectNoPassword(error: unknown, password: string): void {
  for (const text of renderings(error)) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(password.slice(-8));
    expect(text).not.toContain(Buffer.from(password).toString('base64').slice(0, 12));
    expect(text).not.toContain(encodeURIComponent(password));
  }
}

describe('RedisStore', () => {
  it('accepts the two clients as they are typed (no cast)', async () => {
    const io = ioredis();
    const nr = await nodeRedis();
    try {
      const a = new RedisStore({ client: io, prefix: 'types-a:' });
      const b = new RedisStore({ client: nr, prefix: 'types-a:' });
      await a.recordActivity('sales', new Date(Date.now() - 1_000));
      // One Redis, one prefix: what one client wrote, the other reads.
      expect((await b.lastActivity(['sales'])).get('sales')).toBeInstanceOf(Date);
    } finally {
      io.disconnect();
      await nr.quit();
    }
  });

  it('rejects what is not a Redis client, and a bad prefix', () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client: null as never })).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client: { call: async () => 1 }, prefix: 'a b' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('keeps the lease in one key set with NX PX: its TTL is Redis’s own', async () => {
    const io = ioredis();
    try {
      const store = new RedisStore({ client: io, prefix: 'ttl:' });
      expect(await store.acquireLease('session:sales', 'a', 5_000)).toBe(true);
      const ttl = Number(await io.call('PTTL', 'ttl:lease:session:sales'));
      expect(ttl).toBeGreaterThan(4_000);
      expect(await io.call('GET', 'ttl:lease:session:sales')).toBe('a');
    } finally {
      io.disconnect();
    }
  });

  describe('failures: a typed error within the bound, never a hang, never the password', () => {
    it('Redis down (ioredis, queueing while it reconnects) → StoreError unavailable or timeout', async () => {
      const down = await startRedis({ password: PASSWORD });
      const client = new Redis({ path: down.socket, password: PASSWORD });
      client.on('error', () => undefined);
      const store = new RedisStore({ client, timeoutMs: 500 });
      await store.recordActivity('sales', new Date());
      await down.stop();
      for (const call of [
        () => store.lastActivity(['sales']),
        () => store.acquireLease('session:sales', 'me', 1_000),
        () => store.history(['sales']),
      ]) {
        const started = Date.now();
        const error = await call().catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toBeInstanceOf(WhatsAppSdkError);
        expect(['unavailable', 'timeout']).toContain((error as StoreError).failure);
        expectNoPassword(error, PASSWORD);
      }
      client.disconnect();
    });

    it('Redis down (node-redis) → StoreError within the bound', async () => {
      const down = await startRedis({ password: PASSWORD });
      const client = createClient({
        socket: { path: down.socket, tls: false, reconnectStrategy: () => 50 },
        password: PASSWORD,
      });
      client.on('error', () => undefined);
      await client.connect();
      const store = new RedisStore({ client, timeoutMs: 500 });
      await down.stop();
      const started = Date.now();
      const error = await store.lastActivity(['sales']).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(StoreError);
      expectNoPassword(error, PASSWORD);
      client.destroy();
    });

    it('Redis slow (the server stops answering) → StoreError timeout, and the next call works again', async () => {
      const slow = await startRedis({ password: PASSWORD });
      const client = new Redis({ path: slow.socket, password: PASSWORD });
      client.on('error', () => undefined);
      const store = new RedisStore({ client, timeoutMs: 300 });
      try {
        await store.recordActivity('sales', new Date(Date.now() - 5_000));
        slow.pause();
        const started = Date.now();
        const error = await store.acquireLease('session:sales', 'me', 1_000).catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).failure).toBe('timeout');
        expect((error as StoreError).operation).toBe('acquireLease');
        expectNoPassword(error, PASSWORD);
        slow.resume();
        expect((await store.lastActivity(['sales'])).get('sales')).toBeInstanceOf(Date);
      } finally {
        slow.resume();
        client.disconnect();
        await slow.stop();
      }
    });

    it('Redis answering errors (a command it refuses) → StoreError failed with the reply code only', async () => {
      const odd = await startRedis({ password: PASSWORD, args: ['--rename-command', 'ZMSCORE', ''] });
      const client = await (async () => {
        const c = createClient({ socket: { path: odd.socket, tls: false }, password: PASSWORD });
        c.on('error', () => undefined);
        return c.connect();
      })();
      try {
        const store = new RedisStore({ client });
        const error = await store.lastActivity(['sales']).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).failure).toBe('failed');
        expect((error as StoreError).message).toMatch(/got an error from Redis \(ERR\)/);
        expectNoPassword(error, PASSWORD);
      } finally {
        await client.quit();
        await odd.stop();
      }
    });

    it('a wrong password: the error says WRONGPASS/NOAUTH and shows neither password', async () => {
      const wrong = `wrong-${PASSWORD}`;
      const client = new Redis({ path: server.socket, password: wrong, maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      const store = new RedisStore({ client, timeoutMs: 1_000 });
      const error = await store.acquireLease('session:sales', 'me', 1_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expectNoPassword(error, PASSWORD);
      expectNoPassword(error, wrong);
      client.disconnect();
    });
  });
});
