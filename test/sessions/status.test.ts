import { describe, expect, it, vi } from 'vitest';
import { ActivityTracker, NotFoundError, SessionManager } from '../../src/index.js';
import { createWorld, messageWebhook, useMsw } from '../helpers/harness.js';

const server = useMsw();
const HOUR = 3_600_000;

describe('true status', () => {
  it('never returns a stale QR on a CONNECTED session', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('marketing', 'connected');
    world.fakeWpp.seed('marketing', { status: 'CONNECTED', staleQr: true });
    expect(world.fakeWpp.session('marketing')?.urlcode).not.toBeNull();

    const info = await world.manager.getSession('marketing');
    expect(info.status).toBe('connected');
    expect(info.qr).toBeUndefined();
    const direct = await world.wppconnect.getStatus('marketing');
    expect(direct).toMatchObject({ status: 'CONNECTED', qr: null, staleQr: true });
  });

  it('reports CONNECTED with a dead page as disconnected and inconsistent', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('zombie', 'connected');
    world.fakeWpp.seed('zombie', { status: 'CONNECTED' });
    world.fakeWpp.killPage('zombie');
    const info = await world.manager.getSession('zombie');
    expect(info).toMatchObject({
      status: 'disconnected',
      gatewayStatus: 'connected',
      wppconnectStatus: 'CONNECTED',
      alive: false,
      inconsistent: true,
    });
    expect(info.notes.join(' ')).toMatch(/page is dead/);
  });

  it('flags a gateway claiming "connected" while WPPConnect says CLOSED', async () => {
    const world = createWorld(server, { gateway: { faults: { staleStatus: true } } });
    world.fakeGateway.seedChannel('marketing', 'connected');
    world.fakeWpp.seed('marketing', { status: 'CONNECTED' });
    world.fakeWpp.unlinkPhone('marketing');
    world.fakeWpp.seed('other', { status: 'CLOSED' }); // keeps the store non-empty; irrelevant to the check
    const [info] = (await world.manager.listSessions()).filter((s) => s.id === 'marketing');
    expect(info).toMatchObject({
      gatewayStatus: 'connected',
      wppconnectStatus: 'CLOSED',
      inconsistent: true,
    });
    expect(info?.status).toBe('disconnected');
    expect(world.events.some((e) => e.type === 'inconsistent' && e.sessionId === 'marketing')).toBe(true);
  });

  it('reports sessions WPPConnect has but the gateway does not list', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('listed', 'connected');
    world.fakeWpp.seed('listed', { status: 'CONNECTED' });
    world.fakeWpp.seed('FrontDesk', { status: 'CONNECTED' });
    const sessions = await world.manager.listSessions();
    const hidden = sessions.find((s) => s.id === 'FrontDesk');
    expect(hidden).toMatchObject({ gatewayStatus: null, status: 'connected', inconsistent: true });
    expect(hidden?.notes.join(' ')).toMatch(/gateway does not list it/);
  });

  it('names the id that exists when a lookup misses only by letter case', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('FrontDesk', 'qr_required');
    const error = await world.manager.getSession('frontdesk').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).existingId).toBe('FrontDesk');
    expect((error as NotFoundError).message).toMatch(/did you mean "FrontDesk"/);
  });

  it('answers missing for an id nobody knows', async () => {
    const world = createWorld(server);
    const info = await world.manager.getSession('nobody');
    expect(info).toMatchObject({ status: 'missing', gatewayStatus: null, inconsistent: false });
  });

  it('reports not_propagated for a channel WPPConnect never received', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    await world.gateway.createChannel('frontdesk');
    const info = await world.manager.getSession('frontdesk');
    expect(info).toMatchObject({
      status: 'not_propagated',
      gatewayStatus: 'disconnected',
      wppconnectStatus: 'CLOSED',
    });
  });
});

describe('zombies', () => {
  function connected(world: ReturnType<typeof createWorld>, id: string) {
    world.fakeGateway.seedChannel(id, 'connected');
    world.fakeWpp.seed(id, { status: 'CONNECTED' });
  }

  it('tells a zombie from a quiet channel and a fresh one, at the threshold edges', async () => {
    const world = createWorld(server);
    const now = world.clock.now();
    for (const id of ['zombie', 'edge', 'fresh', 'quiet']) connected(world, id);
    world.activity.record(messageWebhook('zombie', now - 4 * HOUR - 1000));
    world.activity.record(messageWebhook('edge', now - 4 * HOUR)); // exactly at the threshold: not older
    world.activity.record(messageWebhook('fresh', now - 60_000));
    const byId = new Map((await world.manager.listSessions()).map((s) => [s.id, s]));
    expect(byId.get('zombie')?.isZombie).toBe(true);
    expect(byId.get('zombie')?.zombie).toMatchObject({ thresholdMs: 4 * HOUR, silentForMs: 4 * HOUR + 1000 });
    expect(byId.get('edge')?.isZombie).toBe(false);
    expect(byId.get('fresh')?.isZombie).toBe(false);
    expect(byId.get('quiet')).toMatchObject({ isZombie: false, lastActivityAt: null });
    expect(byId.get('quiet')?.zombie?.reason).toMatch(/quiet channel/);
    expect(world.events.filter((e) => e.type === 'zombie').map((e) => e.sessionId)).toEqual(['zombie']);
  });

  it('counts no activity as a zombie only when asked to, and takes a per-session threshold', async () => {
    const world = createWorld(server, {
      manager: { noActivityIsZombie: true, zombieAfterMs: (id) => (id === 'strict' ? 60_000 : 72 * HOUR) },
    });
    const now = world.clock.now();
    for (const id of ['quiet', 'strict', 'lenient']) connected(world, id);
    world.activity.record(messageWebhook('strict', now - 120_000));
    world.activity.record(messageWebhook('lenient', now - 48 * HOUR));
    const byId = new Map((await world.manager.listSessions()).map((s) => [s.id, s]));
    expect(byId.get('quiet')?.isZombie).toBe(true);
    expect(byId.get('strict')?.isZombie).toBe(true);
    expect(byId.get('lenient')?.isZombie).toBe(false);
  });

  it('does not count presence or acks as activity', async () => {
    const world = createWorld(server);
    connected(world, 'marketing');
    const now = world.clock.now();
    world.activity.record(messageWebhook('marketing', now - 10 * HOUR));
    world.activity.record({
      event: 'onpresencechanged',
      session: 'marketing',
      id: '5524@c.us',
      state: 'available',
      t: now - 1000,
    });
    world.activity.record({ event: 'onack', session: 'marketing', ack: 3, t: Math.floor(now / 1000) });
    const info = await world.manager.getSession('marketing');
    expect(info.isZombie).toBe(true);
  });
});

describe('listSessions at scale', () => {
  it('makes exactly one activity call for 200 sessions and bounds WPPConnect concurrency', async () => {
    const world = createWorld(server, { manager: { concurrency: 8 } });
    for (let i = 0; i < 200; i++) {
      world.fakeGateway.seedChannel(`s${i}`, 'connected');
      world.fakeWpp.seed(`s${i}`, { status: 'CONNECTED' });
    }
    const tracker = new ActivityTracker({ clock: world.clock });
    const spy = vi.spyOn(tracker, 'lastActivity');
    let inFlight = 0;
    let peak = 0;
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/status-session')) peak = Math.max(peak, ++inFlight);
    });
    server.events.on('response:mocked', ({ request }) => {
      if (request.url.includes('/status-session')) inFlight--;
    });
    const manager = new SessionManager({
      gateway: world.gateway,
      wppconnect: world.wppconnect,
      activity: tracker,
      clock: world.clock,
      concurrency: 8,
    });
    const sessions = await manager.listSessions();
    server.events.removeAllListeners();
    expect(sessions).toHaveLength(200);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toHaveLength(200);
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
  });
});
