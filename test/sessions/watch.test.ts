import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, QrTimeoutError, type SessionEvent } from '../../src/index.js';
import { ManualClock, systemClock } from '../../src/testing/index.js';
import { type SessionUpdate, sessionEvents, waitForConnection, watchSession } from '../../src/watch/index.js';
import { createWorld, useMsw } from '../helpers/harness.js';
import { SteppedClock } from '../helpers/stepped-clock.js';

const server = useMsw();
const STATUS = '/api/{session}/status-session';

function steppedWorld(manager: Record<string, unknown> = {}) {
  const clock = new SteppedClock();
  const world = createWorld(server, {
    clock,
    wppconnect: { qrRotateMs: 20_000, autoCloseMs: 60_000, initializingMs: 2_000 },
    manager: { pollIntervalsMs: [500, 1000, 2000], ...manager },
  });
  return { ...world, clock };
}

/** Collects a watch while stepping the clock, until the watch ends; `onUpdate` acts between two reads. */
async function follow(
  clock: SteppedClock,
  updates: AsyncIterable<SessionUpdate>,
  onUpdate: (update: SessionUpdate) => void = () => undefined,
): Promise<SessionUpdate[]> {
  const seen: SessionUpdate[] = [];
  const consumer = (async () => {
    for await (const update of updates) {
      seen.push(update);
      onUpdate(update);
    }
  })();
  await clock.run(consumer);
  return seen;
}

async function collect(updates: AsyncIterable<SessionUpdate>): Promise<SessionUpdate[]> {
  const seen: SessionUpdate[] = [];
  for await (const update of updates) seen.push(update);
  return seen;
}

const qrTexts = (updates: SessionUpdate[]) => updates.flatMap((u) => (u.type === 'qr' ? [u.qr.urlcode] : []));

describe('watch(): following a session live', () => {
  it('yields every QR rotation exactly once, then the autoClose, and never a stale QR', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });

    const updates = await follow(world.clock, watchSession(world.manager, 'sales'));

    // About 40 status reads over the 60 s window, yet each of the three QRs appears once, in order.
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBeGreaterThan(20);
    expect(qrTexts(updates)).toEqual(['2@sales-0', '2@sales-1', '2@sales-2']);
    const last = updates.at(-1);
    expect(last).toMatchObject({ type: 'disconnected', status: 'disconnected', source: 'poll' });
    // The CLOSED placeholder still shows the last QR text; it never became an update.
    expect(world.fakeWpp.session('sales')?.urlcode).toBe('2@sales-2');
    expect(updates.filter((u) => u.type === 'qr')).toHaveLength(3);
  });

  it('yields connected after the scan, and not the stale QR that CONNECTED keeps showing', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });

    const updates = await follow(world.clock, watchSession(world.manager, 'sales'), (update) => {
      if (update.type === 'qr' && update.qr.urlcode === '2@sales-1') world.fakeWpp.scan('sales');
    });

    expect(updates.map((u) => u.type)).toEqual(['qr', 'qr', 'connected']);
    expect(qrTexts(updates)).toEqual(['2@sales-0', '2@sales-1']);
    expect(world.fakeWpp.session('sales')).toMatchObject({ status: 'CONNECTED', urlcode: '2@sales-1' });
    // connected comes after the liveness probe answered.
    expect(world.fakeWpp.countCalls('/api/{session}/check-connection-session', 'sales')).toBeGreaterThan(0);
    expect(world.events.map((e) => e.type)).toEqual(['qr', 'qr', 'connected']);
  });

  it('never yields the stale QR of a CONNECTED session or of a CLOSED placeholder', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('live', { status: 'CONNECTED', staleQr: true });
    world.fakeWpp.seed('expired', { status: 'CLOSED', staleQr: true });

    const live = await follow(world.clock, watchSession(world.manager, 'live'));
    const expired = await follow(world.clock, watchSession(world.manager, 'expired'));

    expect(live.map((u) => u.type)).toEqual(['connected']);
    expect(expired).toEqual([
      expect.objectContaining({ type: 'disconnected', status: 'disconnected', sessionId: 'expired' }),
    ]);
  });

  it('costs one status read per interval whatever the number of watchers', async () => {
    const world = steppedWorld({ pollIntervalsMs: [2000] });
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const controller = new AbortController();
    const watchers = Array.from({ length: 25 }, () =>
      collect(watchSession(world.manager, 'sales', { signal: controller.signal, stopOn: [] })),
    );
    // Let the first read happen, then five intervals.
    await world.clock.settle(1);
    for (let i = 0; i < 5; i++) await world.clock.next();
    await world.clock.settle(1);
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBe(6);
    controller.abort();
    const results = await Promise.all(watchers);
    for (const updates of results) expect(qrTexts(updates)).toEqual(['2@sales-0']);
    expect(world.clock.sleepers).toHaveLength(0);
  });

  it('gives a late watcher the current QR at once, without a read of its own', async () => {
    const world = steppedWorld({ pollIntervalsMs: [2000] });
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const first = watchSession(world.manager, 'sales', { stopOn: [] });
    expect((await first.next()).value).toMatchObject({ type: 'qr' });
    await world.clock.settle(1);
    const reads = world.fakeWpp.countCalls(STATUS, 'sales');

    const late = watchSession(world.manager, 'sales', { stopOn: [] });
    const replay = await late.next();
    expect(replay.value).toMatchObject({ type: 'qr', qr: { urlcode: '2@sales-0' } });
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBe(reads);
    await late.return?.();
    await first.return?.();
    expect(world.clock.sleepers).toHaveLength(0);
  });

  it('hears a qrcode webhook at once, and does not repeat it when the poll sees the same QR', async () => {
    const world = steppedWorld({ pollIntervalsMs: [2000] });
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const watch = watchSession(world.manager, 'sales', { stopOn: ['connected'] });
    expect((await watch.next()).value).toMatchObject({ type: 'qr', qr: { urlcode: '2@sales-0' } });
    await world.clock.settle(1);

    // 20 s later WPPConnect rotates the QR and posts the webhook; nobody has polled yet.
    world.clock.advance(20_000);
    const reads = world.fakeWpp.countCalls(STATUS, 'sales');
    const body = world.fakeWpp.webhookBody('sales', 'qrcode');
    expect(world.activity.record(body)).toMatchObject({ kind: 'qrcode' });
    const pushed = await watch.next();
    expect(pushed.value).toMatchObject({ type: 'qr', source: 'webhook', qr: { urlcode: '2@sales-1' } });
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBe(reads);

    world.fakeWpp.scan('sales');
    const rest = await follow(world.clock, watch);
    expect(rest.map((u) => u.type)).toEqual(['connected']);
  });

  it("hears a phoneCode webhook at once: the hub made by the first watch listens to the manager's feed", async () => {
    const world = steppedWorld();
    // Started by someone else (the manager never saw the start's answer), so only the webhook has the code.
    await world.wppconnect.startSession('sales', { phone: '5511999990000' });
    const watch = watchSession(world.manager, 'sales', { stopOn: ['pairing_code'] });
    const waiting = await world.clock.run(
      (async () => {
        for (;;) {
          const { value } = await watch.next();
          if (value?.type === 'status' && value.status === 'pairing_code') return value;
          if (value?.type !== 'status') throw new Error(`unexpected ${JSON.stringify(value)}`);
        }
      })(),
    );
    expect(waiting).toMatchObject({ wppconnectStatus: 'PHONECODE' });
    const code = world.fakeWpp.pairingCode('sales');
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const reads = world.fakeWpp.countCalls(STATUS, 'sales');
    expect(world.activity.record(world.fakeWpp.webhookBody('sales', 'phoneCode'))).toMatchObject({
      kind: 'phone_code',
    });
    expect((await watch.next()).value).toMatchObject({ type: 'pairing_code', code, source: 'webhook' });
    expect((await watch.next()).done).toBe(true);
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBe(reads);
    expect(world.events.filter((e) => e.type === 'pairing_code').map((e) => e.pairingCode)).toEqual([code]);
  });

  it('stops polling and leaves no timer when the loop breaks (real clock)', async () => {
    const world = createWorld(server, { clock: new RealClock(), manager: { pollIntervalsMs: [10] } });
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const before = timers();
    let reads = 0;
    for await (const update of watchSession(world.manager, 'sales', { stopOn: [] })) {
      expect(update.type).toBe('qr');
      // Let the poll run a few rounds first, so a timer is surely pending when the loop breaks.
      await new Promise((resolve) => setTimeout(resolve, 40));
      reads = world.fakeWpp.countCalls(STATUS, 'sales');
      break;
    }
    expect(reads).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBeLessThanOrEqual(reads + 1);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('stops polling and leaves no timer when the signal aborts during a wait (real clock)', async () => {
    const world = createWorld(server, { clock: new RealClock(), manager: { pollIntervalsMs: [10] } });
    world.fakeWpp.seed('sales', { status: 'CONNECTED' });
    const controller = new AbortController();
    const before = timers();
    const seen: string[] = [];
    const done = (async () => {
      for await (const update of watchSession(world.manager, 'sales', {
        signal: controller.signal,
        stopOn: [],
      }))
        seen.push(update.type);
    })();
    await new Promise((resolve) => setTimeout(resolve, 40));
    controller.abort();
    await done;
    const reads = world.fakeWpp.countCalls(STATUS, 'sales');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen).toEqual(['connected']);
    expect(world.fakeWpp.countCalls(STATUS, 'sales')).toBeLessThanOrEqual(reads + 1);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('refuses a bad id or option before any request', () => {
    const world = steppedWorld();
    expect(() => watchSession(world.manager, '../x')).toThrow(InvalidArgumentError);
    expect(() => watchSession(world.manager, 'ok', { stopOn: ['nope' as never] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => watchSession(world.manager, 'ok', { signal: 'x' as never })).toThrow(InvalidArgumentError);
    expect(world.fakeWpp.calls).toHaveLength(0);
  });
});

describe('the manager argument', () => {
  it('is refused unless it is a SessionManager, before any request', async () => {
    const world = steppedWorld();
    for (const notAManager of [undefined, null, {}, { watch: () => undefined }, world.gateway]) {
      expect(() => watchSession(notAManager as never, 'sales')).toThrow(
        'Invalid manager: must be a SessionManager',
      );
      expect(() => sessionEvents(notAManager as never)).toThrow(InvalidArgumentError);
      await expect(waitForConnection(notAManager as never, 'sales')).rejects.toThrow(InvalidArgumentError);
    }
    expect(world.fakeWpp.calls).toHaveLength(0);
  });

  it('keeps its internals out of sight: nothing enumerable, serialised or inspected', () => {
    const world = steppedWorld();
    expect(Object.keys(world.manager)).toEqual([]);
    expect(JSON.stringify(world.manager)).toBe('{}');
    expect(inspect(world.manager)).toBe('SessionManager {}');
    expect({ ...world.manager }).toEqual({});
  });
});

describe('waitForConnection()', () => {
  it('hands each fresh QR to onQr and resolves when the phone scans', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const shown: string[] = [];
    const connected = await world.clock.run(
      waitForConnection(world.manager, 'sales', {
        onQr: (qr) => {
          shown.push(qr.urlcode ?? '');
          if (shown.length === 2) world.fakeWpp.scan('sales');
        },
      }),
    );
    expect(shown).toEqual(['2@sales-0', '2@sales-1']);
    expect(connected).toMatchObject({ type: 'connected', sessionId: 'sales' });
    expect(world.clock.sleepers).toHaveLength(0);
  });

  it('times out with QrTimeoutError, and says so when the QR expires first', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const early = world.clock.run(waitForConnection(world.manager, 'sales', { timeoutMs: 30_000 }));
    await expect(early).rejects.toBeInstanceOf(QrTimeoutError);
    await expect(early).rejects.toThrow(/did not connect within 30 s/);

    const expired = world.clock.run(waitForConnection(world.manager, 'sales', { timeoutMs: 300_000 }));
    await expect(expired).rejects.toThrow(/stopped before connecting: the session is closed/);
    expect(world.clock.sleepers).toHaveLength(0);
  });

  it('rejects with AbortError on abort', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const controller = new AbortController();
    const waiting = waitForConnection(world.manager, 'sales', { signal: controller.signal });
    await world.clock.settle(2);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(world.clock.sleepers).toHaveLength(0);
  });
});

describe('events()', () => {
  it('streams every SessionEvent of this manager until aborted', async () => {
    const world = steppedWorld();
    world.fakeWpp.seed('sales', { status: 'QRCODE' });
    const controller = new AbortController();
    const received: SessionEvent[] = [];
    const stream = (async () => {
      for await (const event of sessionEvents(world.manager, { signal: controller.signal }))
        received.push(event);
    })();
    await follow(world.clock, watchSession(world.manager, 'sales'), (update) => {
      if (update.type === 'qr') world.fakeWpp.scan('sales');
    });
    controller.abort();
    await stream;
    expect(received.map((e) => e.type)).toEqual(['qr', 'connected']);
    expect(received.map((e) => e.type)).toEqual(world.events.map((e) => e.type));
  });
});

class RealClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}
