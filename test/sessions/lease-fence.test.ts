/**
 * A lease holder that was paused (not crashed) past its TTL wakes up after another process took the session
 * over. It must not close-session or delete the gateway channel then: that would undo the other's repair.
 * The pause is played in one process: when the holder reads WPPConnect, the store's time jumps past its TTL
 * and "another process" takes the lease. test/cli/store-processes-lib.test.ts plays it with SIGSTOP.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, SessionBusyError, type WppConnectClient } from '../../src/index.js';
import { createWorld, useMsw } from '../helpers/harness.js';

const server = useMsw();
const CLOSE = '/api/{session}/close-session';
const START = '/api/{session}/start-session';

/** A store whose time can jump, and a way for "another process" to take the session's lease. */
function pausableStore() {
  let skew = 0;
  const store = new MemoryStore({ clock: { now: () => Date.now() + skew } });
  return {
    store,
    /** The holder was paused for `ms`: its lease ran out, and another process took it. */
    async pauseHolder(ms = 60_000) {
      skew += ms;
      expect(await store.acquireLease('session:sales', 'other-process', 120_000)).toBe(true);
    },
  };
}

/** Runs `pause` once, just before the read of WPPConnect status for which `when()` first holds. */
function pauseOnStatusRead(wpp: WppConnectClient, when: () => boolean, pause: () => Promise<void>) {
  const read = wpp.getStatus.bind(wpp);
  let paused = false;
  wpp.getStatus = async (...args: Parameters<WppConnectClient['getStatus']>) => {
    if (!paused && when()) {
      paused = true;
      await pause();
    }
    return read(...args);
  };
}

describe('a lease holder paused past its TTL', () => {
  it('stops before its close-session: no restart of a session another process took over', async () => {
    const { store, pauseHolder } = pausableStore();
    const world = createWorld(server, { manager: { store, activity: undefined } });
    world.fakeGateway.seedChannel('sales', 'connected');
    world.fakeWpp.seed('sales', { status: 'CONNECTED', pageAlive: false });
    pauseOnStatusRead(world.wppconnect, () => true, pauseHolder);

    const error = await world.manager.reconnect('sales', { force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionBusyError);
    expect(error).toMatchObject({ leaseLost: true, sessionId: 'sales' });
    expect((error as SessionBusyError).toJSON()).toMatchObject({ code: 'session_busy', leaseLost: true });
    expect(world.fakeWpp.countCalls(CLOSE, 'sales')).toBe(0);
    expect(world.fakeWpp.countCalls(START, 'sales')).toBe(0);
    // Nothing recorded as failed: the process that took over records the outcome. Its lease is left alone.
    expect((await store.history(['sales'])).get('sales')).toEqual([]);
    expect((await store.readLease('session:sales'))?.owner).toBe('other-process');
  });

  it('stops before rung 4 deletes the gateway channel', async () => {
    const { store, pauseHolder } = pausableStore();
    const world = createWorld(server, { manager: { store, activity: undefined, qrWaitMs: 5_000 } });
    world.fakeGateway.seedChannel('sales', 'connected');
    world.fakeWpp.seed('sales', { status: 'CONNECTED', pageAlive: false });
    // Rung 3's start never finishes, so the ladder goes on to rung 4; the pause comes during rung 3's wait.
    world.fakeWpp.setStuck('sales');
    pauseOnStatusRead(world.wppconnect, () => world.fakeWpp.countCalls(START, 'sales') > 0, pauseHolder);

    const error = await world.manager.reconnect('sales', { force: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SessionBusyError', leaseLost: true });
    expect(world.fakeGateway.calls.filter((c) => c.method === 'DELETE')).toEqual([]);
    expect(world.fakeGateway.channels().map((c) => c.id)).toEqual(['sales']);
    expect((await store.pending()).size).toBe(0);
    expect((await store.history(['sales'])).get('sales')).toEqual([]);
  });

  it('a holder that was not paused keeps its lease through the whole ladder', async () => {
    const { store } = pausableStore();
    const world = createWorld(server, { manager: { store, activity: undefined } });
    world.fakeGateway.seedChannel('sales', 'connected');
    world.fakeWpp.seed('sales', { status: 'CONNECTED', pageAlive: false });
    const report = await world.manager.reconnect('sales', { force: true });
    expect(report.status).toBe('connected');
    expect(world.fakeWpp.countCalls(CLOSE, 'sales')).toBe(1);
    expect(report.actions.some((a) => a.step === 'lease')).toBe(false);
    expect(await store.readLease('session:sales')).toBeNull();
  });
});
