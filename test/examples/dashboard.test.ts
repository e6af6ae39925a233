/** The dashboard's HTTP API against the simulator, with plain fetch (the browser test is dashboard.e2e.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import {
  badgeFor,
  type RunningDashboard,
  type SessionView,
  startDashboard,
} from '../../examples/dashboard/server.js';
import { createManager } from '../../examples/env.js';
import { ActivityTracker, type SessionStatus } from '../../src/index.js';
import { onmessage, type Simulator, seedConnected, startSimulator } from './helpers.js';

/** What the dashboard's JSON routes answer. */
interface ApiBody {
  sessions: SessionView[];
  session: SessionView;
  qr: string | null;
  repaired: boolean;
  actions: { step: string; outcome: string; detail?: string }[];
  error: Record<string, unknown>;
}

let world: Simulator | undefined;
let dashboard: RunningDashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  await world?.sim.close();
  dashboard = undefined;
  world = undefined;
});

async function start() {
  world = await startSimulator();
  const tracker = new ActivityTracker();
  const manager = createManager(world.connection, { activity: tracker });
  dashboard = await startDashboard({ port: 0, manager, tracker });
  const url = dashboard.url;
  const json = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  return { sim: world.sim, tracker, url, json };
}

describe('examples/dashboard/server.ts (HTTP API)', () => {
  it('serves the page and lists sessions with badges, last message and zombie flag', async () => {
    const { sim, tracker, url, json } = await start();
    seedConnected(sim, 'pixel12digital');
    seedConnected(sim, 'vendas');
    sim.gateway.seedChannel('ImobSites', 'qr_required');
    tracker.record(onmessage('pixel12digital', 60_000));
    tracker.record(onmessage('vendas', 5 * 3_600_000));

    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<table id="sessions">');

    const { status, body } = await json('GET', '/sessions');
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.sessions.map((s) => [s.id, s]));
    expect(byId.pixel12digital).toMatchObject({
      status: 'connected',
      badge: { label: 'connected', tone: 'ok' },
      isZombie: false,
    });
    expect(byId.pixel12digital?.lastActivityAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byId.vendas).toMatchObject({ isZombie: true, badge: { label: 'possibly dead', tone: 'warn' } });
    expect(byId.ImobSites).toMatchObject({
      status: 'not_propagated',
      badge: { label: 'not on WPPConnect' },
    });
  });

  it('creates a session → QR, then reports it connected after the scan', async () => {
    const { sim, json } = await start();
    const created = await json('POST', '/sessions', { id: 'imobsites' });
    expect(created.status).toBe(201);
    expect(created.body.qr).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(created.body.session).toMatchObject({
      id: 'imobsites',
      status: 'qr_required',
      badge: { label: 'QR pending' },
    });
    expect(created.body.actions[0]).toEqual({ step: 'gateway.getChannel', outcome: 'not found' });

    const waiting = await json('GET', '/sessions/imobsites');
    expect(waiting.body.qr).toMatch(/^data:image\/png;base64,/);

    sim.wppconnect.scan('imobsites');
    const connected = await json('GET', '/sessions/imobsites');
    expect(connected.body).toMatchObject({ session: { status: 'connected' }, qr: null });
  });

  it('reconnects: a live session stays as it is, a zombie is restarted with force', async () => {
    const { sim, json } = await start();
    seedConnected(sim, 'pixel12digital');
    const plain = await json('POST', '/sessions/pixel12digital/reconnect', {});
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ session: { status: 'connected' }, qr: null, repaired: false });

    const forced = await json('POST', '/sessions/pixel12digital/reconnect', { force: true });
    expect(forced.body.repaired).toBe(true);
    expect(forced.body.actions.map((a) => a.step)).toContain('rung 3: close-session + start-session');
    expect(sim.wppconnect.session('pixel12digital')?.startCount).toBe(1);
  });

  it('turns SDK errors into JSON the page can show', async () => {
    const { sim, json, url } = await start();
    const invalid = await json('POST', '/sessions', { id: 'a/b' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid_argument' });

    const missingId = await json('POST', '/sessions', { name: 'x' });
    expect(missingId.status).toBe(400);

    const form = await fetch(`${url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=imobsites',
    });
    expect(form.status).toBe(415); // a cross-site form cannot create sessions
    expect(sim.gateway.calls).toHaveLength(0);

    sim.gateway.seedChannel('ImobSites', 'qr_required');
    const caseMiss = await json('GET', '/sessions/imobsites');
    expect(caseMiss.status).toBe(404);
    expect(caseMiss.body.error).toMatchObject({ name: 'NotFoundError', existingId: 'ImobSites' });

    sim.gateway.faults.proxyBasicAuth = true;
    const proxy = await json('GET', '/sessions');
    expect(proxy.status).toBe(502);
    expect(proxy.body.error).toMatchObject({ name: 'AuthenticationError', code: 'proxy_auth' });

    expect((await json('DELETE', '/sessions/ImobSites')).status).toBe(404);
  });

  it('takes webhooks on the same port when given a tracker', async () => {
    const { tracker, url } = await start();
    const res = await fetch(`${url}/hooks/wpp/imobsites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onmessage('whatever', 1_000)),
    });
    expect(res.status).toBe(200);
    expect(tracker.get('imobsites')).not.toBeNull();
  });

  it('has a badge for every status', () => {
    const labels: Record<SessionStatus, string> = {
      connected: 'connected',
      qr_required: 'QR pending',
      pairing_code: 'pairing code pending',
      starting: 'starting',
      disconnected: 'disconnected',
      not_propagated: 'not on WPPConnect',
      missing: 'missing',
      unknown: 'unknown',
    };
    for (const [status, label] of Object.entries(labels)) {
      expect(badgeFor({ status: status as SessionStatus, isZombie: false }).label).toBe(label);
    }
    expect(badgeFor({ status: 'connected', isZombie: true })).toEqual({
      label: 'possibly dead',
      tone: 'warn',
    });
  });
});
