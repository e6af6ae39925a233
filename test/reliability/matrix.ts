/**
 * The fault matrix of issue #5, as ONE table in code: every public method of both clients and the manager's
 * main flows (rows) × every fault (columns) → the expected outcome. `fault-matrix.test.ts` runs every cell,
 * `secrets.test.ts` runs them again with random secrets and an echoing server, and `doc.test.ts` renders
 * the same table into `docs/reliability.md`. Nothing here runs a request: it is data and rules.
 *
 * How a fault is applied: for a client method, only the method's own route is faulted (every other request,
 * e.g. a token refresh, reaches the fakes); for a manager flow, every request to one host is faulted (the
 * row says which host), while the other host stays healthy.
 */
import type { ErrorCode } from '../../src/index.js';
import type { Host } from './support/world.js';

/** The SDK error classes a cell can expect. */
export type ErrorName =
  | 'ConnectionError'
  | 'TimeoutError'
  | 'AbortError'
  | 'ApiError'
  | 'AuthenticationError'
  | 'NotFoundError'
  | 'RateLimitError'
  | 'ServerError'
  | 'ResponseValidationError'
  | 'RedirectError';

export type Expectation =
  /** The call rejects with exactly this class and code, after `attempts` requests to the faulted route. */
  | {
      kind: 'error';
      error: ErrorName;
      code: ErrorCode;
      attempts?: number;
      fromProxy?: boolean;
      source?: 'proxy' | 'application';
      /** `retryAfterMs` the RateLimitError carries (429 on a call that is not retried). */
      retryAfter?: 'seconds' | 'date';
    }
  /** The call resolves with a valid value after exactly `retries` transport retries (waits recorded). */
  | { kind: 'ok'; retries: number; waits?: 'backoff' | 'retry-after-seconds' | 'retry-after-date' }
  /** A manager flow that carries on without the faulted host, saying so in the result. */
  | { kind: 'tolerated' }
  /** The fault does not apply to this method. */
  | { kind: 'n/a' };

/** What a row's behaviour depends on. */
export interface Row {
  /** `gateway.getQr`, `manager.listSessions [wppconnect]`… */
  name: string;
  kind: 'client' | 'manager';
  /** The host whose requests are faulted. */
  host: Host;
  /**
   * Client rows: the faulted route (method + path regex relative to the host). Manager rows: none (every
   * request to `host` is faulted).
   */
  route?: { method: string; path: RegExp };
  /** Whether the transport retries the (first) faulted request: GET, DELETE, generate-token, webhook settings. */
  idempotent: boolean;
  /** A WPPConnect bearer route: an application 401 makes the client issue a new token and try once more. */
  bearer?: boolean;
  /** A WPPConnect secret-key route: its 400 "SECRET_KEY/token is incorrect" is an AuthenticationError. */
  secretKeyRoute?: boolean;
  /** A QR method: answers JSON where a PNG could come (qrcode-session) or carries its QR inside JSON. */
  qr?: boolean;
  /** qrcode-session: a PNG is a valid answer, confirmed with status-session. */
  acceptsPng?: boolean;
  /** healthz: any 200 is a live server, whatever the JSON says. */
  anyJson200?: boolean;
  /** A manager flow that survives the failure of `host` (it reports instead of throwing). */
  tolerates?: boolean;
}

const R = (method: string, path: string) => ({ method, path: new RegExp(`^${path}$`) });
const SEG = '[^/]+';

/** The rows: 10 gateway methods, 10 WPPConnect methods, 4 manager flows × the host they lose. */
export const ROWS: readonly Row[] = [
  {
    name: 'gateway.listChannels',
    kind: 'client',
    host: 'gateway',
    route: R('GET', '/api/channels'),
    idempotent: true,
  },
  {
    name: 'gateway.getChannel',
    kind: 'client',
    host: 'gateway',
    route: R('GET', `/api/channels/${SEG}`),
    idempotent: true,
  },
  {
    name: 'gateway.createChannel',
    kind: 'client',
    host: 'gateway',
    route: R('POST', '/api/channels'),
    idempotent: false,
  },
  {
    name: 'gateway.getQr',
    kind: 'client',
    host: 'gateway',
    route: R('GET', `/api/channels/${SEG}/qr`),
    idempotent: true,
    qr: true,
  },
  {
    name: 'gateway.inspectQr',
    kind: 'client',
    host: 'gateway',
    route: R('GET', `/api/channels/${SEG}/qr`),
    idempotent: true,
    qr: true,
  },
  {
    name: 'gateway.deleteChannel',
    kind: 'client',
    host: 'gateway',
    route: R('DELETE', `/api/channels/${SEG}`),
    idempotent: true,
  },
  {
    name: 'gateway.startSession',
    kind: 'client',
    host: 'gateway',
    route: R('POST', `/api/channels/${SEG}/start-session`),
    idempotent: false,
  },
  {
    name: 'gateway.sendText',
    kind: 'client',
    host: 'gateway',
    route: R('POST', '/api/messages'),
    idempotent: false,
  },
  {
    name: 'gateway.setChannelWebhook',
    kind: 'client',
    host: 'gateway',
    route: R('POST', `/api/channels/${SEG}/webhook`),
    idempotent: true,
  },
  {
    name: 'gateway.setGlobalWebhook',
    kind: 'client',
    host: 'gateway',
    route: R('POST', '/api/webhooks'),
    idempotent: true,
  },
  {
    name: 'wppconnect.generateToken',
    kind: 'client',
    host: 'wppconnect',
    route: R('POST', `/api/${SEG}/${SEG}/generate-token`),
    idempotent: true,
    secretKeyRoute: true,
  },
  {
    name: 'wppconnect.startSession',
    kind: 'client',
    host: 'wppconnect',
    route: R('POST', `/api/${SEG}/start-session`),
    idempotent: false,
    bearer: true,
  },
  {
    name: 'wppconnect.getStatus',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', `/api/${SEG}/status-session`),
    idempotent: true,
    bearer: true,
  },
  {
    name: 'wppconnect.getQrCode',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', `/api/${SEG}/qrcode-session`),
    idempotent: true,
    bearer: true,
    qr: true,
    acceptsPng: true,
  },
  {
    name: 'wppconnect.checkConnection',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', `/api/${SEG}/check-connection-session`),
    idempotent: true,
    bearer: true,
  },
  {
    name: 'wppconnect.closeSession',
    kind: 'client',
    host: 'wppconnect',
    route: R('POST', `/api/${SEG}/close-session`),
    idempotent: false,
    bearer: true,
  },
  {
    name: 'wppconnect.logoutSession',
    kind: 'client',
    host: 'wppconnect',
    route: R('POST', `/api/${SEG}/logout-session`),
    idempotent: false,
    bearer: true,
  },
  {
    name: 'wppconnect.listSessionNames',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', `/api/${SEG}/show-all-sessions`),
    idempotent: true,
    secretKeyRoute: true,
  },
  {
    name: 'wppconnect.getPhoneNumber',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', `/api/${SEG}/get-phone-number`),
    idempotent: true,
    bearer: true,
  },
  {
    name: 'wppconnect.healthz',
    kind: 'client',
    host: 'wppconnect',
    route: R('GET', '/healthz'),
    idempotent: true,
    anyJson200: true,
  },
  // Manager flows. Their first request to either host is idempotent (a GET or generate-token), so they are
  // retried like GETs. `tolerates`: the flow reports instead of failing when that host is down.
  { name: 'manager.createSession [gateway]', kind: 'manager', host: 'gateway', idempotent: true },
  { name: 'manager.createSession [wppconnect]', kind: 'manager', host: 'wppconnect', idempotent: true },
  {
    name: 'manager.reconnect [gateway]',
    kind: 'manager',
    host: 'gateway',
    idempotent: true,
    tolerates: true,
  },
  { name: 'manager.reconnect [wppconnect]', kind: 'manager', host: 'wppconnect', idempotent: true },
  { name: 'manager.listSessions [gateway]', kind: 'manager', host: 'gateway', idempotent: true },
  {
    name: 'manager.listSessions [wppconnect]',
    kind: 'manager',
    host: 'wppconnect',
    idempotent: true,
    tolerates: true,
  },
  { name: 'manager.healthcheck [gateway]', kind: 'manager', host: 'gateway', idempotent: true },
  {
    name: 'manager.healthcheck [wppconnect]',
    kind: 'manager',
    host: 'wppconnect',
    idempotent: true,
    tolerates: true,
  },
];

/** Retries the clients are configured with in every cell (three attempts in all). */
export const RETRY_LIMIT = 2;
/** Transient faults answer this many requests, then let the fakes answer. */
export const TRANSIENT_TIMES = 2;
/** `Retry-After` in seconds used by the 429 column. */
export const RETRY_AFTER_SECONDS = 2;
/** `Retry-After` as an HTTP date this far ahead (second precision: the wait is in (ahead − 1 s, ahead]). */
export const RETRY_AFTER_DATE_AHEAD_MS = 5_000;
/** Per-attempt timeout of the faulted client in the timeout column. */
export const TIMEOUT_MS = 10;
/** Size of the oversized body: streamed lazily, never built in memory. */
export const HUGE_BODY_BYTES = 50 * 1024 * 1024;

export type FaultId =
  | 'none'
  | 'reset'
  | 'dns'
  | 'timeout'
  | 'abort-in-flight'
  | 'abort-mid-retry'
  | '408'
  | '429-seconds'
  | '429-date'
  | '500'
  | '502-html'
  | '503'
  | '504-html'
  | '401-nginx'
  | '401-gateway-json'
  | '401-wpp-no-token'
  | '401-wpp-bad-token'
  | '400-secret-key'
  | '404-canal'
  | '200-success-false'
  | 'truncated-json'
  | 'empty-body'
  | 'png-for-json'
  | 'json-for-png'
  | '50mb-body'
  | '302-cross-origin'
  | '307-same-origin';

export interface Fault {
  id: FaultId;
  /** What the server (or the network) does, for the doc. */
  description: string;
  expect(row: Row): Expectation;
}

const tries = (row: Row) => (row.kind === 'client' ? (row.idempotent ? RETRY_LIMIT + 1 : 1) : undefined);
const once = (row: Row) => (row.kind === 'client' ? 1 : undefined);
const attempts = (n: number | undefined) => (n === undefined ? {} : { attempts: n });

/** A failure that manager flows tolerating `host` survive; everything else gets `otherwise`. */
function failure(row: Row, otherwise: Expectation): Expectation {
  return row.tolerates ? { kind: 'tolerated' } : otherwise;
}

/** A fault that answers the first {@link TRANSIENT_TIMES} requests, then lets the fakes answer. */
function transient(
  row: Row,
  waits: NonNullable<Extract<Expectation, { kind: 'ok' }>['waits']>,
  whenNotRetried: Expectation,
) {
  return row.idempotent ? ({ kind: 'ok', retries: TRANSIENT_TIMES, waits } as const) : whenNotRetried;
}

function invalid(row: Row): Expectation {
  return failure(row, {
    kind: 'error',
    error: 'ResponseValidationError',
    code: 'invalid_response',
    ...attempts(once(row)),
  });
}

export const FAULTS: readonly Fault[] = [
  {
    id: 'none',
    description: 'Control: the fakes answer normally.',
    expect: () => ({ kind: 'ok', retries: 0 }),
  },
  {
    id: 'reset',
    description: 'Connection reset: `HttpResponse.error()` on every attempt.',
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'ConnectionError',
        code: 'connection_failed',
        ...attempts(tries(row)),
      }),
  },
  {
    id: 'dns',
    description:
      "DNS failure: the client's injected `fetch` throws undici's `TypeError('fetch failed')` with an `ENOTFOUND` cause (a real `.invalid` host is tried separately).",
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'ConnectionError',
        code: 'connection_failed',
        ...attempts(tries(row)),
      }),
  },
  {
    id: 'timeout',
    description: `No answer (\`await delay('infinite')\`) with \`timeoutMs: ${TIMEOUT_MS}\`.`,
    expect: (row) =>
      failure(row, { kind: 'error', error: 'TimeoutError', code: 'timeout', ...attempts(tries(row)) }),
  },
  {
    id: 'abort-in-flight',
    description: "The caller's `AbortSignal` fires while the request hangs.",
    expect: (row) => ({ kind: 'error', error: 'AbortError', code: 'aborted', ...attempts(once(row)) }),
  },
  {
    id: 'abort-mid-retry',
    description: "A 503, then the caller's signal fires during the wait before the retry.",
    expect: (row) =>
      row.idempotent
        ? { kind: 'error', error: 'AbortError', code: 'aborted', ...attempts(once(row)) }
        : { kind: 'error', error: 'ServerError', code: 'server_error', ...attempts(once(row)) },
  },
  {
    id: '408',
    description: `408 Request Timeout ${TRANSIENT_TIMES}×, then a normal answer.`,
    expect: (row) =>
      transient(row, 'backoff', { kind: 'error', error: 'ApiError', code: 'api_error', attempts: 1 }),
  },
  {
    id: '429-seconds',
    description: `429 with \`Retry-After: ${RETRY_AFTER_SECONDS}\` ${TRANSIENT_TIMES}×, then a normal answer.`,
    expect: (row) =>
      transient(row, 'retry-after-seconds', {
        kind: 'error',
        error: 'RateLimitError',
        code: 'rate_limited',
        attempts: 1,
        retryAfter: 'seconds',
      }),
  },
  {
    id: '429-date',
    description: `429 with \`Retry-After: <HTTP date ${RETRY_AFTER_DATE_AHEAD_MS / 1000} s ahead>\` ${TRANSIENT_TIMES}×, then a normal answer.`,
    expect: (row) =>
      transient(row, 'retry-after-date', {
        kind: 'error',
        error: 'RateLimitError',
        code: 'rate_limited',
        attempts: 1,
        retryAfter: 'date',
      }),
  },
  {
    id: '500',
    description: '500 with a JSON body `{"success":false,"error":"Internal failure"}` on every attempt.',
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'ServerError',
        code: 'server_error',
        fromProxy: false,
        ...attempts(tries(row)),
      }),
  },
  {
    id: '502-html',
    description: "502 with nginx's HTML page on every attempt.",
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'ServerError',
        code: 'server_error',
        fromProxy: true,
        ...attempts(tries(row)),
      }),
  },
  {
    id: '503',
    description: `503 ${TRANSIENT_TIMES}×, then a normal answer.`,
    expect: (row) =>
      transient(row, 'backoff', { kind: 'error', error: 'ServerError', code: 'server_error', attempts: 1 }),
  },
  {
    id: '504-html',
    description: "504 with nginx's HTML page on every attempt.",
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'ServerError',
        code: 'server_error',
        fromProxy: true,
        ...attempts(tries(row)),
      }),
  },
  {
    id: '401-nginx',
    description: "401 from nginx Basic auth: `WWW-Authenticate: Basic realm=…` and nginx's HTML page.",
    expect: (row) =>
      failure(row, {
        kind: 'error',
        error: 'AuthenticationError',
        code: 'proxy_auth',
        source: 'proxy',
        ...attempts(once(row)),
      }),
  },
  {
    id: '401-gateway-json',
    description:
      'JSON 401 from the gateway itself: `{"success":false,"error":"Unauthorized"}`, no challenge.',
    expect: (row) => appAuth(row),
  },
  {
    id: '401-wpp-no-token',
    description: 'WPPConnect 401 `{"message":"Token is not present. Check your header and try again"}`.',
    expect: (row) => appAuth(row),
  },
  {
    id: '401-wpp-bad-token',
    description: 'WPPConnect 401 `{"error":"Check that the Session and Token are correct"}`.',
    expect: (row) => appAuth(row),
  },
  {
    id: '400-secret-key',
    description:
      'WPPConnect 400 `{"response":false,"message":"The SECRET_KEY is incorrect"}` (its wrong-key answer is not a 401).',
    expect: (row) =>
      failure(
        row,
        row.secretKeyRoute || (row.kind === 'manager' && row.host === 'wppconnect')
          ? {
              kind: 'error',
              error: 'AuthenticationError',
              code: 'bad_secret',
              source: 'application',
              ...attempts(once(row)),
            }
          : { kind: 'error', error: 'ApiError', code: 'api_error', ...attempts(once(row)) },
      ),
  },
  {
    id: '404-canal',
    description: '404 `{"success":false,"error":"Canal não encontrado"}`.',
    expect: (row) =>
      failure(row, { kind: 'error', error: 'NotFoundError', code: 'not_found', ...attempts(once(row)) }),
  },
  {
    id: '200-success-false',
    description: 'HTTP 200 with `{"success":false,"error":"Internal failure"}`.',
    expect: (row) => {
      if (row.anyJson200) return { kind: 'ok', retries: 0 };
      // The gateway's failure envelope; WPPConnect never uses it, so there it is an unknown shape.
      const gatewaySide = row.host === 'gateway';
      return failure(
        row,
        gatewaySide
          ? { kind: 'error', error: 'ApiError', code: 'api_error', ...attempts(once(row)) }
          : {
              kind: 'error',
              error: 'ResponseValidationError',
              code: 'invalid_response',
              ...attempts(once(row)),
            },
      );
    },
  },
  {
    id: 'truncated-json',
    description:
      'HTTP 200, `Content-Type: application/json`, body cut in the middle: `{"success":true,"chan`.',
    expect: invalid,
  },
  {
    id: 'empty-body',
    description: 'HTTP 200 with an empty body.',
    expect: invalid,
  },
  {
    id: 'png-for-json',
    description: 'HTTP 200 `image/png` (a real PNG) where JSON is expected.',
    expect: (row) => (row.acceptsPng ? { kind: 'ok', retries: 0 } : invalid(row)),
  },
  {
    id: 'json-for-png',
    description:
      'HTTP 200 JSON `{"status":"INITIALIZING","message":"QRCode is not available..."}` where a QR (PNG, or base64 in JSON) could come.',
    expect: (row) => (row.qr ? { kind: 'ok', retries: 0 } : { kind: 'n/a' }),
  },
  {
    id: '50mb-body',
    description: `HTTP 200 JSON body of ${HUGE_BODY_BYTES / 1024 / 1024} MB streamed from a \`ReadableStream\` without \`Content-Length\`.`,
    expect: invalid,
  },
  {
    id: '302-cross-origin',
    description:
      '302 with a `Location` on another origin (the path and a query holding the secret key): never followed, so nothing reaches that origin and no write becomes a GET.',
    expect: (row) =>
      failure(row, { kind: 'error', error: 'RedirectError', code: 'redirected', ...attempts(once(row)) }),
  },
  {
    id: '307-same-origin',
    description:
      '307 to another path of the same origin (a trailing-slash or prefix fix): refused as well, never retried.',
    expect: (row) =>
      failure(row, { kind: 'error', error: 'RedirectError', code: 'redirected', ...attempts(once(row)) }),
  },
];

function appAuth(row: Row): Expectation {
  // A bearer route issues a new token once on an application 401, then gives up.
  const n = row.kind === 'client' ? (row.bearer ? 2 : 1) : undefined;
  return failure(row, {
    kind: 'error',
    error: 'AuthenticationError',
    code: 'bad_secret',
    source: 'application',
    ...attempts(n),
  });
}

export interface Cell {
  row: Row;
  fault: Fault;
  expectation: Expectation;
}

/** Every cell of the matrix, `n/a` ones included. */
export function allCells(): Cell[] {
  return ROWS.flatMap((row) => FAULTS.map((fault) => ({ row, fault, expectation: fault.expect(row) })));
}

/** The cells that run. */
export function runnableCells(): Cell[] {
  return allCells().filter((cell) => cell.expectation.kind !== 'n/a');
}

/** Every error path: the cells that end in an error, or in a failure a manager flow tolerates. */
export function errorPathCells(): Cell[] {
  return runnableCells().filter((c) => c.expectation.kind === 'error' || c.expectation.kind === 'tolerated');
}

/** The code each class carries unless told otherwise; the doc prints a code only when it differs. */
export const DEFAULT_CODES: Partial<Record<ErrorName, ErrorCode>> = {
  ConnectionError: 'connection_failed',
  TimeoutError: 'timeout',
  AbortError: 'aborted',
  ApiError: 'api_error',
  NotFoundError: 'not_found',
  RateLimitError: 'rate_limited',
  ServerError: 'server_error',
  ResponseValidationError: 'invalid_response',
  RedirectError: 'redirected',
};

/** A short rendering of an expectation, for the doc table. */
export function renderExpectation(e: Expectation): string {
  switch (e.kind) {
    case 'n/a':
      return '—';
    case 'tolerated':
      return 'tolerated';
    case 'ok': {
      if (e.retries === 0) return 'ok';
      const wait =
        e.waits === 'retry-after-seconds'
          ? ` of ${RETRY_AFTER_SECONDS} s`
          : e.waits === 'retry-after-date'
            ? ` of ≤ ${RETRY_AFTER_DATE_AHEAD_MS / 1000} s`
            : '';
      return `ok, ${e.retries} retries${wait}`;
    }
    case 'error': {
      const code = DEFAULT_CODES[e.error] === e.code ? '' : ` \`${e.code}\``;
      const proxy = e.fromProxy ? ' (HTML)' : '';
      const times = e.attempts === undefined ? '' : ` ×${e.attempts}`;
      return `${e.error}${code}${proxy}${times}`;
    }
  }
}
