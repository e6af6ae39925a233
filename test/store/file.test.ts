import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { defaultStoreDir, FileStore } from '../../src/store/file.js';
import { describeStoreContract } from './contract.js';

const run = promisify(execFile);
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgw-file-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('FileStore', async () => {
  const dir = tempDir();
  return {
    store: new FileStore({ dir: join(dir, 'state'), historyLimit: 5 }),
    cleanup: async () => undefined,
  };
});

describe('FileStore', () => {
  it('creates its directory 0700 and its files 0600', async () => {
    const dir = join(tempDir(), 'nested', 'state');
    const store = new FileStore({ dir });
    await store.recordActivity('sales', new Date());
    await store.acquireLease('session:sales', 'me', 1_000);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toEqual(['sessions.json']);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });

  it('reads as empty before anything was written, without creating anything', async () => {
    const dir = join(tempDir(), 'never');
    const store = new FileStore({ dir });
    expect((await store.lastActivity(['sales'])).get('sales')).toBeNull();
    expect(() => statSync(dir)).toThrow();
  });

  it('defaults to $XDG_STATE_HOME/whatsapp-gateway, else ~/.local/state/whatsapp-gateway', () => {
    expect(defaultStoreDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' })).toBe(
      '/x/state/whatsapp-gateway',
    );
    expect(defaultStoreDir({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe(
      '/home/u/.local/state/whatsapp-gateway',
    );
    expect(defaultStoreDir({ HOME: '/home/u' })).toBe('/home/u/.local/state/whatsapp-gateway');
  });

  it('breaks a lock left by a crashed process (dead pid) at once', async () => {
    const dir = tempDir();
    const store = new FileStore({ dir, timeoutMs: 2_000 });
    await store.recordActivity('sales', new Date(Date.now() - 1_000));
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(
      join(dir, 'sessions.lock'),
      JSON.stringify({
        host: (await import('node:os')).hostname(),
        pid: Number(stdout),
        token: 'dead',
        at: Date.now(),
      }),
    );
    const started = Date.now();
    expect(await store.acquireLease('session:sales', 'me', 1_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('breaks a lock older than staleLockMs whose holder cannot be checked', async () => {
    const dir = tempDir();
    const store = new FileStore({ dir, staleLockMs: 300, timeoutMs: 3_000 });
    await store.recordActivity('sales', new Date(Date.now() - 1_000));
    writeFileSync(join(dir, 'sessions.lock'), JSON.stringify({ host: 'elsewhere', pid: 1, token: 'x' }));
    const started = Date.now();
    expect(await store.acquireLease('session:sales', 'me', 1_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('fails with a StoreError (timeout) when the lock stays held by a live holder', async () => {
    const dir = tempDir();
    const store = new FileStore({ dir, timeoutMs: 300 });
    await store.recordActivity('sales', new Date(Date.now() - 1_000));
    writeFileSync(
      join(dir, 'sessions.lock'),
      JSON.stringify({ host: (await import('node:os')).hostname(), pid: process.pid, token: 'alive' }),
    );
    const started = Date.now();
    const error = await store.acquireLease('session:sales', 'me', 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
    // Readers never wait for the lock.
    expect((await store.lastActivity(['sales'])).get('sales')).not.toBeNull();
  });

  it('reports a corrupt state file as a StoreError naming the file, and never overwrites it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sessions.json'), '{ not json');
    const store = new FileStore({ dir });
    const error = await store.recordActivity('sales', new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).failure).toBe('corrupt');
    expect((error as StoreError).message).toContain(join(dir, 'sessions.json'));
    await expect(store.lastActivity(['sales'])).rejects.toBeInstanceOf(StoreError);
  });

  it('gives a lease to exactly one of several OS processes racing for it', async () => {
    const dir = tempDir();
    const script = `
      const { FileStore } = await import(${JSON.stringify(join(process.cwd(), 'src/store/file.ts'))});
      const store = new FileStore({ dir: process.argv[1] });
      const start = Number(process.argv[2]);
      await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now())));
      const got = [];
      for (let i = 0; i < 10; i++) got.push(await store.acquireLease('session:race-' + i, 'pid-' + process.pid, 60000));
      for (let i = 0; i < 10; i++) await store.appendHistory('sales', { at: new Date(), kind: 'repair', outcome: 'ok' });
      process.stdout.write(JSON.stringify(got));
    `;
    const start = Date.now() + 1_500;
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, String(start)]),
      ),
    );
    const wins = outputs.map((o) => JSON.parse(o.stdout) as boolean[]);
    for (let i = 0; i < 10; i++) expect(wins.filter((w) => w[i]).length).toBe(1);
    // 4 processes × 10 appends with a bound of 20: no lost update, and the bound holds.
    const history = (await new FileStore({ dir }).history(['sales'])).get('sales') ?? [];
    expect(history).toHaveLength(20);
    expect(readdirSync(dir).sort()).toEqual(['sessions.json']);
  }, 30_000);
});
