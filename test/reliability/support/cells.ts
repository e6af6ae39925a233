/**
 * Runs one cell of the fault matrix: builds a world, puts the fault in front of the fakes (MSW handler, or an
 * injected `fetch` for DNS), calls the row's method with an `AbortSignal`, and returns what happened.
 * Assertions live in the tests; this module only runs and observes.
 */
import { delay, HttpResponse, http } from 'msw';
import type { setupServer } from 'msw/node';
import { expect } from 'vitest';
import {
  type HealthReport,
  type QrCode,
  type SessionInfo,
  type SessionReport,
  WhatsAppSdkError,
} from '../../../src/index.js';
import { pngFor } from '../../../src/testing/index.js';
import { nginxBasicAuth, nginxError } from '../../../src/testing/nginx.js';
import {
  type Cell,
  type Expectation,
  HUGE_BODY_BYTES,
  RETRY_AFTER_DATE_AHEAD_MS,
  RETRY_AFTER_SECONDS,
  type Row,
  TIMEOUT_MS,
  TRANSIENT_TIMES,
} from '../matrix.js';
import { createWorld, type Host, hostOf, pathOf, type Secrets, type World, withEcho } from './world.js';

export const WEBHOOK = 'https://app.reliability.test/hooks/alpha';

/** Calls the row's method in `world`. */
export function callRow(row: Row, w: World, signal: AbortSignal): Promise<unknown> {
  const o = { signal };
  switch (row.name) {
    case 'gateway.listChannels':
      return w.gateway.listChannels(o);
    case 'gateway.getChannel':
      return w.gateway.getChannel('alpha', o);
    case 'gateway.createChannel':
      return w.gateway.createChannel('beta', o);
    case 'gateway.getQr':
      return w.gateway.getQr('alpha', o);
    case 'gateway.inspectQr':
      return w.gateway.inspectQr('alpha', o);
    case 'gateway.deleteChannel':
      return w.gateway.deleteChannel('alpha', o);
    case 'gateway.startSession':
      return w.gateway.startSession('alpha', o);
    case 'gateway.sendText':
      return w.gateway.sendText('gamma', '5511988887777', 'hello', o);
    case 'gateway.setChannelWebhook':
      return w.gateway.setChannelWebhook('alpha', { url: WEBHOOK }, o);
    case 'gateway.setGlobalWebhook':
      return w.gateway.setGlobalWebhook({ url: WEBHOOK }, o);
    case 'wppconnect.generateToken':
      return w.wppconnect.generateToken('alpha', o);
    case 'wppconnect.startSession':
      return w.wppconnect.startSession('alpha', { webhook: WEBHOOK, signal });
    case 'wppconnect.getStatus':
      return w.wppconnect.getStatus('alpha', o);
    case 'wppconnect.getQrCode':
      return w.wppconnect.getQrCode('alpha', o);
    case 'wppconnect.checkConnection':
      return w.wppconnect.checkConnection('gamma', o);
    case 'wppconnect.closeSession':
      return w.wppconnect.closeSession('gamma', o);
    case 'wppconnect.logoutSession':
      return w.wppconnect.logoutSession('gamma', o);
    case 'wppconnect.listSessionNames':
      return w.wppconnect.listSessionNames(o);
    case 'wppconnect.getPhoneNumber':
      return w.wppconnect.getPhoneNumber('gamma', o);
    case 'wppconnect.healthz':
      return w.wppconnect.healthz(o);
  }
  if (row.name.startsWith('manager.createSession')) return w.manager.createSession('beta', o);
  if (row.name.startsWith('manager.reconnect')) return w.manager.reconnect('alpha', o);
  if (row.name.startsWith('manager.listSessions')) return w.manager.listSessions(o);
  if (row.name.startsWith('manager.healthcheck')) return w.manager.healthcheck(o);
  throw new Error(`no call for row ${row.name}`);
}

/** Whether a request is one the cell faults. */
export function faulted(row: Row, host: Host | undefined, method: string, path: string): boolean {
  if (host !== row.host) return false;
  if (!row.route) return true;
  return method === row.route.method && row.route.path.test(path);
}

/** undici's error for an unresolvable host, with the URL in its cause (a stronger test of redaction). */
export function dnsFailure(url: string): TypeError {
  const { hostname } = new URL(url);
  const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (fetching ${url})`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
  return new TypeError('fetch failed', { cause });
}

function urlAndMethod(input: RequestInfo | URL, init?: RequestInit): { url: string; method: string } {
  if (input instanceof Request)
    return { url: input.url, method: (init?.method ?? input.method).toUpperCase() };
  return { url: String(input), method: (init?.method ?? 'GET').toUpperCase() };
}

export interface CellOutcome {
  world: World;
  value?: unknown;
  error?: unknown;
  /** Requests to the faulted route (client rows) or host (manager rows), through MSW or the DNS stub. */
  attempts: number;
  /** Bytes the server streamed for each oversized body it served. */
  pulled: number[];
}

export interface RunOptions {
  secrets?: Secrets;
  /** Make the fakes and the fault bodies echo the request's credentials and URL into their messages. */
  echo?: boolean;
}

/** What an echoing server would write back: the credentials it received and the URL (secret key included). */
export function echoOf(request: Request, secrets: Secrets): string {
  const h = request.headers;
  return [
    `secret=${h.get('x-gateway-secret') ?? ''}`,
    `auth=${h.get('authorization') ?? ''}`,
    `url=${request.url}`,
    `path=${decodeURIComponent(new URL(request.url).pathname)}`,
    // A server that knows the key (WPPConnect does) may print it decoded.
    request.url.includes(encodeURIComponent(secrets.wppSecretKey)) ? `key=${secrets.wppSecretKey}` : '',
  ].join(' ');
}

/** Runs one cell and returns its outcome. */
export async function runCell(
  server: ReturnType<typeof setupServer>,
  cell: Cell,
  options: RunOptions = {},
): Promise<CellOutcome> {
  const { row, fault } = cell;
  const controller = new AbortController();
  const pulled: number[] = [];
  let attempts = 0;
  let served = 0;
  let secrets: Secrets | undefined = options.secrets;

  const dnsFetch: typeof globalThis.fetch = async (input, init) => {
    const { url, method } = urlAndMethod(input, init);
    if (faulted(row, hostOf(url), method, pathOf(url))) {
      attempts++;
      throw dnsFailure(url);
    }
    return globalThis.fetch(input, init);
  };

  const echo = options.echo ? (request: Request) => echoOf(request, world.secrets) : undefined;
  const world: World = createWorld(server, {
    ...(secrets ? { secrets } : {}),
    preloadTokens: row.kind === 'client',
    ...(fault.id === 'timeout' ? { timeoutMs: { [row.host]: TIMEOUT_MS } } : {}),
    ...(fault.id === 'dns' ? { fetch: { [row.host]: dnsFetch } } : {}),
    ...(fault.id === 'abort-mid-retry' ? { onSleep: () => controller.abort() } : {}),
    ...(echo ? { echo } : {}),
  });
  secrets = world.secrets;

  const onStart = ({ request }: { request: Request }) => {
    const host = hostOf(request.url);
    if (host) world.requests.push({ host, method: request.method, path: pathOf(request.url) });
    if (faulted(row, host, request.method, pathOf(request.url))) attempts++;
  };
  server.events.on('request:start', onStart);

  const json = async (
    status: number,
    body: unknown,
    request: Request,
    headers: Record<string, string> = {},
  ) => {
    const response = HttpResponse.json(body as Record<string, unknown>, { status, headers });
    return echo ? withEcho(response, echo(request)) : response;
  };

  server.use(
    http.all('*', async ({ request }) => {
      if (!faulted(row, hostOf(request.url), request.method, pathOf(request.url))) return undefined;
      served++;
      switch (fault.id) {
        case 'none':
        case 'dns':
          return undefined;
        case 'reset':
          return HttpResponse.error();
        case 'timeout':
          await delay('infinite');
          return undefined;
        case 'abort-in-flight':
          controller.abort();
          await delay('infinite');
          return undefined;
        case 'abort-mid-retry':
          return json(503, { success: false, error: 'Service Unavailable' }, request);
        case '408':
          if (served > TRANSIENT_TIMES) return undefined;
          return json(408, { success: false, error: 'Request Timeout' }, request);
        case '429-seconds':
          if (served > TRANSIENT_TIMES) return undefined;
          return json(429, { success: false, error: 'Too Many Requests' }, request, {
            'Retry-After': String(RETRY_AFTER_SECONDS),
          });
        case '429-date':
          if (served > TRANSIENT_TIMES) return undefined;
          return json(429, { success: false, error: 'Too Many Requests' }, request, {
            'Retry-After': new Date(Date.now() + RETRY_AFTER_DATE_AHEAD_MS).toUTCString(),
          });
        case '500':
          return json(500, { success: false, error: 'Internal failure' }, request);
        case '502-html':
          return nginxError(502);
        case '503':
          if (served > TRANSIENT_TIMES) return undefined;
          return json(503, { success: false, error: 'Service Unavailable' }, request);
        case '504-html':
          return nginxError(504);
        case '401-nginx':
          return nginxBasicAuth();
        case '401-gateway-json':
          return json(401, { success: false, error: 'Unauthorized' }, request);
        case '401-wpp-no-token':
          return json(401, { message: 'Token is not present. Check your header and try again' }, request);
        case '401-wpp-bad-token':
          return json(401, { error: 'Check that the Session and Token are correct' }, request);
        case '400-secret-key':
          return json(400, { response: false, message: 'The SECRET_KEY is incorrect' }, request);
        case '404-canal':
          return json(404, { success: false, error: 'Canal não encontrado' }, request);
        case '200-success-false':
          return json(200, { success: false, error: 'Internal failure' }, request);
        case 'truncated-json':
          return new HttpResponse('{"success":true,"chan', {
            headers: { 'Content-Type': 'application/json' },
          });
        case 'empty-body':
          return new HttpResponse(null, { status: 200, headers: { 'Content-Type': 'application/json' } });
        case 'png-for-json':
          return HttpResponse.arrayBuffer(pngFor('2@fault-0').slice().buffer as ArrayBuffer, {
            headers: { 'Content-Type': 'image/png' },
          });
        case 'json-for-png':
          return json(200, { status: 'INITIALIZING', message: 'QRCode is not available...' }, request);
        case '50mb-body':
          return hugeBody(pulled);
        case '302-cross-origin': {
          const url = new URL(request.url);
          const key = world.secrets.wppSecretKey;
          return new HttpResponse(null, {
            status: 302,
            headers: {
              Location: `https://elsewhere.invalid:8443${url.pathname}?key=${encodeURIComponent(key)}`,
            },
          });
        }
        case '307-same-origin': {
          const url = new URL(request.url);
          return new HttpResponse(null, { status: 307, headers: { Location: `${url.pathname}/` } });
        }
      }
    }),
  );

  const outcome: CellOutcome = { world, attempts: 0, pulled };
  try {
    outcome.value = await callRow(row, world, controller.signal);
  } catch (error) {
    outcome.error = error;
  } finally {
    server.events.removeListener('request:start', onStart);
  }
  outcome.attempts = attempts;
  return outcome;
}

/** A 50 MB JSON body produced chunk by chunk on demand; `pulled` records how much was really produced. */
export function hugeBody(pulled: number[]): Response {
  const index = pulled.push(0) - 1;
  const CHUNK = 64 * 1024;
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= HUGE_BODY_BYTES) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(CHUNK).fill(0x20); // whitespace: valid JSON padding if it were all read
      if (sent === 0) chunk.set(new TextEncoder().encode('{"success":true,"pad":"'));
      sent += CHUNK;
      pulled[index] = sent;
      controller.enqueue(chunk);
    },
  });
  return new HttpResponse(stream, { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function isQr(value: unknown): value is QrCode {
  const qr = value as QrCode;
  return (
    typeof qr?.base64 === 'string' &&
    qr.base64.length > 0 &&
    qr.dataUrl === `data:image/png;base64,${qr.base64}` &&
    qr.mimeType === 'image/png'
  );
}

/** Checks the value of a cell that resolved. */
export function checkValue(cell: Cell, value: unknown): void {
  const { row, fault, expectation } = cell;
  const jsonForPng = fault.id === 'json-for-png';
  if (expectation.kind === 'tolerated') {
    checkTolerated(row, value);
    return;
  }
  switch (row.name) {
    case 'gateway.listChannels': {
      const ids = (value as Array<{ id: string; status: string }>).map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining(['alpha', 'gamma']));
      return;
    }
    case 'gateway.getChannel':
      expect(value).toMatchObject({ id: 'alpha', status: expect.any(String) });
      return;
    case 'gateway.createChannel':
      expect(value).toMatchObject({ channel: { id: 'beta' }, qrRequired: true });
      return;
    case 'gateway.getQr':
      if (jsonForPng) expect(value).toBeNull();
      else expect(isQr(value)).toBe(true);
      return;
    case 'gateway.inspectQr':
      if (jsonForPng)
        expect(value).toEqual({ qr: null, status: 'INITIALIZING', message: expect.any(String) });
      else expect(isQr((value as { qr: unknown }).qr)).toBe(true);
      return;
    case 'gateway.deleteChannel':
    case 'gateway.setChannelWebhook':
    case 'gateway.setGlobalWebhook':
      expect(value).toBeUndefined();
      return;
    case 'gateway.startSession':
      expect(value).toMatchObject({ status: 'QRCODE' });
      return;
    case 'gateway.sendText':
      expect(value).toMatchObject({ messageId: expect.any(String), correlationId: expect.any(String) });
      return;
    case 'wppconnect.generateToken':
      expect(value).toMatch(/^\$2b\$10\$/);
      return;
    case 'wppconnect.startSession':
    case 'wppconnect.getStatus':
      expect(value).toMatchObject({ status: 'QRCODE', staleQr: false });
      expect(isQr((value as { qr: unknown }).qr)).toBe(true);
      return;
    case 'wppconnect.getQrCode':
      if (jsonForPng)
        expect(value).toEqual({ qr: null, status: 'INITIALIZING', message: expect.any(String) });
      else {
        expect(value).toMatchObject({ status: 'QRCODE' });
        expect(isQr((value as { qr: unknown }).qr)).toBe(true);
      }
      return;
    case 'wppconnect.checkConnection':
    case 'wppconnect.closeSession':
    case 'wppconnect.logoutSession':
      expect(value).toMatchObject({ ok: true });
      return;
    case 'wppconnect.listSessionNames':
      expect(value).toEqual(expect.arrayContaining(['alpha', 'gamma']));
      return;
    case 'wppconnect.getPhoneNumber':
      expect(value).toMatch(/@c\.us$/);
      return;
    case 'wppconnect.healthz':
      expect(typeof value).toBe('object');
      return;
  }
  if (row.name.startsWith('manager.createSession') || row.name.startsWith('manager.reconnect')) {
    const report = value as SessionReport;
    expect(report.status).toBe('qr_required');
    expect(isQr(report.qr)).toBe(true);
    expect(report.verifiedOnWppconnect).toBe(true);
    return;
  }
  if (row.name.startsWith('manager.listSessions')) {
    const infos = value as SessionInfo[];
    expect(infos.map((i) => i.id)).toEqual(expect.arrayContaining(['alpha', 'gamma']));
    expect(infos.find((i) => i.id === 'gamma')?.status).toBe('connected');
    return;
  }
  if (row.name.startsWith('manager.healthcheck')) {
    const report = value as HealthReport;
    expect(report.counts.total).toBeGreaterThanOrEqual(2);
    expect(report.counts.healthy).toBeGreaterThanOrEqual(1);
    return;
  }
  throw new Error(`no value check for ${row.name}`);
}

/** A manager flow that lost one host must say so in what it returns. */
function checkTolerated(row: Row, value: unknown): void {
  if (row.name === 'manager.reconnect [gateway]') {
    const report = value as SessionReport;
    // WPPConnect's evidence still stands; the gateway's claim is missing and the trail says why.
    expect(report.status).toBe('qr_required');
    expect(report.gatewayStatus).toBeNull();
    expect(
      report.actions.some((a) => a.step === 'gateway.getChannel' && a.outcome.startsWith('failed')),
    ).toBe(true);
    return;
  }
  if (row.name === 'manager.listSessions [wppconnect]') {
    const infos = value as SessionInfo[];
    expect(infos.length).toBeGreaterThanOrEqual(2);
    for (const info of infos) {
      expect(info.status).toBe('unknown');
      expect(info.notes.join(' ')).toMatch(/WPPConnect lookup failed/);
    }
    return;
  }
  if (row.name === 'manager.healthcheck [wppconnect]') {
    const report = value as HealthReport;
    expect(report.counts.total).toBeGreaterThanOrEqual(2);
    expect(report.counts.unknown).toBe(report.counts.total);
    expect(report.ok).toBe(false);
    return;
  }
  throw new Error(`no tolerated check for ${row.name}`);
}

/** Checks the error of a cell that rejected. */
export function checkError(cell: Cell, error: unknown, attempts: number): void {
  const e = cell.expectation as Extract<Expectation, { kind: 'error' }>;
  expect(error).toBeInstanceOf(WhatsAppSdkError);
  const sdk = error as WhatsAppSdkError & { fromProxy?: boolean; source?: string; retryAfterMs?: number };
  expect({ name: sdk.name, code: sdk.code }).toEqual({ name: e.error, code: e.code });
  if (e.attempts !== undefined) expect(attempts, 'requests that reached the faulted route').toBe(e.attempts);
  if (e.fromProxy !== undefined) expect(sdk.fromProxy).toBe(e.fromProxy);
  if (e.source !== undefined) expect(sdk.source).toBe(e.source);
  if (e.retryAfter === 'seconds') expect(sdk.retryAfterMs).toBe(RETRY_AFTER_SECONDS * 1000);
  if (e.retryAfter === 'date') {
    expect(sdk.retryAfterMs).toBeGreaterThan(RETRY_AFTER_DATE_AHEAD_MS - 2_000);
    expect(sdk.retryAfterMs).toBeLessThanOrEqual(RETRY_AFTER_DATE_AHEAD_MS);
  }
  if (cell.row.kind === 'client') {
    // Every failure says where it happened, by route template only.
    expect(sdk.service).toBe(cell.row.host);
    expect(sdk.method).toBe(cell.row.route?.method);
    expect(sdk.path).toMatch(/^\/(api|healthz)/);
    expect(sdk.path).not.toMatch(/alpha|beta|gamma/);
  }
}

/** Checks the retries of a cell that resolved (the waits the transports asked for). */
export function checkRetries(cell: Cell, sleeps: readonly number[]): void {
  const e = cell.expectation;
  if (e.kind !== 'ok') return;
  expect(sleeps, 'transport retries').toHaveLength(e.retries);
  sleeps.forEach((ms, i) => {
    if (e.waits === 'retry-after-seconds') expect(ms).toBe(RETRY_AFTER_SECONDS * 1000);
    else if (e.waits === 'retry-after-date') {
      expect(ms).toBeGreaterThan(RETRY_AFTER_DATE_AHEAD_MS - 2_000);
      expect(ms).toBeLessThanOrEqual(RETRY_AFTER_DATE_AHEAD_MS);
    } else {
      // Default policy: 300 ms doubled per retry, jittered into [50 %, 100 %].
      const full = 300 * 2 ** i;
      expect(ms).toBeGreaterThanOrEqual(full / 2);
      expect(ms).toBeLessThanOrEqual(full);
    }
  });
}
