import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AbortError, PropagationError, QrTimeoutError, SessionManager } from '../../src/index.js';
import { createWorld, useMsw } from '../helpers/harness.js';

const server = useMsw();

describe('createSession: the propagation guarantee', () => {
  it('repairs the FrontDesk fault end to end and returns the QR', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });

    const report = await world.manager.createSession('frontdesk');

    expect(report.status).toBe('qr_required');
    expect(report.repaired).toBe(true);
    expect(report.verifiedOnWppconnect).toBe(true);
    expect(report.qr?.base64).toMatch(/^iVBOR/);
    expect(report.qr?.urlcode).toBe(world.fakeWpp.session('frontdesk')?.urlcode);
    // The gateway answered "created" without calling WPPConnect; the manager started it there itself.
    expect(world.fakeGateway.countCalls('/api/channels')).toBeGreaterThanOrEqual(1);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'frontdesk')).toBe(1);
    expect(world.fakeWpp.session('frontdesk')?.webhook).toBe('https://app.test/hooks/wpp/frontdesk');
    const steps = report.actions.map((a) => `${a.step}: ${a.outcome}`);
    expect(steps).toEqual([
      'gateway.getChannel: not found',
      'gateway.createChannel: ok',
      'wppconnect.getStatus: absent (not in WPPConnect’s session store)',
      'verify: propagation missing',
      'wppconnect.startSession: answered CLOSED',
      'wppconnect.getStatus: INITIALIZING',
      'wppconnect.getStatus: QRCODE',
    ]);
    expect(world.events.map((e) => e.type)).toEqual(['created', 'propagation_missing', 'qr', 'repaired']);
  });

  it('records that the first start-session answers CLOSED, and still waits for the QR', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    const report = await world.manager.createSession('fresh');
    const start = report.actions.find((a) => a.step === 'wppconnect.startSession');
    expect(start?.outcome).toBe('answered CLOSED');
    expect(start?.detail).toMatch(/the start happens anyway/);
    expect(report.status).toBe('qr_required');
  });

  it('does not start again a session the gateway did propagate', async () => {
    const world = createWorld(server);
    const report = await world.manager.createSession('marketing');
    expect(report.status).toBe('qr_required');
    expect(report.repaired).toBe(false);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'marketing')).toBe(1);
    expect(world.events.map((e) => e.type)).not.toContain('propagation_missing');
  });

  it('treats creating an existing session as ensureSession (no error, no second create)', async () => {
    const world = createWorld(server);
    await world.manager.createSession('dup');
    const again = await world.manager.createSession('dup');
    expect(again.status).toBe('qr_required');
    expect(world.fakeGateway.countCalls('/api/channels')).toBe(1);
    expect(again.actions[0]).toMatchObject({
      step: 'gateway.getChannel',
      outcome: 'exists (claims "qr_required")',
    });
  });

  it('restarts a session stuck INITIALIZING once, then gives up with the likely cause', async () => {
    const world = createWorld(server, { wppconnect: { stuck: (id) => id === 'stuck' } });
    const error = await world.manager.createSession('stuck').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropagationError);
    const propagation = error as PropagationError;
    expect(propagation.likelyCause).toMatch(/browser is already running/);
    expect(propagation.actions.map((a) => a.step)).toContain('recover');
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'stuck')).toBe(1);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'stuck')).toBe(2);
  });

  it('recovers a stuck session after the remedy it names (a WPPConnect restart)', async () => {
    const world = createWorld(server);
    world.fakeWpp.setStuck('stuck', true);
    await expect(world.manager.createSession('stuck')).rejects.toBeInstanceOf(PropagationError);
    world.fakeWpp.restartProcess();
    const report = await world.manager.ensureSession('stuck');
    expect(report.status).toBe('qr_required');
    expect(report.qr).toBeDefined();
  });

  it('connects without a QR when WPPConnect still holds the login', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('saved', 'disconnected');
    world.fakeWpp.seed('saved', { status: 'CONNECTED' });
    await world.wppconnect.closeSession('saved');
    const report = await world.manager.ensureSession('saved');
    expect(report.status).toBe('connected');
    expect(report.qr).toBeUndefined();
    expect(report.repaired).toBe(true);
  });

  it('a session INITIALIZING for the whole wait ends in a PropagationError with the trail and the remedy, even when qrWaitMs < stuckAfterMs', async () => {
    // A 45 s wait with the default 60 s stuckAfterMs: the restart is never reached. This used to be a
    // QrTimeoutError with an empty trail, no likely cause and a message that did not say INITIALIZING.
    const world = createWorld(server, {
      wppconnect: { initializingMs: 600_000 },
      manager: { qrWaitMs: 45_000 },
    });
    const error = await world.manager.createSession('slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropagationError);
    const propagation = error as PropagationError;
    expect(propagation.message).toMatch(/stuck INITIALIZING/);
    expect(propagation.message).toMatch(/no restart was tried/);
    expect(propagation.actions.length).toBeGreaterThan(2);
    expect(propagation.actions.at(-1)).toMatchObject({ step: 'give up' });
    expect(propagation.likelyCause).toMatch(/orphaned browser|restart the WPPConnect process/);
    expect(propagation.likelyCause).not.toMatch(
      /ensureSession|reconnect\(|or remove that profile's SingletonLock/,
    );
  });

  it('the stuck remedy ends the orphaned browser or restarts WPPConnect, and warns against removing SingletonLock', async () => {
    const world = createWorld(server, { wppconnect: { stuck: (id) => id === 'stuck' } });
    const error = (await world.manager.createSession('stuck').catch((e: unknown) => e)) as PropagationError;
    expect(error.likelyCause).toMatch(/End that orphaned browser .* or restart the WPPConnect process/);
    expect(error.likelyCause).toMatch(/Do not remove the profile's SingletonLock/);
    expect(error.likelyCause).not.toMatch(/ensureSession|call reconnect/);
  });

  it('QrTimeoutError remains for a wait during which WPPConnect never answered', async () => {
    const world = createWorld(server, { manager: { qrWaitMs: 5_000 } });
    world.fakeGateway.seedChannel('mute', 'disconnected');
    world.fakeWpp.seed('mute', { status: 'INITIALIZING' });
    let reads = 0;
    server.use(
      http.get('*/api/mute/status-session', () => {
        reads++;
        return reads === 1 ? HttpResponse.json({ status: 'INITIALIZING' }) : HttpResponse.error();
      }),
    );
    const error = await world.manager.ensureSession('mute').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrTimeoutError);
  });

  it('stops waiting as soon as the caller aborts, mid-wait', async () => {
    const controller = new AbortController();
    let sleeps = 0;
    const world = createWorld(server, {
      wppconnect: { initializingMs: 600_000 },
      manager: { stuckAfterMs: 900_000 },
    });
    // A clock that aborts the caller's signal during the third poll wait.
    const clock = {
      now: () => world.clock.now(),
      sleep: (ms: number, signal?: AbortSignal) => {
        if (++sleeps === 3) controller.abort();
        return world.clock.sleep(ms, signal);
      },
    };
    const manager = new SessionManager({ gateway: world.gateway, wppconnect: world.wppconnect, clock });
    await expect(manager.createSession('aborted', { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(sleeps).toBe(3);
  });

  it('shares one operation between 50 concurrent ensureSession calls', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    const reports = await Promise.all(Array.from({ length: 50 }, () => world.manager.ensureSession('crowd')));
    expect(new Set(reports)).toHaveProperty('size', 1);
    expect(world.fakeGateway.countCalls('/api/channels')).toBe(1);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'crowd')).toBe(1);
  });
});

describe('createSession without a WPPConnect client (gateway only)', () => {
  it('starts the session through the gateway and says nothing was verified', async () => {
    const world = createWorld(server, { gatewayOnly: true, gateway: { faults: { dropPropagation: true } } });
    const report = await world.manager.createSession('frontdesk');
    expect(report.verifiedOnWppconnect).toBe(false);
    expect(report.wppconnectStatus).toBeNull();
    expect(report.status).toBe('qr_required');
    expect(report.qr).toBeDefined();
    const steps = report.actions.map((a) => a.step);
    expect(steps).toContain('gateway.startSession');
    expect(report.actions.find((a) => a.step === 'verify')?.detail).toMatch(/cannot be verified/);
  });

  it('fails with the trail when the gateway never yields a QR, even after delete + recreate', async () => {
    const world = createWorld(server, {
      gatewayOnly: true,
      wppconnect: { initializingMs: 10_000_000 },
      manager: { gatewayQrAttempts: 2 },
    });
    const error = await world.manager.createSession('never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropagationError);
    const steps = (error as PropagationError).actions.map((a) => a.step);
    expect(steps).toContain('gateway.deleteChannel');
    expect(steps.filter((s) => s === 'gateway.createChannel')).toHaveLength(2);
  });
});
