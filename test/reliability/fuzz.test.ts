/**
 * Issue #5 §2: fuzzed parsers. Every answer either becomes a valid typed value or a typed error
 * (`ResponseValidationError`, or the `ApiError` family for failure statuses and `success:false` bodies) —
 * never a `TypeError`, never a hang, never a value that breaks its own type.
 *
 * Three tiers, so the 10,000-per-parser runs stay fast:
 * 1. the parse layer: `Transport.validate` with the clients' own zod schemas, then the post-processing the
 *    clients export (`findQr`, `toQrCode`, `qrFromPng`, the WPPConnect status mapping) — 10,000 bodies each;
 * 2. every public client method end to end, with raw answers (status, content type, bytes) served by an
 *    injected `fetch`: body sniffing, error mapping, token refresh and the private post-processing;
 * 3. the same through real MSW round trips.
 *
 * `parseWebhook` has its own 10,000-run property test in test/webhooks/parse.property.test.ts.
 */
import fc from 'fast-check';
import { type HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ApiError, RedirectError, ResponseValidationError, WhatsAppSdkError } from '../../src/errors.js';
import { findQr, WhatsAppGatewayClient } from '../../src/gateway/client.js';
import * as gw from '../../src/gateway/schemas.js';
import type { Body } from '../../src/http/body.js';
import { type HttpResult, Transport } from '../../src/http/transport.js';
import { type QrCode, qrFromPng, toQrCode } from '../../src/qr.js';
import { WppConnectClient } from '../../src/wppconnect/client.js';
import * as wpp from '../../src/wppconnect/schemas.js';
import { MemoryTokenStore } from '../../src/wppconnect/token-store.js';
import {
  CLIENT_METHODS,
  CLIENT_RUNS_PER_METHOD,
  DIRECT_PARSERS,
  DIRECT_RUNS_PER_PARSER,
  ENCODING_RUNS,
  MSW_RUNS_PER_METHOD,
  REDIRECT_RUNS,
} from './figures.js';
import { jsonBody, PNG_BASE64, type RawAnswer, rawAnswer, toResponse } from './support/arbitraries.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const WPP_STATUSES = ['CLOSED', 'INITIALIZING', 'QRCODE', 'PHONECODE', 'CONNECTED'];

/** A QR the SDK hands out must really be a PNG, with consistent fields. */
function expectQr(qr: unknown): asserts qr is QrCode {
  const q = qr as QrCode;
  expect(typeof q.base64).toBe('string');
  expect(q.dataUrl).toBe(`data:image/png;base64,${q.base64}`);
  expect(q.mimeType).toBe('image/png');
  const head = Buffer.from(q.base64.slice(0, 12), 'base64');
  expect([...head.subarray(0, 4)]).toEqual(PNG_SIGNATURE.slice(0, 4));
  if ('urlcode' in q) expect(typeof q.urlcode).toBe('string');
}

/** A plain assertion for the hot loops: vitest's `expect` costs more than the parsers it checks. */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`property broken: ${what}`);
}

/** {@link expectQr} for the hot loops. */
function checkQr(qr: QrCode): void {
  check(qr.dataUrl === `data:image/png;base64,${qr.base64}` && qr.mimeType === 'image/png', 'QR fields');
  const head = Buffer.from(qr.base64.slice(0, 12), 'base64');
  check(
    PNG_SIGNATURE.slice(0, 4).every((byte, i) => head[i] === byte),
    'QR is a PNG',
  );
  check(!('urlcode' in qr) || typeof qr.urlcode === 'string', 'QR urlcode');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, type: string) => v === undefined || typeof v === type;

// ---------------------------------------------------------------------------------------------------------
// Tier 1: the parse layer, 10,000 bodies per parser
// ---------------------------------------------------------------------------------------------------------

const transports = {
  gateway: new Transport({ service: 'gateway', baseUrl: 'http://gateway.fuzz' }),
  wppconnect: new Transport({ service: 'wppconnect', baseUrl: 'http://wpp.fuzz' }),
};

function resultOf(service: 'gateway' | 'wppconnect', body: Body): HttpResult {
  return {
    status: 200,
    headers: new Headers(),
    body,
    retryCount: 0,
    requestId: undefined,
    context: { service, method: 'GET', path: '/fuzz', status: 200 },
  };
}

/** Real JSON: a round trip turns fast-check's objects into what `JSON.parse` gives (own `__proto__` keys…). */
function jsonOf(value: unknown): Body {
  const text = JSON.stringify(value) ?? 'null';
  return { kind: 'json', value: JSON.parse(text), text };
}

type DirectParser = {
  service: 'gateway' | 'wppconnect';
  run(result: HttpResult): void;
};

function validate<S extends z.ZodType>(service: 'gateway' | 'wppconnect', result: HttpResult, schema: S) {
  return transports[service].validate(result, schema);
}

const DIRECT: Record<(typeof DIRECT_PARSERS)[number], DirectParser> = {
  'gateway listChannels (listAnswer, nested data.channels)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.listAnswer);
      const records = Array.isArray(data)
        ? data
        : (data.channels ?? gw.nestedList.safeParse(data.data).data?.channels);
      for (const record of records ?? []) check(isObject(record), 'a channel record is an object');
    },
  },
  'gateway getChannel (channelAnswer)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.channelAnswer);
      check(data.channel == null || typeof data.channel === 'string' || isObject(data.channel), 'channel');
    },
  },
  'gateway createChannel (createAnswer)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.createAnswer);
      check(data.qr_required == null || typeof data.qr_required === 'boolean', 'qr_required');
    },
  },
  'gateway getQr / inspectQr (qrAnswer → findQr → toQrCode)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.qrAnswer);
      const raw = findQr(data);
      if (raw === undefined) return;
      check(typeof raw === 'string', 'findQr returns a string');
      checkQr(toQrCode(raw));
    },
  },
  'gateway deleteChannel / set*Webhook (envelope)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.envelope);
      check(optional(data.success, 'boolean'), 'success');
    },
  },
  'gateway startSession (startAnswer)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.startAnswer);
      if (data.status) check(typeof data.status.toUpperCase() === 'string', 'status');
    },
  },
  'gateway sendText (sendAnswer)': {
    service: 'gateway',
    run(result) {
      const data = validate('gateway', result, gw.sendAnswer);
      const id = data.id ?? data.messageId ?? data.message_id ?? null;
      check(id === null || typeof id === 'string', 'message id');
    },
  },
  'wppconnect generateToken (tokenAnswer)': {
    service: 'wppconnect',
    run(result) {
      const data = validate('wppconnect', result, wpp.tokenAnswer);
      check(data.token.length > 0, 'token');
      // The token goes into an Authorization header: it must be a valid header value (this throws if not).
      new Headers({ authorization: `Bearer ${data.token}` });
    },
  },
  'wppconnect startSession / getStatus (statusAnswer → wppStatus → toQrCode when QRCODE)': {
    service: 'wppconnect',
    run(result) {
      const data = validate('wppconnect', result, wpp.statusAnswer);
      check(WPP_STATUSES.includes(data.status), 'status');
      if (data.status === 'QRCODE' && typeof data.qrcode === 'string' && data.qrcode.length > 0) {
        checkQr(toQrCode(data.qrcode, data.urlcode));
      }
    },
  },
  'wppconnect getQrCode (qrJsonAnswer, or PNG → qrFromPng)': {
    service: 'wppconnect',
    run(result) {
      if (result.body.kind === 'png') {
        checkQr(qrFromPng(result.body.bytes));
        return;
      }
      const data = validate('wppconnect', result, wpp.qrJsonAnswer);
      check(WPP_STATUSES.includes(data.status), 'status');
    },
  },
  'wppconnect checkConnection / closeSession / logoutSession (booleanAnswer)': {
    service: 'wppconnect',
    run(result) {
      const data = validate('wppconnect', result, wpp.booleanAnswer);
      check(['boolean', 'string'].includes(typeof data.status), 'status');
    },
  },
  'wppconnect listSessionNames (namesAnswer)': {
    service: 'wppconnect',
    run(result) {
      const data = validate('wppconnect', result, wpp.namesAnswer);
      for (const name of data.response) check(typeof name === 'string', 'name');
    },
  },
  'wppconnect getPhoneNumber (phoneAnswer)': {
    service: 'wppconnect',
    run(result) {
      check(typeof validate('wppconnect', result, wpp.phoneAnswer).response === 'string', 'phone');
    },
  },
  'wppconnect healthz (healthAnswer)': {
    service: 'wppconnect',
    run(result) {
      const data = validate('wppconnect', result, wpp.healthAnswer);
      check(optional(data.uptime, 'number') && optional(data.timestamp, 'number'), 'health');
    },
  },
};

/** Bodies for the parse layer: mostly JSON, sometimes what a proxy sends instead. */
function bodyArbitrary(service: 'gateway' | 'wppconnect'): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 20, arbitrary: jsonBody(service).map(jsonOf) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Body>(
        { kind: 'png', bytes: Buffer.from(PNG_BASE64, 'base64') },
        { kind: 'png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
        { kind: 'html', text: '<html><title>502 Bad Gateway</title></html>' },
        { kind: 'invalid-json', text: '{"status":"QRC' },
        { kind: 'empty' },
        { kind: 'text', text: 'OK' },
        { kind: 'too-large', limit: 10 },
        { kind: 'binary', bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' },
      ),
    },
  );
}

/** Runs a parser and classifies the outcome: `ok`, a ResponseValidationError, or a failure of the property. */
function outcomeOf(run: () => void): 'ok' | 'invalid' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof ResponseValidationError) return 'invalid';
    throw error;
  }
}

let directRuns = 0;

describe(`parse layer: ${DIRECT_RUNS_PER_PARSER} bodies per parser`, () => {
  // One stream of generated bodies per API, each body fed to every parser of that API: every parser sees
  // 10,000 bodies, and the generation (the slow part) is paid once per API.
  it.each(['gateway', 'wppconnect'] as const)('every %s parser', (service) => {
    const parsers = DIRECT_PARSERS.filter((name) => DIRECT[name].service === service);
    const seen = new Map(parsers.map((name) => [name, { ok: 0, invalid: 0 }]));
    fc.assert(
      fc.property(bodyArbitrary(service), (body) => {
        for (const name of parsers) {
          directRuns++;
          try {
            seen.get(name)![outcomeOf(() => DIRECT[name].run(resultOf(service, body)))]++;
          } catch (error) {
            throw new Error(
              `${name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
              {
                cause: error,
              },
            );
          }
        }
      }),
      { numRuns: DIRECT_RUNS_PER_PARSER },
    );
    // The generator must reach both sides of every parser, or the property proves little.
    for (const [name, counts] of seen) {
      expect(counts.invalid, name).toBeGreaterThan(0);
      expect(counts.ok, name).toBeGreaterThan(0);
    }
  });

  it('the gateway QR finder only ever returns PNG QR codes, whatever key or prefix carries them', () => {
    const qrKey = fc.constantFrom(
      'qr',
      'qr_base64',
      'qrcode',
      'base64Qrimg',
      'base64',
      'base64Image',
      'image',
      'qrcode_base64',
    );
    fc.assert(
      fc.property(
        qrKey,
        fc.constantFrom('', 'data:image/png;base64,', ' '),
        fc.constantFrom('data', 'result', null),
        (key, prefix, container) => {
          const value = `${prefix}${PNG_BASE64}`;
          const body =
            container === null
              ? { [key]: value }
              : { [container]: key === 'qr' || key === 'base64' ? { [key]: value } : value };
          const data = validate(
            'gateway',
            resultOf('gateway', jsonOf({ success: true, ...body })),
            gw.qrAnswer,
          );
          const raw = findQr(data);
          expect(raw).toBeDefined();
          expectQr(toQrCode(raw as string));
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Tier 2 and 3: every public method, end to end
// ---------------------------------------------------------------------------------------------------------

type Method = {
  name: string;
  api: 'gateway' | 'wppconnect';
  call(clients: { gateway: WhatsAppGatewayClient; wppconnect: WppConnectClient }): Promise<unknown>;
  check(value: unknown): void;
};

function expectChannel(c: unknown) {
  const channel = c as { id: unknown; status: unknown; raw: unknown; name?: unknown };
  expect(typeof channel.id).toBe('string');
  expect(channel.id).not.toBe('');
  expect(typeof channel.status).toBe('string');
  expect(isObject(channel.raw)).toBe(true);
  expect(optional(channel.name, 'string')).toBe(true);
}

function expectWppStatus(value: unknown) {
  const s = value as { status: string; qr: unknown; staleQr: unknown; raw: unknown; version?: unknown };
  expect(WPP_STATUSES).toContain(s.status);
  if (s.qr !== null) {
    expect(s.status).toBe('QRCODE');
    expectQr(s.qr);
  }
  expect(typeof s.staleQr).toBe('boolean');
  expect(isObject(s.raw)).toBe(true);
  expect(optional(s.version, 'string')).toBe(true);
}

function expectBoolean(value: unknown) {
  const b = value as { ok: unknown; message: unknown };
  expect(typeof b.ok).toBe('boolean');
  expect(typeof b.message).toBe('string');
}

const undefinedValue = (value: unknown) => expect(value).toBeUndefined();

const METHODS: Method[] = [
  {
    name: 'gateway.listChannels',
    api: 'gateway',
    call: (c) => c.gateway.listChannels(),
    check: (v) => {
      expect(Array.isArray(v)).toBe(true);
      for (const channel of v as unknown[]) expectChannel(channel);
    },
  },
  {
    name: 'gateway.getChannel',
    api: 'gateway',
    call: (c) => c.gateway.getChannel('fuzz'),
    check: expectChannel,
  },
  {
    name: 'gateway.createChannel',
    api: 'gateway',
    call: (c) => c.gateway.createChannel('fuzz'),
    check: (v) => {
      const r = v as { channel: unknown; qrRequired: unknown; message?: unknown };
      expectChannel(r.channel);
      expect(typeof r.qrRequired).toBe('boolean');
      expect(optional(r.message, 'string')).toBe(true);
    },
  },
  {
    name: 'gateway.getQr',
    api: 'gateway',
    call: (c) => c.gateway.getQr('fuzz'),
    check: (v) => {
      if (v !== null) expectQr(v);
    },
  },
  {
    name: 'gateway.inspectQr',
    api: 'gateway',
    call: (c) => c.gateway.inspectQr('fuzz'),
    check: (v) => {
      const a = v as { qr: unknown; status?: string; message?: unknown };
      if (a.qr !== null) expectQr(a.qr);
      if (a.status !== undefined) expect(a.status).toBe(a.status.toUpperCase());
      expect(optional(a.message, 'string')).toBe(true);
    },
  },
  {
    name: 'gateway.deleteChannel',
    api: 'gateway',
    call: (c) => c.gateway.deleteChannel('fuzz'),
    check: undefinedValue,
  },
  {
    name: 'gateway.startSession',
    api: 'gateway',
    call: (c) => c.gateway.startSession('fuzz'),
    check: (v) => {
      const s = v as { status?: unknown; message?: unknown };
      expect(optional(s.status, 'string') && optional(s.message, 'string')).toBe(true);
    },
  },
  {
    name: 'gateway.sendText',
    api: 'gateway',
    call: (c) => c.gateway.sendText('fuzz', '5511999990000', 'hi'),
    check: (v) => {
      const s = v as { messageId: unknown; correlationId: unknown; raw: unknown };
      expect(s.messageId === null || typeof s.messageId === 'string').toBe(true);
      expect(s.correlationId === null || typeof s.correlationId === 'string').toBe(true);
      expect(isObject(s.raw)).toBe(true);
    },
  },
  {
    name: 'gateway.setChannelWebhook',
    api: 'gateway',
    call: (c) => c.gateway.setChannelWebhook('fuzz', { url: 'https://hooks.fuzz/x' }),
    check: undefinedValue,
  },
  {
    name: 'gateway.setGlobalWebhook',
    api: 'gateway',
    call: (c) => c.gateway.setGlobalWebhook({ url: 'https://hooks.fuzz/x' }),
    check: undefinedValue,
  },
  {
    name: 'wppconnect.generateToken',
    api: 'wppconnect',
    call: (c) => c.wppconnect.generateToken('fuzz'),
    check: (v) => {
      expect(typeof v).toBe('string');
      expect(() => new Headers({ authorization: `Bearer ${v}` })).not.toThrow();
    },
  },
  {
    name: 'wppconnect.startSession',
    api: 'wppconnect',
    call: (c) => c.wppconnect.startSession('fuzz'),
    check: expectWppStatus,
  },
  {
    name: 'wppconnect.getStatus',
    api: 'wppconnect',
    call: (c) => c.wppconnect.getStatus('fuzz'),
    check: expectWppStatus,
  },
  {
    name: 'wppconnect.getQrCode',
    api: 'wppconnect',
    call: (c) => c.wppconnect.getQrCode('fuzz'),
    check: (v) => {
      const r = v as { qr: unknown; status: string; message?: unknown };
      expect(WPP_STATUSES).toContain(r.status);
      if (r.qr !== null) {
        expect(r.status).toBe('QRCODE');
        expectQr(r.qr);
      }
      expect(optional(r.message, 'string')).toBe(true);
    },
  },
  {
    name: 'wppconnect.checkConnection',
    api: 'wppconnect',
    call: (c) => c.wppconnect.checkConnection('fuzz'),
    check: expectBoolean,
  },
  {
    name: 'wppconnect.closeSession',
    api: 'wppconnect',
    call: (c) => c.wppconnect.closeSession('fuzz'),
    check: expectBoolean,
  },
  {
    name: 'wppconnect.logoutSession',
    api: 'wppconnect',
    call: (c) => c.wppconnect.logoutSession('fuzz'),
    check: expectBoolean,
  },
  {
    name: 'wppconnect.listSessionNames',
    api: 'wppconnect',
    call: (c) => c.wppconnect.listSessionNames(),
    check: (v) => {
      expect(Array.isArray(v)).toBe(true);
      for (const name of v as unknown[]) expect(typeof name).toBe('string');
    },
  },
  {
    name: 'wppconnect.getPhoneNumber',
    api: 'wppconnect',
    call: (c) => c.wppconnect.getPhoneNumber('fuzz'),
    check: (v) => expect(typeof v).toBe('string'),
  },
  {
    name: 'wppconnect.healthz',
    api: 'wppconnect',
    call: (c) => c.wppconnect.healthz(),
    check: (v) => {
      const h = v as Record<string, unknown>;
      expect(
        optional(h['uptime'], 'number') &&
          optional(h['message'], 'string') &&
          optional(h['timestamp'], 'number'),
      ).toBe(true);
    },
  },
];

/** Every failure of a call is typed, and says where it happened (design §3.5). */
function expectTypedFailure(error: unknown, api: 'gateway' | 'wppconnect') {
  if (!(error instanceof WhatsAppSdkError)) throw error;
  // The answers are generated; the network never fails here, so nothing else may come out.
  if (!(error instanceof ResponseValidationError || error instanceof ApiError)) throw error;
  expect({
    service: error.service,
    hasMethod: !!error.method,
    hasPath: !!error.path,
    status: typeof error.status,
  }).toEqual({
    service: api,
    hasMethod: true,
    hasPath: true,
    status: 'number',
  });
}

/** Clients whose every request is answered from `queue` (the last answer repeats). */
function clientsServing(queue: RawAnswer[], fetchVia: 'stub' | 'msw') {
  let next = 0;
  const stub: typeof globalThis.fetch = async () =>
    toResponse(queue[Math.min(next++, queue.length - 1)] as RawAnswer);
  const common = { retry: 0, sleep: async () => undefined, ...(fetchVia === 'stub' ? { fetch: stub } : {}) };
  const tokenStore = new MemoryTokenStore();
  tokenStore.set('fuzz', '$2b$10$fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfu');
  return {
    gateway: new WhatsAppGatewayClient({ baseUrl: 'http://gateway.fuzz', secret: 'fuzz-secret', ...common }),
    wppconnect: new WppConnectClient({
      baseUrl: 'http://wpp.fuzz',
      secretKey: 'fuzz-key',
      tokenStore,
      ...common,
    }),
    answer: () => toResponse(queue[Math.min(next++, queue.length - 1)] as RawAnswer),
  };
}

async function runMethod(method: Method, clients: ReturnType<typeof clientsServing>) {
  let value: unknown;
  try {
    value = await method.call(clients);
  } catch (error) {
    expectTypedFailure(error, method.api);
    return 'error';
  }
  method.check(value);
  return 'ok';
}

let clientRuns = 0;
let mswRuns = 0;

describe(`public methods: ${CLIENT_RUNS_PER_METHOD} raw answers each through an injected fetch`, () => {
  it('covers every public method of both clients', () => {
    expect(METHODS).toHaveLength(CLIENT_METHODS);
  });

  it.each(METHODS.map((m) => [m.name, m] as const))('%s', async (_name, method) => {
    const seen = { ok: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(rawAnswer(method.api), { minLength: 1, maxLength: 3 }), async (queue) => {
        clientRuns++;
        seen[await runMethod(method, clientsServing(queue, 'stub'))]++;
      }),
      { numRuns: CLIENT_RUNS_PER_METHOD },
    );
    expect(seen.error).toBeGreaterThan(0);
  });
});

describe(`public methods: ${MSW_RUNS_PER_METHOD} raw answers each through MSW`, () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it.each(METHODS.map((m) => [m.name, m] as const))('%s', async (_name, method) => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawAnswer(method.api), { minLength: 1, maxLength: 3 }), async (queue) => {
        mswRuns++;
        const clients = clientsServing(queue, 'msw');
        server.resetHandlers(http.all('*', () => clients.answer() as unknown as HttpResponse<never>));
        await runMethod(method, clients);
      }),
      { numRuns: MSW_RUNS_PER_METHOD },
    );
  });
});

/** Every status a redirect can have, with a `Location` of any kind (or none), served to a random method. */
const redirectAnswer = fc.record({
  method: fc.constantFrom(...METHODS),
  status: fc.constantFrom(300, 301, 302, 303, 305, 306, 307, 308),
  location: fc.option(
    fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.constantFrom(
        '/elsewhere',
        '../up',
        '//other.example/x',
        'https://user:pw@evil.example:81/p?q=1',
        '::::',
      ),
      fc.string({ maxLength: 40 }).filter((text) => !/[\r\n\0]/.test(text)),
    ),
    { nil: undefined },
  ),
});

let redirectRuns = 0;

describe(`redirects: ${REDIRECT_RUNS} random 3xx answers`, () => {
  it('are never followed: one request, a RedirectError naming at most an origin', async () => {
    await fc.assert(
      fc.asyncProperty(redirectAnswer, async ({ method, status, location }) => {
        redirectRuns++;
        const requested: string[] = [];
        const fetch: typeof globalThis.fetch = async (input, init) => {
          const request = input instanceof Request ? input : new Request(input, init);
          requested.push(new URL(request.url).origin);
          const headers = new Headers();
          try {
            if (location !== undefined) headers.set('location', location);
          } catch {
            // A Location a header cannot carry: answered without one.
          }
          return new Response(null, { status, headers });
        };
        const clients = {
          gateway: new WhatsAppGatewayClient({
            baseUrl: 'http://gateway.fuzz',
            secret: 'fuzz-secret',
            fetch,
            retry: 2,
          }),
          wppconnect: new WppConnectClient({
            baseUrl: 'http://wpp.fuzz',
            secretKey: 'fuzz-secret-key',
            fetch,
            retry: 2,
          }),
          answer: () => new Response(null),
        };
        let error: unknown;
        try {
          await method.call(clients as unknown as ReturnType<typeof clientsServing>);
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toBeInstanceOf(RedirectError);
        const redirect = error as RedirectError;
        expect(redirect.status).toBe(status);
        // Only the configured origins were ever asked, once each call (generate-token first for WPPConnect).
        expect(new Set(requested).size).toBe(1);
        expect(requested.length).toBeLessThanOrEqual(1);
        const origin = redirect.targetOrigin;
        if (origin?.includes('://')) expect(origin).toBe(new URL(origin).origin);
        expect(redirect.message).not.toContain('fuzz-secret');
      }),
      { numRuns: REDIRECT_RUNS },
    );
  });
});

/** The encoders a server or a proxy may apply to text it echoes. */
const ENCODERS: ReadonlyArray<[string, (text: string) => string]> = [
  ['encodeURIComponent', encodeURIComponent],
  ['lower-case %xx', (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
  ['encodeURI', encodeURI],
  ['form (+ for space)', (t) => new URLSearchParams({ s: t }).toString().slice(2)],
  ['JSON string', (t) => JSON.stringify(t).slice(1, -1)],
  ['PHP json_encode (\\/)', (t) => JSON.stringify(t).slice(1, -1).replace(/\//g, '\\/')],
  ['\\uXXXX', (t) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
  [
    'HTML entities (hex)',
    (t) => [...t].map((c) => (/[a-z0-9]/i.test(c) ? c : `&#x${c.charCodeAt(0).toString(16)};`)).join(''),
  ],
  [
    'HTML entities (decimal)',
    (t) => [...t].map((c) => (/[a-z0-9]/i.test(c) ? c : `&#${c.charCodeAt(0)};`)).join(''),
  ],
  ['HTML escape', (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')],
];

const encodedEcho = fc.record({
  core: fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: 10,
    maxLength: 20,
  }),
  tail: fc.string({
    unit: fc.constantFrom('/', '+', '=', ' ', '&', '%', '"', '\\', '?', '#', ':', 'é'),
    minLength: 1,
    maxLength: 4,
  }),
  // Base64 only first: text is decoded before it is searched, and base64 cannot be decoded blindly, so the
  // redactor searches the base64 of the secret itself (a Basic credential), then any encoding layered on it.
  base64: fc.boolean(),
  chain: fc.array(fc.constantFrom(...ENCODERS), { minLength: 1, maxLength: 3 }),
  status: fc.constantFrom(400, 401, 500, 200),
  shape: fc.constantFrom('json', 'html', 'text'),
});

let encodingRuns = 0;

describe(`secrets echoed in layered encodings: ${ENCODING_RUNS} random runs`, () => {
  it('never reach an error, whatever encodings a server stacked', async () => {
    await fc.assert(
      fc.asyncProperty(encodedEcho, async ({ core, tail, base64, chain, status, shape }) => {
        encodingRuns++;
        const key = `k${core}${tail}z`;
        const first = base64 ? Buffer.from(`user:${key}`).toString('base64') : key;
        const echoed = chain.reduce((text, [, encode]) => encode(text), first);
        const text = `rejected ${echoed} here`;
        const fetch: typeof globalThis.fetch = async () =>
          shape === 'json'
            ? Response.json({ success: false, error: text }, { status })
            : new Response(shape === 'html' ? `<html><title>${text}</title></html>` : text, {
                status,
                headers: { 'content-type': shape === 'html' ? 'text/html' : 'text/plain' },
              });
        const client = new WppConnectClient({ baseUrl: 'http://wpp.fuzz', secretKey: key, fetch, retry: 0 });
        let error: unknown;
        try {
          await client.generateToken('sales');
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toBeInstanceOf(WhatsAppSdkError);
        const e = error as WhatsAppSdkError;
        const rendered = [e.message, e.stack, e.bodyExcerpt, JSON.stringify(e)].join('\n');
        // The random core of the key is what must never show, in full or in its echoed form.
        expect(rendered).not.toContain(core);
        expect(rendered).not.toContain(echoed);
      }),
      { numRuns: ENCODING_RUNS },
    );
  });
});

describe('run counts', () => {
  it('match the figures printed in docs/reliability.md', () => {
    expect(redirectRuns).toBe(REDIRECT_RUNS);
    expect(encodingRuns).toBe(ENCODING_RUNS);
    expect(directRuns).toBe(DIRECT_PARSERS.length * DIRECT_RUNS_PER_PARSER);
    expect(clientRuns).toBe(CLIENT_METHODS * CLIENT_RUNS_PER_METHOD);
    expect(mswRuns).toBe(CLIENT_METHODS * MSW_RUNS_PER_METHOD);
  });
});
