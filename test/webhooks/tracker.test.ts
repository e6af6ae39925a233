import { describe, expect, it } from 'vitest';
import { ActivityTracker, parseWebhook, type WebhookEvent } from '../../src/webhooks/index.js';
import {
  GATEWAY_CONNECTION_UPDATE_JSON,
  GATEWAY_MESSAGE_JSON,
  wppAck,
  wppCloseSession,
  wppOnMessage,
  wppPresence,
  wppQrNoSession,
  wppStatusFindNew,
} from './fixtures.js';

const NOW = Date.parse('2026-02-01T00:00:00.000Z');
const clock = (now = NOW) => ({ now: () => now });
const message = (session: string, t: number) => ({ event: 'onmessage', session, t });

describe('ActivityTracker', () => {
  it('counts only message events by default (presence and acks are not proof of life, §3.3)', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    for (const body of [
      wppPresence,
      wppAck,
      wppStatusFindNew,
      wppCloseSession,
      wppQrNoSession,
      GATEWAY_CONNECTION_UPDATE_JSON,
    ]) {
      expect(tracker.record(body)).not.toBeNull();
    }
    expect(tracker.get('FrontDesk')).toBeNull();
    expect(tracker.get('Marketing Team')).toBeNull();

    tracker.record(GATEWAY_MESSAGE_JSON);
    expect(tracker.get('FrontDesk')).toEqual(new Date('2026-01-15T21:35:35.000Z'));
  });

  it('keeps the latest time; out-of-order deliveries never move it backwards', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record(message('s', 1_768_512_000));
    tracker.record(message('s', 1_768_513_000));
    tracker.record(message('s', 1_768_400_000)); // a late retry of an older message
    expect(tracker.get('s')).toEqual(new Date(1_768_513_000_000));
  });

  it('uses the receive time when the event has none, or when useReceiveTime is set', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record({ event: 'onmessage', session: 's' });
    expect(tracker.get('s')).toEqual(new Date(NOW));

    const byReceipt = new ActivityTracker({ clock: clock(), useReceiveTime: true });
    byReceipt.record(wppOnMessage);
    expect(byReceipt.get('FrontDesk')).toEqual(new Date(NOW));
  });

  it('caps a time in the future at the receive time, so one skewed body cannot hide a zombie', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record({ event: 'onmessage', session: 's', timestamp: '2099-01-01T00:00:00Z' });
    expect(tracker.get('s')).toEqual(new Date(NOW));
  });

  it('answers many ids in one lastActivity call; unknown ids map to null; ids are case-sensitive', async () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record(message('FrontDesk', 1_768_512_935));
    tracker.record(message('marketing', 1_768_500_000));
    const result = await tracker.lastActivity(['FrontDesk', 'frontdesk', 'marketing', 'never-seen']);
    expect([...result]).toEqual([
      ['FrontDesk', new Date(1_768_512_935_000)],
      ['frontdesk', null],
      ['marketing', new Date(1_768_500_000_000)],
      ['never-seen', null],
    ]);
    expect((await tracker.lastActivity([])).size).toBe(0);
  });

  it('rejects lastActivity with the signal reason when aborted', async () => {
    const tracker = new ActivityTracker();
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(tracker.lastActivity(['s'], controller.signal)).rejects.toBe(reason);
  });

  it('uses the sessionId option for bodies without a session (WPPConnect after close-session)', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record({ event: 'onmessage', t: 1_768_512_935 }); // no session, nothing to key by
    tracker.record({ event: 'onmessage', t: 1_768_512_935 }, { sessionId: 'FrontDesk' });
    expect(tracker.get('FrontDesk')).toEqual(new Date(1_768_512_935_000));
  });

  it('returns null and records nothing for invalid bodies, without throwing', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    for (const body of [null, 'not json', [], { session: 's' }, new Uint8Array([1, 2, 3])]) {
      expect(tracker.record(body, { sessionId: 's' })).toBeNull();
    }
    expect(tracker.get('s')).toBeNull();
  });

  it('accepts a custom countAsActivity, and recordEvent says whether it counted', () => {
    const tracker = new ActivityTracker({
      clock: clock(),
      countAsActivity: (event: WebhookEvent) => event.isMessage || event.kind === 'call',
    });
    expect(
      tracker.recordEvent(parseWebhook({ event: 'incomingcall', session: 'c', offerTime: 1_768_000_000 })),
    ).toBe(true);
    expect(tracker.recordEvent(parseWebhook(wppPresence))).toBe(false);
    expect(tracker.get('c')).toEqual(new Date(1_768_000_000_000));
  });

  it('forgets everything on clear()', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record(wppOnMessage);
    tracker.clear();
    expect(tracker.get('FrontDesk')).toBeNull();
  });

  it('hands out copies: mutating a returned Date changes nothing', () => {
    const tracker = new ActivityTracker({ clock: clock() });
    tracker.record(wppOnMessage);
    tracker.get('FrontDesk')?.setTime(0);
    expect(tracker.get('FrontDesk')).toEqual(new Date(1_768_512_935_000));
  });
});

describe('ActivityTracker bounds (issue #10)', () => {
  const message = (session: string, at = 1_700_000_000_000) => ({
    event: 'onmessage',
    session,
    id: `false_1@c.us_${at}`,
    body: 'hi',
    type: 'chat',
    t: Math.floor(at / 1000),
    from: '1@c.us',
  });

  it('refuses ids that break the session-id rules (ESC, NUL, ../, too long)', () => {
    const tracker = new ActivityTracker();
    for (const id of ['evil\u001b[2J', 'nul\u0000id', '../etc', 'a'.repeat(101), 'name:token', 'x/y']) {
      tracker.record(message('ignored'), { sessionId: id });
      tracker.record(message(id));
    }
    expect(tracker.size).toBe(0);
    tracker.record(message('sales'));
    expect(tracker.size).toBe(1);
  });

  it('keeps at most maxSessions, forgetting the least recently seen', () => {
    let now = 1_700_000_000_000;
    const tracker = new ActivityTracker({ maxSessions: 3, clock: { now: () => now } });
    for (const id of ['a', 'b', 'c']) {
      now += 1000;
      tracker.record(message(id, now));
    }
    now += 1000;
    tracker.record(message('a', now)); // a is seen again: b is now the least recent
    now += 1000;
    tracker.record(message('d', now));
    expect(tracker.size).toBe(3);
    expect(tracker.evictions).toBe(1);
    expect(tracker.get('b')).toBeNull();
    expect(tracker.get('a')).not.toBeNull();
    expect(tracker.get('d')).not.toBeNull();
  });

  it('a flood of random ids stays within the default bound', () => {
    const tracker = new ActivityTracker();
    for (let i = 0; i < 30_000; i++) tracker.record(message(`random-${i}`));
    expect(tracker.size).toBe(10_000);
    expect(tracker.evictions).toBe(20_000);
  });

  it('refuses a maxSessions that is not a positive integer', () => {
    for (const maxSessions of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ActivityTracker({ maxSessions })).toThrow(/options.maxSessions/);
    }
  });
});
