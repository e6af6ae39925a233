import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../src/errors.js';
import { ActivityTracker, parseWebhook, type WebhookEvent } from '../../src/webhooks/index.js';

const KINDS = new Set([
  'message',
  'message_ack',
  'presence',
  'qrcode',
  'phone_code',
  'status_find',
  'session_closed',
  'session_logged_out',
  'call',
  'other',
]);

const EVENT_NAMES = [
  'onmessage',
  'onselfmessage',
  'unreadmessages',
  'onack',
  'onpresencechanged',
  'qrcode',
  'phoneCode',
  'status-find',
  'closesession',
  'logoutsession',
  'incomingcall',
  'onupdatelabel',
  'message',
  'message.sent',
  'message.received',
  'message_sent',
  'message.ack',
  'connection.update',
  'message.failed',
  'constructor',
  '__proto__',
];

const optionalString = (value: unknown) => value === undefined || (typeof value === 'string' && value !== '');

/** The shape every successful parse must have, whatever the input. */
function expectWellFormed(event: WebhookEvent, routeId: string | undefined): void {
  expect(event.sessionId === null || (typeof event.sessionId === 'string' && event.sessionId !== '')).toBe(
    true,
  );
  if (routeId) expect(event.sessionId).toBe(routeId);
  expect(KINDS.has(event.kind)).toBe(true);
  expect(typeof event.rawEvent === 'string' && event.rawEvent.trim() !== '').toBe(true);
  expect(event.at === null || (event.at instanceof Date && Number.isFinite(event.at.getTime()))).toBe(true);
  expect(['wppconnect', 'gateway']).toContain(event.source);
  expect(event.isMessage).toBe(event.kind === 'message');
  expect(event.fromMe === undefined || typeof event.fromMe === 'boolean').toBe(true);
  for (const field of [event.messageId, event.from, event.status, event.phoneCode, event.qr?.base64]) {
    expect(optionalString(field)).toBe(true);
  }
}

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
});

const time = fc.oneof(
  fc.integer({ min: -1_000, max: 3_000_000_000_000 }),
  fc.double(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: 0, max: 3_000_000_000_000 }).map(String),
  fc.string(),
);

/** Bodies close to the real ones (field notes §9, wppconnect.md §4), every key optional, any value possibly wrong. */
function shaped(loose: fc.Arbitrary<unknown>) {
  const str = fc.oneof(fc.string(), loose);
  const bool = fc.oneof(fc.boolean(), loose);
  const when = fc.oneof(time, loose);
  const opt = { requiredKeys: [] as [] };
  return fc.record(
    {
      spec_version: fc.oneof(fc.constant('1.0'), loose),
      event: fc.oneof(fc.constantFrom(...EVENT_NAMES), str),
      type: fc.oneof(fc.constantFrom(...EVENT_NAMES, 'chat'), str),
      session: fc.oneof(str, fc.record({ id: str, session: str, name: str }, opt)),
      sessionId: str,
      channelId: str,
      channel: str,
      timestamp: when,
      t: when,
      offerTime: when,
      message: fc.oneof(fc.record({ id: str, from: str, timestamp: when, fromMe: bool }, opt), loose),
      connection: fc.oneof(fc.record({ status: str }, opt), loose),
      raw: fc.oneof(
        fc.record(
          { payload: fc.record({ session: str, t: when, fromMe: bool, id: str, state: str }, opt) },
          opt,
        ),
        loose,
      ),
      id: fc.oneof(str, fc.record({ fromMe: bool, _serialized: str }, opt)),
      fromMe: bool,
      from: str,
      status: fc.oneof(fc.constantFrom('desconnectedMobile', 'inChat', 'browserClose'), str),
      state: str,
      qrcode: str,
      urlcode: str,
      phoneCode: str,
      peerJid: str,
    },
    opt,
  );
}

const jsonShaped = shaped(fc.jsonValue({ maxDepth: 2 }));

const bodies = fc.oneof(
  anything,
  fc.json(),
  fc.jsonValue(),
  shaped(fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withBoxedValues: true })),
  jsonShaped,
  jsonShaped.map((body) => JSON.stringify(body)),
  jsonShaped.map((body) => Buffer.from(JSON.stringify(body))),
  fc.uint8Array(),
  fc.string(),
);

describe('parseWebhook: property', () => {
  it('returns a well-formed event or throws ResponseValidationError, for 10,000 bodies', () => {
    fc.assert(
      fc.property(bodies, fc.option(fc.string(), { nil: undefined }), (body, routeId) => {
        let event: WebhookEvent;
        try {
          event = parseWebhook(body, routeId === undefined ? undefined : { sessionId: routeId });
        } catch (error) {
          expect(error).toBeInstanceOf(ResponseValidationError);
          expect((error as ResponseValidationError).issues.length).toBeGreaterThan(0);
          return;
        }
        expectWellFormed(event, routeId);
      }),
      { numRuns: 10_000 },
    );
  });

  it('handles cyclic and very deep objects without recursing into them', () => {
    const cyclic: Record<string, unknown> = { event: 'onmessage', session: 's', t: 1_768_512_935 };
    cyclic['self'] = cyclic;
    cyclic['message'] = cyclic;
    expect(parseWebhook(cyclic).sessionId).toBe('s');

    let deep: unknown = { event: 'onmessage' };
    for (let i = 0; i < 100_000; i++) deep = { raw: { payload: deep }, session: deep };
    expect(() => parseWebhook(deep)).toThrow(ResponseValidationError);
    expect(() => parseWebhook(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toThrow(
      ResponseValidationError,
    );
  });
});

describe('ActivityTracker: property', () => {
  it('holds, per session, the latest message time capped at now, whatever the order', () => {
    const now = Date.parse('2026-02-01T00:00:00.000Z');
    const deliveries = fc.array(
      fc.record({
        session: fc.constantFrom('a', 'A', 'b'),
        seconds: fc.integer({ min: 1, max: 2_000_000_000 }),
        message: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(deliveries, (list) => {
        const tracker = new ActivityTracker({ clock: { now: () => now } });
        const expected = new Map<string, number>();
        for (const { session, seconds, message } of list) {
          tracker.record({ event: message ? 'onmessage' : 'onpresencechanged', session, t: seconds });
          if (!message) continue;
          const time = Math.min(seconds * 1000, now);
          expected.set(session, Math.max(expected.get(session) ?? 0, time));
        }
        for (const id of ['a', 'A', 'b']) {
          expect(tracker.get(id)?.getTime() ?? null).toBe(expected.get(id) ?? null);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws from record, whatever the body', () => {
    const tracker = new ActivityTracker();
    fc.assert(
      fc.property(bodies, (body) => {
        tracker.record(body);
      }),
      { numRuns: 2_000 },
    );
  });
});
