/** The dashboard's HTTP API against the simulator, with plain fetch (the browser test is dashboard.e2e.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../../examples/dashboard/server.js';
import { createManager } from '../../examples/env.js';
import { ActivityTracker, type SessionInfo, type SessionReport } from '../../src/index.js';
import { onmessage, type Simulator, seedConnected, startSimulator } from './helpers.js';

/** What the dashboard's JSON routes answer (dates as ISO strings once on the wire). */
type ApiBody = SessionReport & { sessions: SessionInfo[]; error: Record<string, unknown> };

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
  const manager = createManager(world.connection, { activity: tracker, pollIntervalsMs: [20, 50] });
  dashboard = await startDashboard({ port: 0, manager, tracker });
  const url = dashboard.url;
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  return { sim: world.sim, tracker, url, json };
}

describe('examples/dashboard/server.ts (createSessionsHandler under /api)', () => {
  it('serves the page and lists sessions with last message, zombie flag and its reason', async () => {
    const { sim, tracker, url, json } = await start();
    seedConnected(sim, 'sales');
    seedConnected(sim, 'support-team');
    sim.gateway.seedChannel('Billing', 'qr_required');
    tracker.record(onmessage('sales', 60_000));
    tracker.record(onmessage('support-team', 5 * 3_600_000));

    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<table id="sessions">');
    expect(html).toContain('new EventSource(');

    const { status, body } = await json('GET', '/sessions');
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.sessions.map((s) => [s.id, s]));
    expect(byId['sales']).toMatchObject({ status: 'connected', isZombie: false });
    expect(byId['sales']?.lastActivityAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byId['support-team']).toMatchObject({ isZombie: true });
    expect(byId['support-team']?.zombie?.reason).toMatch(/no message for 5(\.0)? h/);
    expect(byId['Billing']).toMatchObject({ status: 'not_propagated' });
  });

  it('creates a session → QR, then follows it to connected over SSE', async () => {
    const { sim, json, url } = await start();
    const created = await json('POST', '/sessions', { id: 'sales' });
    expect(created.status).toBe(200);
    expect(created.body.qr?.dataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(created.body).toMatchObject({ id: 'sales', status: 'qr_required' });

    const events = await fetch(`${url}/api/sessions/sales/events`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: qr')) text += (await reader.read()).value ?? '';
    sim.wppconnect.scan('sales');
    while (!text.includes('event: end')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(/event: connected\n/);
  });

  it('reconnects: a live session stays as it is, a zombie is restarted with force', async () => {
    const { sim, json } = await start();
    seedConnected(sim, 'sales');
    const plain = await json('POST', '/sessions/sales/reconnect', {});
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ status: 'connected', repaired: false });
    const forced = await json('POST', '/sessions/sales/reconnect', { force: true });
    expect(forced.body.repaired).toBe(true);
    expect(forced.body.actions.map((a) => a.step)).toContain('rung 3: close-session + start-session');
  });

  it('turns SDK errors into JSON the page can show, and refuses cross-site requests', async () => {
    const { sim, json, url } = await start();
    const invalid = await json('POST', '/sessions', { id: 'a/b' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid_argument' });
    const form = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=sales',
    });
    expect(form.status).toBe(415);
    const crossSite = await json('POST', '/sessions', { id: 'sales' }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(sim.gateway.calls).toHaveLength(0);

    sim.gateway.seedChannel('Billing', 'qr_required');
    const caseMiss = await json('GET', '/sessions/billing');
    expect(caseMiss.status).toBe(404);
    expect(caseMiss.body.error).toMatchObject({ name: 'NotFoundError', existingId: 'Billing' });
    sim.gateway.faults.proxyBasicAuth = true;
    const proxy = await json('GET', '/sessions');
    expect(proxy.status).toBe(502);
    expect(proxy.body.error).toMatchObject({ name: 'AuthenticationError', code: 'proxy_auth' });
  });

  it('takes webhooks on the same port', async () => {
    const { tracker, url } = await start();
    const res = await fetch(`${url}/api/webhooks/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onmessage('whatever', 1_000)),
    });
    expect(res.status).toBe(204);
    expect(tracker.get('sales')).not.toBeNull();
  });
});
