import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../examples/env.js';
import { EXIT, main, parseArgs } from '../../examples/healthcheck-cron.js';
import { ActivityTracker } from '../../src/index.js';
import { capture, onmessage, type Simulator, seedConnected, startSimulator } from './helpers.js';

const HOUR = 3_600_000;

let world: Simulator | undefined;
afterEach(async () => {
  await world?.sim.close();
  world = undefined;
});

function run(options: Parameters<typeof main>[0]) {
  const out = capture();
  const err = capture();
  return main({ out: out.out, err: err.out, ...options }).then((code) => ({ code, out, err }));
}

/** A URL nothing listens on: bind a port, then free it. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('examples/healthcheck-cron.ts', () => {
  it('exits 0 when every session is healthy', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'marketing');
    const { code, out } = await run({ ...world.connection });
    expect(code).toBe(EXIT.healthy);
    expect(out.lines[0]).toMatch(/^healthy\s+marketing\s+connected$/);
    expect(out.lines.at(-1)).toBe(
      '1 session(s): 1 healthy, 0 zombie, 0 disconnected, 0 not propagated, 0 unknown',
    );
  });

  it('exits 1 for a zombie (connected, last message older than --silent-hours), 0 with a higher threshold', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'marketing');
    const activity = new ActivityTracker();
    activity.record(onmessage('marketing', 5 * HOUR));
    // Presence and acks are not proof of life, however recent.
    activity.record({
      event: 'onpresencechanged',
      session: 'marketing',
      state: 'available',
      t: Date.now(),
    });
    activity.record({ event: 'onack', session: 'marketing', ack: 3, t: Math.floor(Date.now() / 1000) });

    const zombie = await run({ ...world.connection, activity });
    expect(zombie.code).toBe(EXIT.unhealthy);
    expect(zombie.out.lines[0]).toMatch(/^zombie\s+marketing\s+connected\s+silent for 5\.0 h$/);

    const relaxed = await run({ ...world.connection, activity, silentHours: 6 });
    expect(relaxed.code).toBe(EXIT.healthy);
  });

  it('exits 1 for a dead page and a session the gateway never propagated; --repair fixes both', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'dead');
    world.sim.wppconnect.killPage('dead');
    world.sim.gateway.seedChannel('FrontDesk', 'qr_required');

    const dry = await run({ ...world.connection, repair: true, dryRun: true });
    expect(dry.code).toBe(EXIT.unhealthy);
    expect(dry.out.text()).toMatch(/^disconnected\s+dead\s+disconnected.*repair: dry_run/m);
    expect(dry.out.text()).toMatch(/^not_propagated\s+FrontDesk\s+not_propagated.*repair: dry_run/m);

    const repaired = await run({ ...world.connection, repair: true });
    // `dead` comes back without a QR (close + start keeps the login); FrontDesk now shows a QR to scan,
    // which is not "healthy" until someone scans it: the job still exits 1.
    expect(repaired.out.text()).toMatch(
      /^disconnected\s+dead\s+disconnected.*repair: repaired\s+→ connected/m,
    );
    expect(repaired.out.text()).toMatch(/^not_propagated\s+FrontDesk.*repair: repaired\s+→ qr_required/m);
    expect(repaired.code).toBe(EXIT.unhealthy);
    expect(world.sim.wppconnect.session('dead')).toMatchObject({ status: 'CONNECTED', pageAlive: true });
    expect(world.sim.wppconnect.session('FrontDesk')?.status).toBe('QRCODE');
  });

  it('a zombie restarted by the repair counts its silence from the restart (exit 0 after the repair)', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'quiet');
    const activity = new ActivityTracker();
    activity.record(onmessage('quiet', 5 * HOUR));
    const { code, out } = await run({ ...world.connection, activity, repair: true });
    expect(out.lines[0]).toMatch(
      /^zombie\s+quiet\s+connected\s+silent for 5\.0 h\s+repair: repaired\s+→ connected$/,
    );
    expect(code).toBe(EXIT.healthy);
    expect(world.sim.wppconnect.session('quiet')?.startCount).toBe(1); // forced close + start, login kept
  });

  it('exits 2 on configuration problems: nothing set, a refused secret, a bad URL', async () => {
    expect((await run({})).code).toBe(EXIT.config);

    world = await startSimulator();
    const wrong = await run({ ...world.connection, gatewaySecret: 'not-the-secret' });
    expect(wrong.code).toBe(EXIT.config);
    expect(wrong.err.text()).toMatch(
      /^configuration: AuthenticationError: The gateway rejected the credentials/,
    );
    expect(wrong.err.text()).not.toContain('not-the-secret');

    const badUrl = await run({ ...world.connection, gatewayBaseUrl: 'ftp://gateway' });
    expect(badUrl.code).toBe(EXIT.config);
  });

  it('exits 3 when the gateway or WPPConnect cannot be reached, or nginx answers 401 or 502', async () => {
    world = await startSimulator();
    const down = await run({ ...world.connection, gatewayBaseUrl: await deadUrl() });
    expect(down.code).toBe(EXIT.unreachable);
    expect(down.err.text()).toMatch(/^unreachable: ConnectionError: Could not reach the gateway/);

    const wppDown = await run({ ...world.connection, wppconnectBaseUrl: await deadUrl() });
    expect(wppDown.code).toBe(EXIT.unreachable);
    expect(wppDown.err.text()).toMatch(/Could not reach WPPConnect/);

    world.sim.gateway.faults.proxyBasicAuth = true;
    const proxy = await run({ ...world.connection });
    expect(proxy.code).toBe(EXIT.unreachable);
    expect(proxy.err.text()).toContain('the secret is not the problem');
    world.sim.gateway.faults.proxyBasicAuth = false;

    world.sim.gateway.faults.htmlError = 502;
    const bad = await run({ ...world.connection });
    expect(bad.code).toBe(EXIT.unreachable);
    expect(bad.err.text()).toMatch(/^unreachable: ServerError: A proxy answered with an HTML error page/);
  });

  it('prints the whole report with --json', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'marketing');
    const { code, out } = await run({ ...world.connection, json: true });
    expect(code).toBe(EXIT.healthy);
    const report = JSON.parse(out.text());
    expect(report).toMatchObject({ ok: true, counts: { total: 1, healthy: 1 } });
  });

  it('parses its flags and refuses unknown ones', () => {
    expect(parseArgs(['--repair', '--dry-run', '--silent-hours=72', '--json'])).toEqual({
      repair: true,
      dryRun: true,
      silentHours: 72,
      json: true,
    });
    expect(() => parseArgs(['--repiar'])).toThrow(ConfigError);
  });
});
