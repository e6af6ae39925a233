/**
 * The command's side of fail-closed zombie verdicts and CLI hints: a healthcheck whose activity source fails
 * exits non-zero (it said OK and exited 0), a future activity time is not "active forever", a base URL that
 * redirects is a configuration error (exit 2) whose hint names the variable to fix, and hints name commands.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hintFor } from '../../src/cli/exit.js';
import { PropagationError, QrTimeoutError } from '../../src/index.js';
import { closedPort, runInProcess, startSim } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

function connected(world: Sim, id: string): void {
  world.servers.gateway.seedChannel(id, 'connected');
  world.servers.wppconnect.seed(id, { status: 'CONNECTED' });
}

describe('healthcheck fails closed', () => {
  it('an --activity-url that cannot be read: the connected session is unknown, exit 1', async () => {
    sim = await startSim();
    connected(sim, 'sales');
    const port = await closedPort();
    const r = await runInProcess(
      ['healthcheck', '--activity-url', `http://127.0.0.1:${port}/activity`],
      sim.env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+sales\s+unknown\s+.*activity source failed/);
    expect(r.stdout).toMatch(/NOT OK/);
  });

  it('an --activity-file dated next year does not keep a session healthy: unknown, exit 1', async () => {
    sim = await startSim();
    connected(sim, 'sales');
    const file = join(tmpdir(), `activity-future-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ sales: new Date(Date.now() + 365 * 86_400_000).toISOString() }));
    const r = await runInProcess(['healthcheck', '--activity-file', file], sim.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sales\s+unknown\s+.*in the future/);
  });
});

describe('a base URL that redirects', () => {
  it('is a configuration error (exit 2) whose hint names the variable, and the secret stays home', async () => {
    sim = await startSim();
    const seen: string[] = [];
    const other = createServer((request, response) => {
      seen.push(String(request.headers['x-gateway-secret']));
      response.end('{}');
    });
    const home = createServer((request, response) => {
      const port = (other.address() as AddressInfo).port;
      response.writeHead(301, { location: `http://127.0.0.1:${port}${request.url}` }).end();
    });
    for (const s of [other, home]) {
      s.listen(0, '127.0.0.1');
      await once(s, 'listening');
    }
    try {
      const env = {
        ...sim.env,
        WPP_GATEWAY_BASE_URL: `http://127.0.0.1:${(home.address() as AddressInfo).port}`,
      };
      const r = await runInProcess(['sessions'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/redirect/);
      expect(r.stderr).toMatch(/WPP_GATEWAY_BASE_URL/);
      expect(seen).toEqual([]);
    } finally {
      await Promise.all([other, home].map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});

describe('hints name commands, not API methods', () => {
  it('a stuck session and a QR timeout point at whatsapp-gateway reconnect', () => {
    const stuck = new PropagationError('stuck', {
      service: 'wppconnect',
      sessionId: 'sales',
      actions: [],
      likelyCause:
        'End that orphaned browser or restart the WPPConnect process, then start the session again.',
    });
    const hint = hintFor(stuck)!;
    expect(hint).toContain('whatsapp-gateway reconnect sales');
    expect(hint).not.toMatch(/ensureSession|createSession|reconnect\(|WppConnectClient/);
    const gatewayOnly = new PropagationError('no qr', {
      service: 'gateway',
      sessionId: 'sales',
      actions: [],
      likelyCause: 'The gateway may not be propagating the session to WPPConnect.',
    });
    expect(hintFor(gatewayOnly)).toMatch(/WPPCONNECT_BASE_URL.*whatsapp-gateway reconnect sales/);
    const qr = new QrTimeoutError('late', { service: 'wppconnect', sessionId: 'sales', waitedMs: 1 });
    expect(hintFor(qr)).toContain('whatsapp-gateway reconnect sales');
  });
});
