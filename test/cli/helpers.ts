/**
 * Helpers of the command-line tests: an in-process io that collects output, the built binary run as a child
 * process, random secrets, and the simulator with short timings.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import {
  type FakeServers,
  type StartFakeServersOptions,
  startFakeServers,
} from '../../src/testing/server.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'dist/cli/main.js');

/** A fresh random secret: a leak of it in any output cannot be a coincidence. */
export function randomSecret(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

/** Builds once when `dist/cli/main.js` is missing (`npm test` builds before vitest; a bare vitest run may not). */
export function ensureBuilt(): void {
  if (existsSync(BIN)) return;
  const lock = join(ROOT, 'node_modules/.cli-test-build.lock');
  try {
    mkdirSync(lock);
  } catch {
    // Another test file is building: wait for it.
    const until = Date.now() + 120_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(BIN) && Date.now() < until) Atomics.wait(pause, 0, 0, 200);
    return;
  }
  try {
    if (!existsSync(BIN)) execFileSync('npx', ['tsup'], { cwd: ROOT, stdio: 'ignore' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What a run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Every secret given to a run, to check none comes back in its output. */
function secretsIn(env: Record<string, string>): string[] {
  return ['WPP_GATEWAY_SECRET', 'WPPCONNECT_SECRET_KEY'].flatMap((name) => (env[name] ? [env[name]] : []));
}

/** Fails the test when any output contains any of the secrets. */
export function expectNoSecrets(
  result: { stdout: string; stderr: string },
  secrets: readonly string[],
): void {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
    // Not even a part of it (a prefix or suffix of a third of its length).
    const part = Math.ceil(secret.length / 3);
    expect(result.stdout + result.stderr).not.toContain(secret.slice(-part));
  }
}

/**
 * `env` with `WPP_STORE` set to a fresh temp dir unless the test chose a store: a run never touches the real
 * `~/.local/state`, and runs do not share restart history unless a test says so. `done()` removes the dir.
 */
export function withTempStore<T extends Record<string, string | undefined>>(
  env: T,
): { env: T; done(): void } {
  if ('WPP_STORE' in env) return { env, done: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'wgw-store-'));
  return {
    env: { ...env, WPP_STORE: dir },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs the built binary with exactly `env` (plus PATH), and checks that none of the secrets in `env` (and
 * `extraSecrets`, e.g. those only in a secret file) appear in its output.
 */
export function runBin(
  args: readonly string[],
  env: Record<string, string> = {},
  { timeoutMs = 20_000, extraSecrets = [] as string[] } = {},
): Promise<RunResult> {
  const started = Date.now();
  const store = withTempStore(env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...store.env },
        timeout: timeoutMs,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        store.done();
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const result = { code, stdout, stderr, ms: Date.now() - started };
        expectNoSecrets(result, [...secretsIn(env), ...extraSecrets]);
        resolve(result);
      },
    );
  });
}

/** An io that collects output in strings, for in-process runs of `runCli`. */
export function memoryIo(env: Record<string, string | undefined> = {}, options: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    cwd: ROOT,
    ...options,
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

/** Runs one command line in-process; checks no secret of `env` leaked. */
export async function runInProcess(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  options: Partial<CliIo> = {},
): Promise<RunResult> {
  const store = withTempStore(env);
  const memory = memoryIo(store.env, options);
  const started = Date.now();
  const code = await runCli(args, memory.io).finally(() => store.done());
  const result = { code, stdout: memory.stdout(), stderr: memory.stderr(), ms: Date.now() - started };
  expectNoSecrets(
    result,
    secretsIn(
      Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    ),
  );
  return result;
}

/** Fast fake timings: a QR 100 ms after a start. */
export const FAST = { initializingMs: 100, qrRotateMs: 20_000, autoCloseMs: 60_000 };

/** The fakes on loopback with random secrets; `env` is what a command needs to reach them. */
export async function startSim(options: StartFakeServersOptions = {}) {
  const secret = randomSecret('gw');
  const secretKey = randomSecret('wpp');
  const servers: FakeServers = await startFakeServers({
    ...options,
    gateway: { secret, ...options.gateway },
    wppconnect: { secretKey, ...FAST, ...options.wppconnect },
  });
  const env: Record<string, string> = {
    WPP_GATEWAY_BASE_URL: servers.gatewayUrl,
    WPP_GATEWAY_SECRET: secret,
    WPPCONNECT_BASE_URL: servers.wppconnectUrl,
    WPPCONNECT_SECRET_KEY: secretKey,
    WPP_WEBHOOK_URL: 'https://hooks.example/wpp/{id}',
  };
  return { servers, env, secret, secretKey };
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `check()` is true (polling every 20 ms), or rejects after `ms`. */
export async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
