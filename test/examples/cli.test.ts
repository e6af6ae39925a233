/**
 * The examples as users run them (`npx tsx examples/<name>.ts`): a child process with the environment
 * variables, against the simulator, checking output and exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, seedConnected, startSimulator } from './helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an example with tsx, with only the given variables set (none of the caller's WPP_* leak in). */
function runExample(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const name of [
    'WPP_GATEWAY_BASE_URL',
    'WPP_GATEWAY_SECRET',
    'WPPCONNECT_BASE_URL',
    'WPPCONNECT_SECRET_KEY',
    'MYSQL_URL',
  ]) {
    delete base[name];
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `examples/${file}`, ...args],
      { env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let world: Simulator;
let dir: string;
beforeAll(async () => {
  world = await startSimulator();
  seedConnected(world.sim, 'marketing');
  dir = await mkdtemp(join(tmpdir(), 'examples-cli-'));
});
afterAll(async () => {
  await world?.sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the examples from the command line', { timeout: 60_000 }, () => {
  it('quickstart.ts prints the sessions, and names the missing variables', async () => {
    const ok = await runExample('quickstart.ts', [], world.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^marketing\s+connected/m);

    const none = await runExample('quickstart.ts', [], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'configuration: missing environment variable(s): WPP_GATEWAY_BASE_URL, WPP_GATEWAY_SECRET',
    );
  });

  it('create-with-qr.ts writes the PNG; exit 2 without a session id', async () => {
    const file = join(dir, 'cli-qr.png');
    const ok = await runExample('create-with-qr.ts', ['cli-session', file], world.env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect((await readFile(file)).subarray(0, 4).toString('latin1')).toBe('\x89PNG');
    world.sim.wppconnect.scan('cli-session'); // healthy again, for the next test

    const usage = await runExample('create-with-qr.ts', [], world.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: create-with-qr.ts <sessionId> [out.png]');
  });

  it('healthcheck-cron.ts exits 0, 1, 2 and 3', async () => {
    const healthy = await runExample('healthcheck-cron.ts', [], world.env);
    expect(healthy.code).toBe(0);

    world.sim.gateway.seedChannel('FrontDesk', 'qr_required'); // not propagated: unhealthy
    const unhealthy = await runExample('healthcheck-cron.ts', ['--silent-hours=6'], world.env);
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stdout).toMatch(/^not_propagated\s+FrontDesk/m);

    expect((await runExample('healthcheck-cron.ts', [], {})).code).toBe(2);
    expect((await runExample('healthcheck-cron.ts', ['--nope'], world.env)).code).toBe(2);
    expect(
      (await runExample('healthcheck-cron.ts', [], { ...world.env, WPPCONNECT_SECRET_KEY: '' })).code,
    ).toBe(2);

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dead = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const unreachable = await runExample('healthcheck-cron.ts', [], {
      ...world.env,
      WPP_GATEWAY_BASE_URL: dead,
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^unreachable: ConnectionError/m);
  });

  it('mysql-activity-source.ts explains its usage without MYSQL_URL', async () => {
    const usage = await runExample('mysql-activity-source.ts', ['frontdesk'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: MYSQL_URL=mysql://');
  });
});
