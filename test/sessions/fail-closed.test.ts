/**
 * Zombie verdicts fail closed, and a healthcheck repair never creates the stuck session it meant to cure.
 *
 * Before: a `lastActivity` in the future was trusted (one bad row kept a dead session healthy forever); a failed
 * activity source left the healthcheck OK; `healthcheck --repair` closed and restarted sessions that were only
 * starting (on the real server the close answers 500, the first browser stays alive and the new start fails
 * with "The browser is already running").
 */
import { describe, expect, it } from 'vitest';
import type { ActivitySource } from '../../src/index.js';
import { createWorld, useMsw } from '../helpers/harness.js';

const server = useMsw();
const HOUR = 3_600_000;

/** A source that answers every id with `at(now)`, or throws. */
function source(at: (now: number) => Date | null | 'throw', clock: { now(): number }): ActivitySource {
  return {
    async lastActivity(ids) {
      const value = at(clock.now());
      if (value === 'throw') throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
      return new Map(ids.map((id) => [id, value]));
    },
  };
}

/** A world whose manager reads activity from `at(now)` on the world's own clock. */
function worldWith(at: (now: number) => Date | null | 'throw', skewMs = 0) {
  const clock = { now: () => 0 };
  const world = createWorld(server, { manager: { activity: source(at, clock) } });
  clock.now = () => world.clock.now() + skewMs;
  world.fakeGateway.seedChannel('sales', 'connected');
  world.fakeWpp.seed('sales', { status: 'CONNECTED' });
  return { world };
}

describe('future activity is clamped to now, and the evidence says so', () => {
  it('a few seconds ahead (clock skew): clamped, counted as now, verdict kept', async () => {
    const { world: w } = worldWith((now) => new Date(now), 30_000);
    const info = await w.manager.getSession('sales');
    expect(info.lastActivityAt!.getTime()).toBeLessThanOrEqual(w.clock.now());
    expect(info.zombie).toMatchObject({ verdict: 'not_zombie' });
    expect(info.zombie?.clampedFrom).toBeInstanceOf(Date);
    expect(info.zombie?.reason).toMatch(/in the future, counted as now/);
  });

  it('a year ahead (a bad row): clamped, verdict unknown, the healthcheck is not OK', async () => {
    const { world } = worldWith((now) => new Date(now + 365 * 24 * HOUR));
    const [info] = await world.manager.listSessions();
    expect(info!.lastActivityAt!.getTime()).toBe(world.clock.now());
    expect(info!.isZombie).toBe(false);
    expect(info!.zombie).toMatchObject({ verdict: 'unknown' });
    expect(info!.notes.join(' ')).toMatch(/in the future/);
    const report = await world.manager.healthcheck();
    expect(report.sessions[0]!.health).toBe('unknown');
    expect(report.ok).toBe(false);
  });

  it('a session dead for a day is a zombie whatever time the source claims after the clamp', async () => {
    const { world } = worldWith((now) => new Date(now - 24 * HOUR));
    const report = await world.manager.healthcheck();
    expect(report.sessions[0]!.health).toBe('zombie');
  });
});

describe('a failed activity source makes the verdict unknown', () => {
  it('for every connected session, and the healthcheck is not OK and repairs nothing', async () => {
    const { world } = worldWith(() => 'throw');
    world.fakeGateway.seedChannel('support-team', 'connected');
    world.fakeWpp.seed('support-team', { status: 'CONNECTED' });
    const infos = await world.manager.listSessions();
    for (const info of infos) {
      expect(info.zombie).toMatchObject({ verdict: 'unknown' });
      expect(info.isZombie).toBe(false);
      expect(info.notes.join(' ')).toMatch(/activity source failed/);
    }
    const report = await world.manager.healthcheck({ repair: true });
    expect(report.counts.unknown).toBe(2);
    expect(report.ok).toBe(false);
    expect(report.repairs.attempted).toBe(0);
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'sales')).toBe(0);
  });

  it('an invalid Date from a source is a failed read too', async () => {
    const { world } = worldWith(() => new Date(Number.NaN));
    const report = await world.manager.healthcheck();
    expect(report.sessions[0]!.health).toBe('unknown');
    expect(report.ok).toBe(false);
  });
});

describe('healthcheck --repair and sessions that are only starting', () => {
  it('a session INITIALIZING for less than stuckAfterMs is waited for, never closed nor restarted', async () => {
    const world = createWorld(server, { wppconnect: { initializingMs: 20_000 } });
    world.fakeGateway.seedChannel('sales', 'qr_required');
    world.fakeWpp.seed('sales', { status: 'INITIALIZING' }); // as after a WPPConnect restart
    const starts = world.fakeWpp.countCalls('/api/{session}/start-session', 'sales');
    const report = await world.manager.healthcheck({ repair: true });
    expect(report.counts.starting).toBe(1);
    expect(report.sessions[0]!.health).toBe('starting');
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'sales')).toBe(0);
    expect(world.fakeWpp.countCalls('/api/{session}/start-session', 'sales')).toBe(starts);
    expect(report.sessions[0]!.report?.status).toBe('qr_required');
  });

  it('stuck INITIALIZING past stuckAfterMs: closed and started once; a second healthcheck does not restart it again', async () => {
    const world = createWorld(server, { wppconnect: { stuck: (id) => id === 'sales' } });
    world.fakeGateway.seedChannel('sales', 'qr_required');
    await world.wppconnect.startSession('sales'); // stuck from now on
    const first = await world.manager.healthcheck({ repair: true });
    expect(first.sessions[0]).toMatchObject({ health: 'starting', repair: 'failed' });
    expect(first.sessions[0]!.error).toMatchObject({ name: 'PropagationError' });
    expect(first.sessions[0]!.error!.message).toMatch(/stuck INITIALIZING/);
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'sales')).toBe(1);
    const second = await world.manager.healthcheck({ repair: true });
    expect(second.sessions[0]).toMatchObject({ health: 'starting', repair: 'failed' });
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'sales')).toBe(1);
    expect(first.ok).toBe(false);
  });

  it('reconnect --force still restarts at once (that is what force means)', async () => {
    const world = createWorld(server, { wppconnect: { initializingMs: 20_000 } });
    world.fakeGateway.seedChannel('sales', 'qr_required');
    world.fakeWpp.seed('sales', { status: 'INITIALIZING' });
    await world.manager.reconnect('sales', { force: true });
    expect(world.fakeWpp.countCalls('/api/{session}/close-session', 'sales')).toBe(1);
  });
});
