/**
 * Seeding helpers for tests: put a session in a known state on both fakes at once, and build the webhook
 * bodies that feed an `ActivityTracker` with messages of a given age.
 * @module
 */
import type { FakeGateway } from './fake-gateway.js';
import type { FakeWppConnect } from './fake-wppconnect.js';

/** The two fakes, as {@link startFakeServers} returns them or as built for MSW handlers. */
export interface FakePair {
  /** The fake WPPConnect server. */
  wppconnect: FakeWppConnect;
  /** The fake gateway in front of it. */
  gateway: FakeGateway;
}

/**
 * A session connected on both sides: the gateway lists it as `connected`, WPPConnect has it `CONNECTED`
 * with saved auth and a live browser page. Pass `{ pageAlive: false }` for a zombie whose page is dead.
 *
 * @example
 * ```ts
 * const sim = await startFakeServers();
 * seedConnected(sim, 'sales');
 * ```
 */
export function seedConnected(fakes: FakePair, id: string, options: { pageAlive?: boolean } = {}): void {
  fakes.wppconnect.seed(id, { status: 'CONNECTED', ...options });
  fakes.gateway.seedChannel(id, 'connected');
}

/**
 * A session waiting for its QR scan on both sides: the gateway says `qr_required`, WPPConnect shows its first
 * QR code now (its auto-close window starts now).
 */
export function seedQrRequired(fakes: FakePair, id: string): void {
  fakes.wppconnect.seed(id, { status: 'QRCODE' });
  fakes.gateway.seedChannel(id, 'qr_required');
}

/**
 * The gateway's worst fault: it lists the channel (with `status`, default `disconnected`), but WPPConnect
 * never received the session. The manager reports it as `not_propagated` and `ensureSession` repairs it.
 */
export function seedNotPropagated(fakes: FakePair, id: string, status = 'disconnected'): void {
  fakes.gateway.seedChannel(id, status);
}

/** When a message of {@link onmessageWebhook} was sent: at a moment, or some time before now. */
export type MessageTime =
  | {
      /** The moment it was sent (epoch milliseconds or a Date). */
      at: number | Date;
    }
  | {
      /** How long before `now` it was sent, in milliseconds. */
      ageMs: number;
      /** Now, in epoch milliseconds (default `Date.now()`; pass your `ManualClock`'s `now()` in clock-driven tests). */
      now?: number;
    };

/**
 * A WPPConnect `onmessage` webhook body for `session`, as `ActivityTracker.record` (or your receiver) gets
 * it, with its send time (`t`, in seconds) at the moment given.
 *
 * @example
 * ```ts
 * const tracker = new ActivityTracker({ clock });
 * tracker.record(onmessageWebhook('sales', { ageMs: 10 * 60_000, now: clock.now() })); // 10 min ago
 * tracker.record(onmessageWebhook('support-team', { ageMs: 9 * 3_600_000, now: clock.now() })); // silent 9 h
 * ```
 */
export function onmessageWebhook(session: string, when: MessageTime): Record<string, unknown> {
  const ms =
    'at' in when
      ? when.at instanceof Date
        ? when.at.getTime()
        : when.at
      : (when.now ?? Date.now()) - when.ageMs;
  const t = Math.floor(ms / 1000);
  return {
    event: 'onmessage',
    session,
    id: `false_5511999990000@c.us_${t}`,
    body: 'hi',
    type: 'chat',
    t,
    from: '5511999990000@c.us',
    fromMe: false,
  };
}
