/**
 * fast-check generators of hostile answers: JSON that is almost what the APIs send (the known keys, with
 * values of every wrong type, look-alike QR strings, prototype-polluting keys), random JSON, and raw HTTP
 * answers (status, content type, bytes) including truncated JSON, HTML pages, PNGs and binary junk.
 */
import fc from 'fast-check';
import { pngFor } from '../../../src/testing/index.js';

const PNG = pngFor('2@fuzz-0');
export const PNG_BASE64 = Buffer.from(PNG).toString('base64');

const GATEWAY_KEYS = [
  'success',
  'error',
  'message',
  'channels',
  'data',
  'total',
  'channel',
  'id',
  'name',
  'status',
  'connection',
  'connected',
  'channel_id',
  'session_id',
  'qr',
  'qr_base64',
  'qrcode',
  'base64Qrimg',
  'base64',
  'base64Image',
  'image',
  'qrcode_base64',
  'result',
  'qr_required',
  'messageId',
  'message_id',
  'correlationId',
  'correlation_id',
];

const WPP_KEYS = [
  'status',
  'qrcode',
  'urlcode',
  'version',
  'session',
  'token',
  'full',
  'message',
  'response',
  'uptime',
  'timestamp',
  'error',
  'mapper',
];

const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', ''];

/** Strings that matter to the parsers: statuses, QR look-alikes, prose that is valid base64, huge ones. */
const interestingString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'CONNECTED',
      'connected',
      'QRCODE',
      'qrcode',
      'phoneCode',
      'PHONECODE',
      'INITIALIZING',
      'CLOSED',
      'closed',
      'qr_required',
      'disconnected',
      'success',
      'Success',
      'true',
      'false',
      'error',
      'Canal não encontrado',
      'A sessão do WhatsApp não está ativa.',
      'Session not started. Please, use the /start-session route, for initialization your session',
      'QRCode is not available...',
      'Session created successfully',
      'already exists',
      'Unauthorized',
      'The SECRET_KEY is incorrect',
      'QR code not available',
      'data:image/png;base64,',
      'data:image/png;base64,!!!!',
      'iVBORw0KGgo',
      'AAAA',
      '$2b$10$abc',
      'http://example.test/qr.png',
      '5511999990000@c.us',
      '2@abc-0',
      '\u0000',
      'line\nbreak',
      '\u202Eevil',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(PNG_BASE64, `data:image/png;base64,${PNG_BASE64}`, ` ${PNG_BASE64}\n`),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=_-'), maxLength: 200 }),
  },
  // Long strings, built by repetition: generating 20,000 characters one by one would dominate the run time.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 250, max: 1_000 }))
      .map(([unit, times]) => unit.repeat(times)),
  },
);

const leaf = fc.oneof(
  { weight: 6, arbitrary: interestingString },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
);

function record(keys: readonly string[]) {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...NASTY_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const small = fc.dictionary(key, leaf, { maxKeys: 6 });
  const value = fc.oneof(
    { weight: 6, arbitrary: leaf },
    { weight: 2, arbitrary: small },
    { weight: 2, arbitrary: fc.array(small, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  );
  return fc.dictionary(key, value, { maxKeys: 10 });
}

/**
 * Answers close to a real one: the right keys with the right kind of values most of the time (a status of
 * the vocabulary, a QR-ish string), so the branches behind a successful parse are reached too.
 */
function nearValid(api: 'gateway' | 'wppconnect') {
  const status = fc.oneof(
    fc.constantFrom('CONNECTED', 'QRCODE', 'qrcode', 'INITIALIZING', 'PHONECODE', 'CLOSED', null),
    fc.constantFrom('connected', 'qr_required', 'disconnected'),
    leaf,
  );
  const qrish = fc.oneof(
    fc.constantFrom(PNG_BASE64, `data:image/png;base64,${PNG_BASE64}`, 'data:image/png;base64,bm90IGEgcG5n'),
    interestingString,
    leaf,
  );
  if (api === 'wppconnect') {
    return fc.record(
      { status, qrcode: qrish, urlcode: leaf, version: leaf, token: leaf, message: leaf, response: leaf },
      { requiredKeys: ['status'] },
    );
  }
  const channel = fc.record({ id: leaf, name: leaf, status, connected: leaf }, { requiredKeys: [] });
  return fc.record(
    {
      success: fc.constantFrom(true, false, undefined),
      channel: fc.oneof(channel, leaf),
      qr: qrish,
      status,
      message: leaf,
    },
    { requiredKeys: [] },
  );
}

/** JSON values shaped like one of the APIs' answers, plus arbitrary JSON and arrays. */
export function jsonBody(api: 'gateway' | 'wppconnect'): fc.Arbitrary<unknown> {
  const keys = api === 'gateway' ? GATEWAY_KEYS : WPP_KEYS;
  return fc.oneof(
    { weight: 3, arbitrary: nearValid(api) },
    { weight: 7, arbitrary: record(keys) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.array(record(keys), { maxLength: 4 }) },
  );
}

/** A raw HTTP answer. */
export interface RawAnswer {
  status: number;
  contentType: string | null;
  bytes: Uint8Array;
}

const encode = (text: string) => new TextEncoder().encode(text);

/** Raw answers: mostly JSON, and every other thing a proxy or a broken server sends. */
export function rawAnswer(api: 'gateway' | 'wppconnect'): fc.Arbitrary<RawAnswer> {
  const status = fc.oneof(
    { weight: 12, arbitrary: fc.constant(200) },
    { weight: 1, arbitrary: fc.constant(201) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(400, 401, 403, 404, 405, 408, 409, 418, 429, 500, 501, 502, 503, 504, 599),
    },
  );
  const jsonType = fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json',
    'text/plain',
    null,
    'text/html',
  );
  const json = fc
    .record({ body: jsonBody(api), contentType: jsonType })
    .map(({ body, contentType }) => ({ contentType, bytes: encode(JSON.stringify(body) ?? 'null') }));
  const truncated = json
    .chain((a) =>
      fc.nat({ max: Math.max(0, a.bytes.length - 1) }).map((n) => ({ ...a, bytes: a.bytes.slice(0, n) })),
    )
    .map((a) => ({ ...a, contentType: 'application/json' }));
  const other = fc.oneof(
    fc.constant({ contentType: 'image/png', bytes: PNG }),
    fc.constant({ contentType: 'application/json', bytes: PNG }),
    fc.constant({
      contentType: 'text/html',
      bytes: encode('<html><head><title>502 Bad Gateway</title></head></html>'),
    }),
    fc.constant({ contentType: null, bytes: new Uint8Array(0) }),
    fc.constant({ contentType: 'application/json', bytes: new Uint8Array(0) }),
    fc.uint8Array({ maxLength: 300 }).chain((bytes) =>
      fc
        .constantFrom('application/octet-stream', 'image/jpeg', 'application/json', null)
        .map((contentType) => ({
          contentType,
          bytes,
        })),
    ),
    fc.string({ maxLength: 200 }).map((text) => ({ contentType: 'text/plain', bytes: encode(text) })),
  );
  return fc
    .record({
      status,
      answer: fc.oneof(
        { weight: 10, arbitrary: json },
        { weight: 2, arbitrary: truncated },
        { weight: 3, arbitrary: other },
      ),
    })
    .map(({ status, answer }) => ({ status, ...answer }));
}

/** Builds the `Response` for a raw answer. */
export function toResponse(answer: RawAnswer): Response {
  const headers: Record<string, string> = {};
  if (answer.contentType) headers['content-type'] = answer.contentType;
  return new Response(answer.bytes.byteLength === 0 ? null : answer.bytes.slice(), {
    status: answer.status,
    headers,
  });
}
