import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../src/errors.js';
import { parseWebhook } from '../../src/webhooks/index.js';
import {
  GATEWAY_CONNECTION_UPDATE_JSON,
  GATEWAY_MESSAGE_JSON,
  wppAck,
  wppCloseSession,
  wppIncomingCall,
  wppLogoutSession,
  wppOnMessage,
  wppPhoneCode,
  wppPresence,
  wppQrNoSession,
  wppStatusFindNew,
  wppStatusFindOld,
} from './fixtures.js';

function rejection(body: unknown): ResponseValidationError {
  try {
    parseWebhook(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseValidationError);
    return error as ResponseValidationError;
  }
  throw new Error('expected parseWebhook to throw');
}

describe('parseWebhook: real gateway envelopes (field notes §9)', () => {
  it('reads the inbound message envelope', () => {
    expect(parseWebhook(JSON.parse(GATEWAY_MESSAGE_JSON))).toEqual({
      sessionId: 'FrontDesk',
      kind: 'message',
      rawEvent: 'message',
      at: new Date('2026-01-15T21:35:35.000Z'),
      source: 'gateway',
      isMessage: true,
      messageId: 'false_208989199560861@lid_3EB0461725FC1E698AD069',
      from: '208989199560861@lid',
    });
  });

  it('reads connection.update as a contact presence with an ISO timestamp, not as activity', () => {
    expect(parseWebhook(JSON.parse(GATEWAY_CONNECTION_UPDATE_JSON))).toEqual({
      sessionId: 'Marketing Team',
      kind: 'presence',
      rawEvent: 'connection.update',
      at: new Date('2026-01-15T19:07:06.497Z'),
      source: 'gateway',
      isMessage: false,
      status: 'unavailable',
    });
  });

  it('accepts the same body as text, Buffer, Uint8Array and ArrayBuffer', () => {
    const expected = parseWebhook(JSON.parse(GATEWAY_MESSAGE_JSON));
    const bytes = new TextEncoder().encode(GATEWAY_MESSAGE_JSON);
    expect(parseWebhook(GATEWAY_MESSAGE_JSON)).toEqual(expected);
    expect(parseWebhook(`\uFEFF${GATEWAY_MESSAGE_JSON}`)).toEqual(expected);
    expect(parseWebhook(Buffer.from(GATEWAY_MESSAGE_JSON))).toEqual(expected);
    expect(parseWebhook(bytes)).toEqual(expected);
    expect(parseWebhook(bytes.buffer)).toEqual(expected);
  });

  it('maps the gateway event names', () => {
    const kinds = [
      'message',
      'message.sent',
      'message.received',
      'message_sent',
      'message.ack',
      'message.failed',
    ].map((event) => {
      const parsed = parseWebhook({ spec_version: '1.0', event, session: { id: 's' } });
      return [event, parsed.kind, parsed.isMessage, parsed.source];
    });
    expect(kinds).toEqual([
      ['message', 'message', true, 'gateway'],
      ['message.sent', 'message', true, 'gateway'],
      ['message.received', 'message', true, 'gateway'],
      ['message_sent', 'message', true, 'gateway'],
      ['message.ack', 'message_ack', false, 'gateway'],
      ['message.failed', 'other', false, 'gateway'],
    ]);
  });

  it('reads fromMe from raw.payload (onselfmessage mapped to message) and infers it for message.sent', () => {
    const self = JSON.parse(GATEWAY_MESSAGE_JSON);
    self.raw.payload.fromMe = true;
    expect(parseWebhook(self).fromMe).toBe(true);
    expect(parseWebhook({ event: 'message.sent', sessionId: 's' }).fromMe).toBe(true);
    expect(parseWebhook({ event: 'message', sessionId: 's', message: { fromMe: false } }).fromMe).toBe(false);
  });
});

describe('parseWebhook: WPPConnect raw events (wppconnect.md §4)', () => {
  it('reads onmessage with t in seconds', () => {
    expect(parseWebhook(wppOnMessage)).toEqual({
      sessionId: 'FrontDesk',
      kind: 'message',
      rawEvent: 'onmessage',
      at: new Date('2026-01-15T21:35:35.000Z'),
      source: 'wppconnect',
      isMessage: true,
      fromMe: false,
      messageId: 'false_208989199560861@lid_3EB0461725FC1E698AD069',
      from: '208989199560861@lid',
    });
  });

  it('counts onselfmessage and unreadmessages as messages; onselfmessage is fromMe', () => {
    const self = parseWebhook({ ...wppOnMessage, event: 'onselfmessage', fromMe: undefined });
    expect(self).toMatchObject({ kind: 'message', isMessage: true, fromMe: true });
    expect(parseWebhook({ ...wppOnMessage, event: 'unreadmessages' })).toMatchObject({ kind: 'message' });
  });

  it('reads onpresencechanged with t in milliseconds; its id is a contact, not a message id', () => {
    const event = parseWebhook(wppPresence);
    expect(event).toEqual({
      sessionId: 'Marketing Team',
      kind: 'presence',
      rawEvent: 'onpresencechanged',
      at: new Date('2026-01-15T19:07:06.490Z'),
      source: 'wppconnect',
      isMessage: false,
      status: 'available',
    });
  });

  it('reads onack: message id and fromMe from the id object', () => {
    expect(parseWebhook(wppAck)).toMatchObject({
      kind: 'message_ack',
      isMessage: false,
      fromMe: true,
      messageId: 'true_208989199560861@lid_3EB0AAAA',
      at: new Date(1768512999 * 1000),
    });
  });

  it('reads a qrcode without session as sessionId null, with the QR', () => {
    expect(parseWebhook(wppQrNoSession)).toEqual({
      sessionId: null,
      kind: 'qrcode',
      rawEvent: 'qrcode',
      at: null,
      source: 'wppconnect',
      isMessage: false,
      qr: { base64: 'iVBORw0KGgoAAAANSUhEUgAA', urlcode: '2@abcDEF,xyz==' },
    });
    const dataUrl = parseWebhook({ event: 'qrcode', qrcode: 'data:image/png;base64,iVBORw0KGgo=' });
    expect(dataUrl.qr).toEqual({ base64: 'iVBORw0KGgo=' });
  });

  it('reports both status-find spellings of a phone unlink as disconnectedMobile', () => {
    for (const body of [wppStatusFindOld, wppStatusFindNew]) {
      expect(parseWebhook(body)).toMatchObject({
        kind: 'status_find',
        rawEvent: 'status-find',
        status: 'disconnectedMobile',
        sessionId: 'FrontDesk',
      });
    }
    expect(parseWebhook({ event: 'status-find', status: 'browserClose' }).status).toBe('browserClose');
  });

  it('reads closesession, logoutsession, phoneCode and incomingcall', () => {
    expect(parseWebhook(wppCloseSession)).toMatchObject({
      kind: 'session_closed',
      sessionId: 'FrontDesk',
      at: null,
    });
    expect(parseWebhook(wppLogoutSession)).toMatchObject({
      kind: 'session_logged_out',
      sessionId: 'FrontDesk',
    });
    expect(parseWebhook(wppPhoneCode)).toMatchObject({
      kind: 'phone_code',
      sessionId: null,
      phoneCode: 'ABCD-EFGH',
    });
    const call = parseWebhook(wppIncomingCall);
    expect(call).toMatchObject({ kind: 'call', from: '5511984078606@c.us', at: new Date(1768513000 * 1000) });
    expect(call.messageId).toBeUndefined();
  });

  it('maps the remaining events to other, keeping the raw name', () => {
    for (const event of [
      'onupdatelabel',
      'onreactionmessage',
      'onrevokedmessage',
      'location',
      'constructor',
    ]) {
      expect(parseWebhook({ event, session: 's' })).toMatchObject({ kind: 'other', rawEvent: event });
    }
  });

  it('uses `type` only when `event` is absent', () => {
    expect(parseWebhook({ type: 'message', session: 's' }).kind).toBe('message');
    expect(parseWebhook(wppOnMessage).rawEvent).toBe('onmessage'); // its `type` is "chat"
  });
});

describe('parseWebhook: session id', () => {
  it('reads every documented place, in order', () => {
    const id = (body: object) => parseWebhook({ event: 'onmessage', ...body }).sessionId;
    expect(id({ session: 'a' })).toBe('a');
    expect(id({ session: { id: 'b' } })).toBe('b');
    expect(id({ session: { session: 'c' } })).toBe('c');
    expect(id({ sessionId: 'd' })).toBe('d');
    expect(id({ channelId: 'e' })).toBe('e');
    expect(id({ channel: 'f' })).toBe('f');
    expect(id({ raw: { payload: { session: 'g' } } })).toBe('g');
    expect(id({ session: '', sessionId: 'h' })).toBe('h');
    expect(id({ session: 42, channel: { id: 'x' } })).toBeNull();
  });

  it('keeps the case of ids (FrontDesk is not frontdesk)', () => {
    expect(parseWebhook({ event: 'onmessage', session: 'FrontDesk' }).sessionId).toBe('FrontDesk');
  });

  it('takes options.sessionId (from a per-session URL) when the body lacks it', () => {
    expect(parseWebhook(wppQrNoSession, { sessionId: 'FrontDesk' }).sessionId).toBe('FrontDesk');
  });

  it('lets options.sessionId win over the body (the gateway may send an alias, field notes §1)', () => {
    const body = JSON.parse(GATEWAY_CONNECTION_UPDATE_JSON);
    expect(parseWebhook(body, { sessionId: 'marketing' }).sessionId).toBe('marketing');
    expect(parseWebhook(body, { sessionId: '' }).sessionId).toBe('Marketing Team');
  });
});

describe('parseWebhook: time normalisation', () => {
  const at = (body: object) => parseWebhook({ event: 'onmessage', ...body }).at?.toISOString() ?? null;

  it('reads numbers below 1e12 as seconds and from 1e12 on as milliseconds', () => {
    expect(at({ timestamp: 1768512935 })).toBe('2026-01-15T21:35:35.000Z');
    expect(at({ timestamp: 1768512935123 })).toBe('2026-01-15T21:35:35.123Z');
    expect(at({ timestamp: 999_999_999_999 })).toBe(new Date(999_999_999_999 * 1000).toISOString());
    expect(at({ timestamp: 1e12 })).toBe('2001-09-09T01:46:40.000Z');
  });

  it('reads numeric strings like numbers and ISO strings as dates', () => {
    expect(at({ timestamp: '1768512935' })).toBe('2026-01-15T21:35:35.000Z');
    expect(at({ timestamp: '1768504026490' })).toBe('2026-01-15T19:07:06.490Z');
    expect(at({ timestamp: '2026-01-15T19:07:06.497Z' })).toBe('2026-01-15T19:07:06.497Z');
    expect(at({ timestamp: '2026-01-15T19:07:06-03:00' })).toBe('2026-01-15T22:07:06.000Z');
    // No offset: read as UTC, whatever the host's time zone.
    expect(at({ timestamp: '2026-01-15 19:07:06' })).toBe('2026-01-15T19:07:06.000Z');
  });

  it('gives null for invalid times and falls through to the next field', () => {
    for (const timestamp of [
      0,
      -5,
      Number.NaN,
      1e20,
      'yesterday',
      'Jan 15 2026',
      '2026-13-45',
      '',
      true,
      {},
    ]) {
      expect(at({ timestamp })).toBeNull();
    }
    expect(at({ timestamp: 'garbage', message: { timestamp: 1768512935 } })).toBe('2026-01-15T21:35:35.000Z');
  });

  it('looks at timestamp, then message.timestamp, then t / raw.payload.t, then offerTime', () => {
    const all = { timestamp: 1_000_000_001, message: { timestamp: 1_000_000_002 }, t: 1_000_000_003 };
    expect(at(all)).toBe(new Date(1_000_000_001_000).toISOString());
    expect(at({ ...all, timestamp: undefined })).toBe(new Date(1_000_000_002_000).toISOString());
    expect(at({ t: 1_000_000_003, raw: { payload: { t: 1_000_000_004 } } })).toBe(
      new Date(1_000_000_003_000).toISOString(),
    );
    expect(at({ raw: { payload: { t: 1_000_000_004 } }, offerTime: 1_000_000_005 })).toBe(
      new Date(1_000_000_004_000).toISOString(),
    );
    expect(at({ offerTime: 1_000_000_005 })).toBe(new Date(1_000_000_005_000).toISOString());
  });
});

describe('parseWebhook: rejected bodies', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an array', [{ event: 'onmessage' }]],
    ['invalid JSON text', '{"event": "onmessage",'],
    ['JSON text of a string', '"onmessage"'],
    ['empty text', ''],
    ['bytes of invalid JSON', new Uint8Array([0xff, 0xfe, 0x00])],
  ])('rejects %s with ResponseValidationError at the root', (_name, body) => {
    const error = rejection(body);
    expect(error.code).toBe('invalid_response');
    expect(error.issues).toEqual([{ path: '', message: 'expected a JSON object' }]);
  });

  it.each([
    ['no event', { session: 's' }],
    ['a numeric event', { event: 7 }],
    ['a blank event', { event: '  ' }],
    ['an object event', { event: { name: 'onmessage' } }],
  ])('rejects %s, naming the path `event`', (_name, body) => {
    expect(rejection(body).issues[0]?.path).toBe('event');
  });

  it('never echoes values from the body', () => {
    const secret = 'S3CR3T-5511984078606';
    for (const body of [{ event: 5, text: secret }, `{"text":"${secret}"`, `["${secret}"]`]) {
      const error = rejection(body);
      expect(JSON.stringify(error.toJSON())).not.toContain(secret);
      expect(error.stack).not.toContain(secret);
    }
  });
});
