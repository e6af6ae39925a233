/**
 * The manager with a SessionStore, in one process: several managers sharing one store stand for several
 * processes (the child-process tests in test/store/processes.test.ts prove the same across real processes).
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ActivityTracker,
  MemoryStore,
  SessionBusyError,
  SessionManager,
  type SessionStore,
} from '../../src/index.js';
import { createWorld, messageWebhook, useMsw } from '../helpers/harness.js';

const server = useMsw();
const HOUR = 3_600_000;
const CLOSE = '/api/{session}/close-session';
const START = '/api/{session}/start-session';

/** A second manager ("another process") over the same fakes and the same store. */
function twin(world: ReturnType<typeof createWorld>, store: SessionStore, extra = {}) {
  return new SessionManager({
    gateway: world.gateway,
    wppconnect: world.wppconnect,
    clock: world.clock,
    store,
    ...extra,
  });
}

function zombieWorld(store: SessionStore) {
  const world = createWorld(server, { manager: { store, activity: undefined } });
  world.fakeGateway.seedChannel('sales', 'connected');
  world.fakeWpp.seed('sales', { status: 'CONNECTED' });
  return world;
}

describe('SessionManager with a store', () => {
  it('reads activity from the store when given no activity source', async () => {
    const store = new MemoryStore();
    const world = zombieWorld(store);
    await store.recordActivity('sales', new Date(world.clock.now() - 9 * HOUR));
    expect((await world.manager.getSession('sales')).isZombie).toBe(true);
    // Another process's tracker records a message into the shared store: no longer a zombie here.
    const tracker = new ActivityTracker({ store, clock: world.clock });
    await tracker.ingest(messageWebhook('sales', world.clock.now() - 60_000));
    const info = await world.manager.getSession('sales');
    expect(info.isZombie).toBe(false);
    expect(info.lastActivityAt?.getTime()).toBe(Math.floor((world.clock.now() - 60_000) / 1000) * 1000);
  });

  it('an ActivityTracker with a store answers from the store, so another tracker’s webhooks count', async () => {
    const store = new MemoryStore();
    const a = new ActivityTracker({ store });
    const b = new ActivityTracker({ store });
    a.record(messageWebhook('sales', Date.now() - 5_000));
    await a.flush();
    const seen = (await b.lastActivity(['sales', 'other'])).get('sales');
    expect(seen?.getTime()).toBe(Math.floor((Date.now() - 5_000) / 1000) * 1000);
    expect((await b.lastActivity(['other'])).get('other')).toBeNull();
  });

  it('two managers repairing one zombie at once: one close-session and one start-session', async () => {
    const store = new MemoryStore();
    const world = zombieWorld(store);
    await store.recordActivity('sales', new Date(world.clock.now() - 9 * HOUR));
    const other = twin(world, store);
    const [a, b] = await Promise.all([
      world.manager.healthcheck({ repair: true }),
      other.healthcheck({ repair: true }),
    ]);
    expect(world.fakeWpp.countCalls(CLOSE, 'sales')).toBe(1);
    expect(world.fakeWpp.countCalls(START, 'sales')).toBe(1);
    expect(a.ok && b.ok).toBe(true);
    const trails = [a, b].map((r) => r.sessions[0]?.report?.actions.map((x) => x.step) ?? []);
    expect(trails.filter((steps) => steps.includes('already repaired'))).toHaveLength(1);
    expect((await store.history(['sales'])).get('sales')).toMatchObject([
      { kind: 'restart', outcome: 'ok', status: 'connected', rung: 3 },
    ]);
  });

  it('remembers a restart across managers: the zombie clock counts from it', async () => {
    const store = new MemoryStore();
    const world = zombieWorld(store);
    await store.recordActivity('sales', new Date(world.clock.now() - 9 * HOUR));
    await world.manager.healthcheck({ repair: true });
    const later = twin(world, store);
    const info = await later.getSession('sales');
    expect(info.isZombie).toBe(false);
    expect(info.zombie?.restartedAt).toBeInstanceOf(Date);
    expect(info.history).toHaveLength(1);
    const again = await later.healthcheck({ repair: true });
    expect(again.sessions[0]).toMatchObject({ health: 'healthy', repair: 'skipped' });
    expect(world.fakeWpp.countCalls(CLOSE, 'sales')).toBe(1);
  });

  it('backs off (threshold, 2×, 4×), then needs a person; a message or a reconnect by hand clears it', async () => {
    const store = new MemoryStore();
    const world = zombieWorld(store);
    await store.recordActivity('sales', new Date(world.clock.now() - 5 * HOUR));
    const restarts = () => world.fakeWpp.countCalls(CLOSE, 'sales');
    const check = () => world.manager.healthcheck({ repair: true });

    expect((await check()).sessions[0]?.repair).toBe('repaired');
    expect(restarts()).toBe(1);
    world.clock.advance(4 * HOUR + 60_000); // past the threshold, not past 2×
    expect((await check()).sessions[0]).toMatchObject({ health: 'healthy', repair: 'skipped' });
    expect(restarts()).toBe(1);
    world.clock.advance(4 * HOUR);
    expect((await check()).sessions[0]?.repair).toBe('repaired');
    expect(restarts()).toBe(2);
    world.clock.advance(16 * HOUR - 120_000); // within 4×
    expect((await check()).sessions[0]?.repair).toBe('skipped');
    world.clock.advance(240_000);
    expect((await check()).sessions[0]?.repair).toBe('repaired');
    expect(restarts()).toBe(3);
    world.clock.advance(16 * HOUR + 60_000);
    const stuck = await check();
    expect(stuck.ok).toBe(false);
    expect(stuck.sessions[0]).toMatchObject({ health: 'needs_person', repair: 'skipped' });
    expect(stuck.sessions[0]?.info.needsPerson).toBe(true);
    expect(stuck.sessions[0]?.info.history.filter((r) => r.kind === 'restart')).toHaveLength(3);
    expect(stuck.counts.needs_person).toBe(1);
    expect(restarts()).toBe(3);

    // A message clears it.
    await store.recordActivity('sales', new Date(world.clock.now() - 1_000));
    expect((await check()).sessions[0]).toMatchObject({ health: 'healthy' });

    // Silent again for 4 h after that message: a zombie, restarted (the count restarted at the message).
    world.clock.advance(4 * HOUR + 60_000);
    expect((await check()).sessions[0]?.repair).toBe('repaired');
    expect(restarts()).toBe(4);
  });

  it('a reconnect by hand clears "needs a person"', async () => {
    const store = new MemoryStore();
    const world = zombieWorld(store);
    const t = world.clock.now();
    await store.recordActivity('sales', new Date(t - 40 * HOUR));
    for (const [i, ago] of [30, 25, 18].entries()) {
      await store.appendHistory('sales', {
        at: new Date(t - ago * HOUR),
        kind: 'restart',
        outcome: 'ok',
        status: 'connected',
        rung: 3 + (i % 1),
      });
    }
    expect((await world.manager.getSession('sales')).needsPerson).toBe(true);
    await world.manager.reconnect('sales', { force: true });
    const info = await world.manager.getSession('sales');
    expect(info.needsPerson).toBe(false);
    expect(info.history.at(-1)).toMatchObject({ kind: 'reconnect', outcome: 'ok' });
  });

  it('rung 4 cut short after its DELETE: the next healthcheck re-creates the channel, never calls it healthy before', async () => {
    const store = new MemoryStore();
    const world = createWorld(server, { manager: { store, stuckAfterMs: 1_000 } });
    world.fakeGateway.seedChannel('sales', 'qr_required');
    world.fakeWpp.setStuck('sales', true);
    // The create of rung 4 fails once: the process "dies" between the DELETE and the re-create.
    server.use(
      http.post(
        `${world.fakeGateway.baseUrl}/api/channels`,
        () => HttpResponse.json({ error: 'boom' }, { status: 500 }),
        {
          once: true,
        },
      ),
    );
    await expect(world.manager.reconnect('sales')).rejects.toThrow();
    expect((await world.gateway.listChannels()).map((c) => c.id)).not.toContain('sales');
    expect((await store.pending()).get('sales')).toMatchObject({ kind: 'recreate' });
    world.fakeWpp.setStuck('sales', false);
    world.fakeWpp.seed('sales', { status: 'CONNECTED' });

    // Listed by WPPConnect only: not healthy, even in a plain check.
    const check = await world.manager.healthcheck();
    expect(check.sessions[0]).toMatchObject({ id: 'sales', health: 'not_listed' });
    expect(check.sessions[0]?.pending).toMatchObject({ kind: 'recreate' });
    expect(check.ok).toBe(false);

    const repaired = await world.manager.healthcheck({ repair: true });
    expect(repaired.sessions[0]?.report?.actions.map((a) => a.step)).toContain('pending work');
    expect((await world.gateway.listChannels()).map((c) => c.id)).toContain('sales');
    expect((await store.pending()).size).toBe(0);
    expect(repaired.ok).toBe(true);
    expect((await world.manager.healthcheck()).sessions[0]).toMatchObject({ health: 'healthy' });
  });

  it('a session WPPConnect has and the gateway does not list, with no pending work, is reported, not repaired', async () => {
    const world = createWorld(server, { manager: { store: new MemoryStore() } });
    world.fakeWpp.seed('orphan', { status: 'CONNECTED' });
    const report = await world.manager.healthcheck({ repair: true });
    expect(report.sessions[0]).toMatchObject({ id: 'orphan', health: 'not_listed', repair: 'skipped' });
    expect(report.ok).toBe(false);
    expect(world.fakeWpp.countCalls(CLOSE)).toBe(0);
  });

  it('waits (bounded, abortable) for a lease another process holds, then re-observes', async () => {
    const store = new MemoryStore();
    const world = createWorld(server, { manager: { store, leaseWaitMs: 300 } });
    world.fakeGateway.seedChannel('sales', 'connected');
    world.fakeWpp.seed('sales', { status: 'CONNECTED' });
    await store.acquireLease('session:sales', 'someone-else', 60_000);

    const started = Date.now();
    const busy = await world.manager.ensureSession('sales').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(SessionBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2_000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(world.manager.reconnect('sales', { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );

    setTimeout(() => void store.releaseLease('session:sales', 'someone-else'), 100);
    const report = await world.manager.ensureSession('sales');
    expect(report.status).toBe('connected');
    expect(report.actions.map((a) => `${a.step}: ${a.outcome}`)).toContain('lease: held by another process');
    expect(world.fakeWpp.countCalls(START, 'sales')).toBe(0);
    expect(await store.readLease('session:sales')).toBeNull();
  });

  it('renews its lease while a long operation runs, so nobody takes it meanwhile', async () => {
    const inner = new MemoryStore();
    let renewals = 0;
    let stolen: boolean | null = null;
    const store: SessionStore = {
      kind: 'memory',
      recordActivity: (...a) => inner.recordActivity(...a),
      lastActivity: (...a) => inner.lastActivity(...a),
      appendHistory: (...a) => inner.appendHistory(...a),
      history: (...a) => inner.history(...a),
      acquireLease: (...a) => inner.acquireLease(...a),
      releaseLease: (...a) => inner.releaseLease(...a),
      readLease: (...a) => inner.readLease(...a),
      setPending: (...a) => inner.setPending(...a),
      clearPending: (...a) => inner.clearPending(...a),
      renewLease: (...a) => {
        renewals++;
        return inner.renewLease(...a);
      },
      // The operation's first store read takes 600 ms: four times the 150 ms TTL.
      pending: async (...a) => {
        await new Promise((r) => setTimeout(r, 400));
        stolen = await inner.acquireLease('session:sales', 'thief', 1_000);
        await new Promise((r) => setTimeout(r, 200));
        return inner.pending(...a);
      },
    };
    const world = createWorld(server, { manager: { store, leaseTtlMs: 150 } });
    world.fakeGateway.seedChannel('sales', 'connected');
    world.fakeWpp.seed('sales', { status: 'CONNECTED' });
    await world.manager.ensureSession('sales');
    expect(stolen).toBe(false);
    expect(renewals).toBeGreaterThanOrEqual(5);
  });

  it('rejects a store that is not one', () => {
    const world = createWorld(server);
    expect(() => twin(world, {} as SessionStore)).toThrow(/options.store/);
    expect(() => twin(world, new MemoryStore(), { maxRestarts: 0 })).toThrow(/options.maxRestarts/);
  });

  it('a listing asks the store twice (one activity read, one history read), whatever the number of sessions', async () => {
    // Every method call on the store counted, by name: the figure the store benchmark reports.
    const counting = (store: SessionStore) => {
      const calls: Record<string, number> = {};
      const proxy = new Proxy(store, {
        get(target, property) {
          const value = Reflect.get(target, property, target) as unknown;
          if (typeof value !== 'function' || typeof property !== 'string') return value;
          return (...args: unknown[]) => {
            calls[property] = (calls[property] ?? 0) + 1;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { proxy, calls };
    };
    for (const size of [3, 60]) {
      const store = new MemoryStore();
      const { proxy, calls } = counting(store);
      const world = createWorld(server, { manager: { store: proxy, activity: undefined } });
      const ids = Array.from({ length: size }, (_, i) => `team-${i}`);
      for (const id of ids) {
        world.fakeGateway.seedChannel(id, 'connected');
        world.fakeWpp.seed(id, { status: 'CONNECTED' });
        await store.recordActivity(id, new Date(world.clock.now() - 60_000));
      }
      await store.appendHistory('team-0', {
        at: new Date(world.clock.now() - HOUR),
        kind: 'reconnect',
        outcome: 'ok',
        status: 'connected',
      });
      const infos = await world.manager.listSessions();
      expect(infos).toHaveLength(size);
      expect(infos.find((info) => info.id === 'team-0')?.history).toHaveLength(1);
      expect(calls, `${size} sessions`).toEqual({ lastActivity: 1, history: 1 });
    }
  });
});
