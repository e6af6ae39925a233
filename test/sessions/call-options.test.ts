import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PropagationError } from '../../src/index.js';
import { watchSession } from '../../src/watch/index.js';
import { createWorld, useMsw } from '../helpers/harness.js';
import { SteppedClock } from '../helpers/stepped-clock.js';

const server = useMsw();
const START = '/api/{session}/start-session';

describe('per-call options of createSession / ensureSession / reconnect', () => {
  it('phone: a new session logs in by pairing code, read from the start answer', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });

    const report = await world.manager.createSession('sales', { phone: '+55 (11) 99999-0000' });

    expect(report.status).toBe('pairing_code');
    expect(report.pairingCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(report.pairingCode).toBe(world.fakeWpp.pairingCode('sales'));
    expect(report.qr).toBeUndefined();
    expect(world.fakeWpp.session('sales')?.phone).toBe('5511999990000');
    expect(report.actions.map((a) => `${a.step}: ${a.outcome}`)).toContain(
      'wppconnect.startSession: answered with a pairing code',
    );
    // The code is a short-lived credential: it is in the report, never in the trail.
    expect(JSON.stringify(report.actions)).not.toContain(report.pairingCode);
    expect(world.events.find((e) => e.type === 'pairing_code')?.pairingCode).toBe(report.pairingCode);
  });

  it('phone: watchSession() yields the pairing code of that start', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    const report = await world.manager.createSession('sales', { phone: '5511999990000' });
    const watch = watchSession(world.manager, 'sales', { stopOn: ['pairing_code'] });
    const first = await watch.next();
    expect(first.value).toMatchObject({ type: 'pairing_code', code: report.pairingCode, sessionId: 'sales' });
    expect((await watch.next()).done).toBe(true);
  });

  it('phone: a session the gateway started with a QR is switched, and the phoneCode webhook reaches the waiting report at once', async () => {
    const clock = new SteppedClock();
    const world = createWorld(server, { clock });
    const pending = world.manager.createSession('sales', { phone: '5511999990000' });
    let settled = false;
    pending.finally(() => {
      settled = true;
    });
    pending.catch(() => undefined);
    let delivered = false;
    for (let i = 0; i < 200 && !settled; i++) {
      await clock.settle(1, () => settled || clock.sleepers.length > 0);
      // The report now waits for the code (qrWaitMs); WPPConnect posts it by webhook.
      if (!delivered && clock.sleepers.some((s) => s.ms === 120_000)) {
        expect(world.fakeWpp.session('sales')?.status).toBe('PHONECODE');
        const before = clock.now();
        world.activity.record(world.fakeWpp.webhookBody('sales', 'phoneCode'));
        delivered = true;
        const report = await pending;
        expect(clock.now()).toBe(before);
        expect(report.pairingCode).toBe(world.fakeWpp.pairingCode('sales'));
        expect(report.status).toBe('pairing_code');
        expect(report.actions.map((a) => a.step)).toContain('pairing code');
        // The gateway's start, then ours with the phone number after a close.
        expect(world.fakeWpp.countCalls(START, 'sales')).toBe(2);
        break;
      }
      if (!settled) await clock.next();
    }
    expect(delivered).toBe(true);
  });

  it('phone without a webhook feed: the report says where the code will come from', async () => {
    const world = createWorld(server, { manager: { activity: undefined } });
    const report = await world.manager.createSession('sales', { phone: '5511999990000' });
    expect(report.status).toBe('pairing_code');
    expect(report.pairingCode).toBeUndefined();
    expect(report.notes.join(' ')).toMatch(/phoneCode webhook/);
  });

  it('phone on reconnect restarts a session that shows a QR', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    await world.manager.createSession('sales');
    expect(world.fakeWpp.session('sales')?.status).toBe('QRCODE');
    const report = await world.manager.reconnect('sales', { phone: '5511999990000' });
    expect(report.status).toBe('pairing_code');
    expect(world.fakeWpp.session('sales')?.phone).toBe('5511999990000');
  });

  it('webhookUrl: this call’s URL is the one WPPConnect stores', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    await world.manager.createSession('sales', { webhookUrl: 'https://hooks.example/wpp/sales?k=1' });
    expect(world.fakeWpp.session('sales')?.webhook).toBe('https://hooks.example/wpp/sales?k=1');
    await world.manager.createSession('support-team');
    expect(world.fakeWpp.session('support-team')?.webhook).toBe('https://app.test/hooks/wpp/support-team');
  });

  it('qrWaitMs: this call’s bound, not the manager’s', async () => {
    const world = createWorld(server, {
      wppconnect: { stuck: (id) => id === 'slow' },
      manager: { stuckAfterMs: 600_000 },
    });
    const started = world.clock.now();
    const error = await world.manager.createSession('slow', { qrWaitMs: 5_000 }).catch((e: unknown) => e);
    // Still INITIALIZING when this call's 5 s bound ends: a stuck start, reported as such (issue #10).
    expect(error).toBeInstanceOf(PropagationError);
    expect((error as PropagationError).message).toMatch(
      /stuck INITIALIZING on WPPConnect after [56] s \(the wait ended before stuckAfterMs/,
    );
    expect(world.clock.now() - started).toBeLessThan(10_000);
  });

  it('refuses malformed options before any request', async () => {
    const world = createWorld(server);
    const bad: Array<[string, Record<string, unknown>]> = [
      ['options.phone', { phone: '12' }],
      ['options.phone', { phone: '55119999900001234' }],
      ['options.phone', { phone: 'call me' }],
      ['options.phone', { phone: 5511999990000 }],
      ['options.qrWaitMs', { qrWaitMs: -1 }],
      ['options.qrWaitMs', { qrWaitMs: Number.NaN }],
      ['options.webhookUrl', { webhookUrl: 'ftp://x.example/h' }],
      ['options.webhookUrl', { webhookUrl: 'not a url' }],
      ['options.signal', { signal: 'abort' }],
    ];
    for (const [argument, options] of bad) {
      for (const call of [
        () => world.manager.createSession('sales', options),
        () => world.manager.ensureSession('sales', options),
        () => world.manager.reconnect('sales', options),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toContain(argument);
      }
    }
    expect(world.fakeGateway.calls).toHaveLength(0);
    expect(world.fakeWpp.calls).toHaveLength(0);
  });

  it('phone without a WPPConnect client is refused before any request, not silently ignored', async () => {
    const world = createWorld(server, { gatewayOnly: true });
    for (const call of [
      () => world.manager.createSession('sales', { phone: '5511999990000' }),
      () => world.manager.reconnect('sales', { phone: '5511999990000' }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain('options.phone');
      expect((error as Error).message).toContain('WppConnectClient');
    }
    expect(world.fakeGateway.calls).toHaveLength(0);
  });
});
