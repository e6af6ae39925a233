/**
 * `--store` / `WPP_STORE` in-process: which store a command gets, where the file store lives by default, the
 * Redis client loaded only for a Redis URL (and a clear error without one), and the password kept secret.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit.js';
import { Output } from '../../src/cli/output.js';
import { closeStores, openStore, parseStoreSpec } from '../../src/cli/store.js';
import { FileStore } from '../../src/store/file.js';
import { memoryIo } from './helpers.js';

describe('--store / WPP_STORE', () => {
  it('defaults to the file store under XDG_STATE_HOME (of the command’s environment); a directory is resolved from cwd', async () => {
    const memory = memoryIo({ XDG_STATE_HOME: '/tmp/xdg-test-state' }, { cwd: '/tmp/base' });
    const loads: string[] = [];
    const load = async (name: string) => {
      loads.push(name);
      throw new Error('not installed');
    };
    const plain = await openStore('sessions', {}, memory.io, new Output(memory.io), 1_000, load);
    expect(plain.store).toBeInstanceOf(FileStore);
    expect((plain.store as FileStore).dir).toBe('/tmp/xdg-test-state/whatsapp-gateway');
    const relative = await openStore(
      'sessions',
      { store: 'state' },
      memory.io,
      new Output(memory.io),
      1_000,
      load,
    );
    expect((relative.store as FileStore).dir).toBe('/tmp/base/state');
    // No Redis client is imported for a file store.
    expect(loads).toEqual([]);
  });

  it('a Redis URL without a Redis client installed: a usage error naming the packages to install', async () => {
    const memory = memoryIo({ WPP_STORE: 'redis://127.0.0.1:1/0' });
    const loads: string[] = [];
    const load = async (name: string) => {
      loads.push(name);
      throw new Error(`Cannot find package '${name}'`);
    };
    const error = await openStore('healthcheck', {}, memory.io, new Output(memory.io), 1_000, load).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('npm install ioredis (or npm install redis)');
    expect(loads).toEqual(['ioredis', 'redis']);
    await closeStores(memory.io);
  });

  it('the password: refused in the flag, accepted from the environment and masked in all output', () => {
    const secret = 'p4ss-w0rd-abcdef123456';
    const memory = memoryIo({ WPP_STORE: `rediss://app:${secret}@redis.example:6380/2` });
    expect(parseStoreSpec('sessions', {}, memory.io)).toMatchObject({ kind: 'redis', password: secret });
    const flag = () =>
      parseStoreSpec('sessions', { store: `redis://:${secret}@redis.example` }, memoryIo().io);
    expect(flag).toThrow(UsageError);
    expect(flag).toThrow('--store must not hold a password');
    try {
      flag();
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
    expect(
      parseStoreSpec('sessions', { store: 'redis+unix:///run/redis.sock' }, memoryIo().io),
    ).toMatchObject({
      kind: 'redis',
      socket: '/run/redis.sock',
    });
    expect(() => parseStoreSpec('sessions', { store: 'http://example/x' }, memoryIo().io)).toThrow(
      'must be a directory or a redis://',
    );
  });

  it('a Redis password from WPP_STORE is masked once the store is opened', async () => {
    const secret = 'env-only-secret-7788aa';
    const memory = memoryIo({ WPP_STORE: `redis://:${secret}@127.0.0.1:1/0` });
    const out = new Output(memory.io);
    await openStore('sessions', {}, memory.io, out, 1_000, async () => {
      throw new Error('missing');
    }).catch(() => {});
    out.line(`x ${secret} y`);
    expect(memory.stdout()).not.toContain(secret);
  });
});
