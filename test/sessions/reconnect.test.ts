import { describe, expect, it } from 'vitest';
import { PropagationError, SessionManager, WhatsAppGatewayClient } from '../../src/index.js';
import { createWorld, messageWebhook, noSleep, useMsw } from '../helpers/harness.js';

const server = useMsw();
const HOUR = 3_600_000;

const rungs = (actions: readonly { step: string; outcome: string }[]) =>
  actions.filter((a) => a.step.startsWith('rung')).map((a) => `${a.step}: ${a.outcome}`);

describe('reconnect ladder', () => {
  it('stops at rung 1 when a current QR is already there', async () => {
    const world = createWorld(server);
    await world.manager.createSession('frontdesk');
    const report = await world.manager.reconnect('frontdesk');
    expect(report.status).toBe('qr_required');
    expect(rungs(report.actions)).toEqual(['rung 1: fresh QR: trying']);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'frontdesk')).toBe(1);
  });

  it('follows the QR as it rotates', async () => {
    const world = createWorld(server);
    const first = await world.manager.createSession('rotating');
    world.clock.advance(20_000);
    const again = await world.manager.reconnect('rotating');
    expect(again.qr?.urlcode).toBeDefined();
    expect(again.qr?.urlcode).not.toBe(first.qr?.urlcode);
    expect(again.qr?.urlcode).toBe(world.fakeWpp.session('rotating')?.urlcode);
  });

  it('after autoClose, climbs to start-session and returns a fresh QR (not the stale one)', async () => {
    const world = createWorld(server);
    const created = await world.manager.createSession('frontdesk');
    world.clock.advance(61_000); // autoClose: CLOSED placeholder keeping the stale QR
    const stale = await world.wppconnect.getStatus('frontdesk');
    expect(stale).toMatchObject({ status: 'CLOSED', qr: null, staleQr: true });

    const report = await world.manager.reconnect('frontdesk');
    expect(report.status).toBe('qr_required');
    expect(report.qr?.urlcode).not.toBe(created.qr?.urlcode);
    expect(rungs(report.actions)).toEqual(['rung 1: fresh QR: trying', 'rung 2: start-session: trying']);
  });

  it('restarts a CONNECTED session with a dead page at rung 3, keeping the login', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('zombie', 'connected');
    world.fakeWpp.seed('zombie', { status: 'CONNECTED' });
    world.fakeWpp.killPage('zombie');
    const report = await world.manager.reconnect('zombie');
    expect(report).toMatchObject({ status: 'connected', alive: true, repaired: true });
    expect(report.actions.find((a) => a.step === 'rung 2: start-session')?.outcome).toBe('skipped');
    expect(rungs(report.actions)).toContain('rung 3: close-session + start-session: trying');
    expect(world.fakeWpp.countCalls('/api/{session}/logout-session')).toBe(0);
  });

  it('force-restarts a silent zombie without asking for a new QR', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('silent', 'connected');
    world.fakeWpp.seed('silent', { status: 'CONNECTED' });
    const report = await world.manager.reconnect('silent', { force: true });
    expect(report.status).toBe('connected');
    expect(report.qr).toBeUndefined();
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'silent')).toBe(1);
  });

  it('reaches rung 4 (delete + recreate) when restarts do not help, and fails with every rung recorded', async () => {
    const world = createWorld(server, { manager: { stuckAfterMs: 5_000 } });
    world.fakeGateway.seedChannel('broken', 'qr_required');
    world.fakeWpp.setStuck('broken', true);
    const error = await world.manager.reconnect('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropagationError);
    const steps = (error as PropagationError).actions.map((a) => a.step);
    expect(steps).toEqual(
      expect.arrayContaining([
        'rung 2: start-session',
        'rung 3: close-session + start-session',
        'rung 4: delete + recreate on the gateway',
      ]),
    );
    expect(world.fakeGateway.countCalls('/api/channels/{id}')).toBeGreaterThanOrEqual(1);
  });

  it('shares one flight between concurrent reconnects', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('busy', 'disconnected');
    world.fakeWpp.seed('busy', { status: 'CLOSED' });
    const [a, b] = await Promise.all([world.manager.reconnect('busy'), world.manager.reconnect('busy')]);
    expect(a).toBe(b);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'busy')).toBe(1);
  });
});

describe('healthcheck', () => {
  it('classifies, repairs, and goes on past a session whose repair fails', async () => {
    const world = createWorld(server, { manager: { stuckAfterMs: 5_000 } });
    const now = world.clock.now();
    world.fakeGateway.seedChannel('healthy', 'connected');
    world.fakeWpp.seed('healthy', { status: 'CONNECTED' });
    world.activity.record(messageWebhook('healthy', now - 60_000));
    world.fakeGateway.seedChannel('zombie', 'connected');
    world.fakeWpp.seed('zombie', { status: 'CONNECTED' });
    world.activity.record(messageWebhook('zombie', now - 9 * HOUR));
    world.fakeGateway.seedChannel('broken', 'qr_required');
    world.fakeWpp.setStuck('broken', true);
    world.fakeGateway.seedChannel('lost', 'qr_required'); // never reached WPPConnect

    const report = await world.manager.healthcheck({ repair: true });
    const byId = new Map(report.sessions.map((s) => [s.id, s]));
    expect(report.counts).toMatchObject({ total: 4, healthy: 1, zombie: 1, not_propagated: 2 });
    expect(byId.get('healthy')?.repair).toBe('skipped');
    expect(byId.get('zombie')).toMatchObject({ health: 'zombie', repair: 'repaired' });
    expect(byId.get('broken')).toMatchObject({ repair: 'failed', error: { code: 'propagation_failed' } });
    expect(byId.get('lost')).toMatchObject({ repair: 'repaired' });
    expect(byId.get('lost')?.report?.status).toBe('qr_required');
    expect(report.repairs).toEqual({ attempted: 3, repaired: 2, failed: 1 });
    expect(report.ok).toBe(false);
  });

  it('only says what it would repair in a dry run', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('lost', 'qr_required');
    const report = await world.manager.healthcheck({ repair: true, dryRun: true });
    expect(report.sessions[0]).toMatchObject({ id: 'lost', health: 'not_propagated', repair: 'dry_run' });
    expect(world.fakeWpp.countCalls('/api/{session}/start-session')).toBe(0);
    expect(report.repairs.attempted).toBe(0);
  });

  it('reports ok when every session is healthy', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('a', 'connected');
    world.fakeWpp.seed('a', { status: 'CONNECTED' });
    const report = await world.manager.healthcheck();
    expect(report.ok).toBe(true);
    expect(report.counts.healthy).toBe(1);
  });

  it('marks sessions unknown (and never repairs them) when WPPConnect cannot answer', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('a', 'connected');
    world.fakeWpp.seed('a', { status: 'CONNECTED' });
    world.fakeWpp.rotateSecretKey('a-new-key'); // our client still has the old key: every WPPConnect call fails
    const report = await world.manager.healthcheck({ repair: true });
    expect(report.sessions[0]).toMatchObject({ health: 'unknown', repair: 'skipped' });
  });
});

describe('options', () => {
  it('rejects a manager without a gateway, and bad numbers, with InvalidArgumentError', () => {
    const gateway = new WhatsAppGatewayClient({
      baseUrl: 'http://gateway.test',
      secret: 's3cret-for-tests',
      sleep: noSleep,
    });
    expect(() => new SessionManager({} as never)).toThrow(/options.gateway/);
    expect(() => new SessionManager({ gateway, qrWaitMs: -1 })).toThrow(/options.qrWaitMs/);
    expect(() => new SessionManager({ gateway, pollIntervalsMs: [] })).toThrow(/options.pollIntervalsMs/);
  });
});

describe('zombie baseline after a repair', () => {
  it('does not call a session the manager just restarted a zombie, until it is silent for the threshold again', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('silent', 'connected');
    world.fakeWpp.seed('silent', { status: 'CONNECTED' });
    world.activity.record(messageWebhook('silent', world.clock.now() - 9 * HOUR));
    expect((await world.manager.getSession('silent')).isZombie).toBe(true);

    await world.manager.reconnect('silent', { force: true });
    const after = await world.manager.getSession('silent');
    expect(after.isZombie).toBe(false);
    expect(after.zombie?.restartedAt).toBeInstanceOf(Date);
    expect(after.zombie?.sources).toContain('restart');

    world.clock.advance(4 * HOUR + 1000);
    expect((await world.manager.getSession('silent')).isZombie).toBe(true);
  });

  it('keeps a quiet channel quiet after a restart', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('quiet', 'connected');
    world.fakeWpp.seed('quiet', { status: 'CONNECTED' });
    await world.manager.reconnect('quiet', { force: true });
    world.clock.advance(10 * HOUR);
    expect((await world.manager.getSession('quiet')).isZombie).toBe(false);
  });
});
