/**
 * What a listing costs on WPPConnect: a recent message stands in for the liveness probe, show-all-sessions is
 * read once per listing, and the adaptive limit bounds and lowers the calls in flight. Calls are counted in
 * the fakes' logs.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { SessionManager, WppConnectClient } from '../../src/index.js';
import { createWorld, messageWebhook, noSleep, useMsw } from '../helpers/harness.js';

const server = useMsw();
const STATUS = '/api/{session}/status-session';
const PROBE = '/api/{session}/check-connection-session';
const NAMES = '/api/{secretkey}/show-all-sessions';

type World = ReturnType<typeof createWorld>;

function connected(world: World, ids: readonly string[]) {
  for (const id of ids) {
    world.fakeGateway.seedChannel(id, 'connected');
    world.fakeWpp.seed(id, { status: 'CONNECTED' });
  }
}

const ids = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('a recent message stands in for the liveness probe', () => {
  it('probes only the CONNECTED sessions without a message in the window, and says why in the evidence', async () => {
    // staleStatus: the gateway answers its list from its own store, so every WPPConnect call logged is the SDK's.
    const world = createWorld(server, { gateway: { faults: { staleStatus: true } } });
    const all = ids(10);
    connected(world, all);
    const now = world.clock.now();
    for (const id of all.slice(0, 8)) world.activity.record(messageWebhook(id, now - 30_000));
    world.activity.record(messageWebhook('s8', now - 10 * 60_000)); // older than the 2 min default
    world.fakeWpp.calls.length = 0;

    const byId = new Map((await world.manager.listSessions()).map((s) => [s.id, s]));

    expect(world.fakeWpp.countCalls(STATUS)).toBe(10);
    expect(world.fakeWpp.countCalls(PROBE)).toBe(2);
    expect(world.fakeWpp.countCalls(PROBE, 's8')).toBe(1);
    expect(world.fakeWpp.countCalls(PROBE, 's9')).toBe(1);
    expect(world.fakeWpp.countCalls(NAMES)).toBe(1);
    const skipped = byId.get('s0');
    expect(skipped).toMatchObject({ status: 'connected', alive: true });
    expect(skipped?.zombie?.sources).toContain('message:alive');
    expect(skipped?.zombie?.sources).not.toContain('probe:alive');
    expect(skipped?.notes.join(' ')).toMatch(/liveness probe skipped: a message arrived 30 s ago/);
    expect(byId.get('s9')?.zombie?.sources).toContain('probe:alive');
    expect(byId.get('s9')?.notes.join(' ')).not.toMatch(/probe skipped/);
  });

  it('still catches a dead page whose last message is older than the window', async () => {
    const world = createWorld(server);
    connected(world, ['dead']);
    world.activity.record(messageWebhook('dead', world.clock.now() - 121_000));
    world.fakeWpp.killPage('dead');
    const [info] = await world.manager.listSessions();
    expect(info).toMatchObject({ id: 'dead', status: 'disconnected', alive: false });
    expect(world.fakeWpp.countCalls(PROBE, 'dead')).toBe(1);
  });

  it('takes the window from recentMessageMs; 0 probes every CONNECTED session', async () => {
    const short = createWorld(server, { manager: { recentMessageMs: 10_000 } });
    connected(short, ['a', 'b']);
    short.activity.record(messageWebhook('a', short.clock.now() - 5_000));
    short.activity.record(messageWebhook('b', short.clock.now() - 20_000));
    await short.manager.listSessions();
    expect(short.fakeWpp.countCalls(PROBE, 'a')).toBe(0);
    expect(short.fakeWpp.countCalls(PROBE, 'b')).toBe(1);

    const off = createWorld(server, { manager: { recentMessageMs: 0 } });
    connected(off, ['a']);
    off.activity.record(messageWebhook('a', off.clock.now() - 1_000));
    await off.manager.listSessions();
    expect(off.fakeWpp.countCalls(PROBE, 'a')).toBe(1);
  });

  it('does not take a message from the far future as proof', async () => {
    const world = createWorld(server);
    connected(world, ['skewed']);
    // The tracker caps future times at the receive time, so a source that does not is simulated directly.
    const manager = new SessionManager({
      gateway: world.gateway,
      wppconnect: world.wppconnect,
      clock: world.clock,
      activity: {
        lastActivity: async (list) =>
          new Map(list.map((id) => [id, new Date(world.clock.now() + 3_600_000)])),
      },
    });
    await manager.listSessions();
    expect(world.fakeWpp.countCalls(PROBE, 'skewed')).toBe(1);
  });

  it('getSession reads the activity first and skips the probe the same way', async () => {
    const world = createWorld(server);
    connected(world, ['busy', 'idle']);
    world.activity.record(messageWebhook('busy', world.clock.now() - 1_000));
    world.fakeWpp.calls.length = 0;
    const busy = await world.manager.getSession('busy');
    const idle = await world.manager.getSession('idle');
    expect(busy).toMatchObject({ status: 'connected', alive: true });
    expect(busy.notes.join(' ')).toMatch(/probe skipped/);
    expect(idle).toMatchObject({ status: 'connected', alive: true });
    expect(world.fakeWpp.countCalls(PROBE, 'busy')).toBe(0);
    expect(world.fakeWpp.countCalls(PROBE, 'idle')).toBe(1);
  });

  it('a repair always probes, however recent the last message', async () => {
    const world = createWorld(server);
    connected(world, ['z']);
    world.activity.record(messageWebhook('z', world.clock.now() - 1_000));
    world.fakeWpp.killPage('z');
    await world.manager.reconnect('z', { force: true }).catch(() => undefined);
    expect(world.fakeWpp.countCalls(PROBE, 'z')).toBeGreaterThanOrEqual(1);
  });
});

describe('one show-all-sessions per listing', () => {
  it('reads WPPConnect’s session store once, however many sessions read CLOSED', async () => {
    const world = createWorld(server, { gateway: { faults: { staleStatus: true } } });
    connected(world, ids(5, 'up'));
    for (const id of ids(6, 'down')) {
      world.fakeGateway.seedChannel(id, 'disconnected');
      world.fakeWpp.seed(id, { status: 'CLOSED' });
    }
    world.fakeGateway.seedChannel('never', 'disconnected'); // never reached WPPConnect
    world.fakeWpp.calls.length = 0;
    const byId = new Map((await world.manager.listSessions()).map((s) => [s.id, s]));
    expect(world.fakeWpp.countCalls(NAMES)).toBe(1);
    expect(world.fakeWpp.countCalls(STATUS)).toBe(12);
    expect(world.fakeWpp.countCalls(PROBE)).toBe(5);
    expect(byId.get('never')?.status).toBe('not_propagated');
    expect(byId.get('down0')?.status).toBe('disconnected');
  });
});

describe('the listing limit', () => {
  /** A manager whose WPPConnect client counts its requests in flight through its own `fetch`. */
  function counted(world: World, options: { concurrency?: number; adaptiveConcurrency?: boolean } = {}) {
    const seen = { inFlight: 0, peak: 0, starts: [] as number[] };
    const wppconnect = new WppConnectClient({
      baseUrl: world.fakeWpp.baseUrl,
      secretKey: world.fakeWpp.secretKey,
      sleep: noSleep,
      fetch: async (input, init) => {
        seen.inFlight++;
        seen.peak = Math.max(seen.peak, seen.inFlight);
        seen.starts.push(seen.inFlight);
        try {
          return await fetch(input, init);
        } finally {
          seen.inFlight--;
        }
      },
    });
    const manager = new SessionManager({
      gateway: world.gateway,
      wppconnect,
      clock: world.clock,
      ...options,
    });
    return { manager, seen };
  }

  it('runs 16 session lookups at once by default, and no more', async () => {
    const world = createWorld(server, { wppconnect: { latencyMs: 5 } });
    connected(world, ids(64));
    const { manager, seen } = counted(world);
    await manager.listSessions();
    expect(seen.peak).toBeLessThanOrEqual(16 + 1); // + the show-all-sessions call beside the list
    expect(seen.peak).toBeGreaterThanOrEqual(12);
  });

  it('backs off when WPPConnect answers 503, and stays lower in the next listing', async () => {
    const world = createWorld(server, { wppconnect: { latencyMs: 2 } });
    connected(world, ids(24));
    const adaptive = counted(world);
    const fixed = counted(world, { adaptiveConcurrency: false });
    let overloaded = true;
    server.use(
      http.get('http://wppconnect.test/api/:session/status-session', () =>
        overloaded ? HttpResponse.json({ message: 'overloaded' }, { status: 503 }) : undefined,
      ),
    );
    const failing = await adaptive.manager.listSessions();
    await fixed.manager.listSessions();
    expect(failing.every((s) => s.status === 'unknown')).toBe(true);
    overloaded = false;
    adaptive.seen.peak = 0;
    fixed.seen.peak = 0;
    const after = await adaptive.manager.listSessions();
    await fixed.manager.listSessions();
    expect(after.every((s) => s.status === 'connected')).toBe(true);
    expect(fixed.seen.peak).toBeGreaterThanOrEqual(15);
    // 16 → 8 → 4 over the failing round, then one more per window of good answers: at most 10 by the end
    // of the 48 answers of the next round (+1 for show-all-sessions).
    expect(adaptive.seen.peak).toBeLessThanOrEqual(11);
  });
});
