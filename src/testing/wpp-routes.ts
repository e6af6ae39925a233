/**
 * The HTTP surface of the fake WPPConnect: auth, the route table and the exact answer bodies. The state lives in {@link WppSessions}.
 * @internal
 * @module
 */
import {
  escapeHtml,
  htmlResponse,
  isRecord,
  jsonResponse,
  pngResponse,
  type RouteSpec,
  readJsonBody,
  waitForAbort,
} from './http-kit.js';
import { pngFor } from './png.js';
import type { Entry, WppSessions } from './wpp-sessions.js';
import { issueToken, verifyToken } from './wpp-tokens.js';

/** The server version WPPConnect puts in `version` fields (it is not the WhatsApp version). */
const VERSION = '2.10.4';
/** What the fake's logged-in phone answers to `get-phone-number`. */
const PHONE_WID = '5511999990000@c.us';

const NOT_ACTIVE = {
  response: null,
  status: 'Disconnected',
  message: 'A sessão do WhatsApp não está ativa.',
};
const SESSION_CLOSED = { status: true, message: 'Session successfully closed' };
// Transcript §9.1.3.
/** The server's logger stamps `level` onto the TypeError, so `error` is not `{}`. */
const CLOSE_FAILED = { status: false, message: 'Error closing session', error: { level: 'error' } };
const NOT_STARTED =
  'Session not started. Please, use the /start-session route, for initialization your session';

/** Per-request data handed to a route. */
export interface Ctx {
  request: Request;
  params: Record<string, string>;
  /** The authenticated session name (token routes), else the `session` path parameter or ''. */
  id: string;
  now: number;
  /** A JSON answer, with the `session` key quirk applied when it applies. */
  json(status: number, body: Record<string, unknown>): Response;
}

/** A route of the fake WPPConnect. */
export interface WppRoute extends RouteSpec {
  /** `token`: Bearer/path-token auth. `open`: no auth, or a secret key checked by the route. */
  auth: 'token' | 'open';
  run(ctx: Ctx): Response | Promise<Response>;
}

/** What the routes need from the fake server. */
export interface WppServer {
  readonly sessions: WppSessions;
  /** The current `SECRET_KEY`. */
  secretKey(): string;
  /** status-session overrides set with `setRawStatus`. */
  readonly rawStatus: ReadonlyMap<string, string | null>;
  /** When the process (re)started, for `/healthz` uptime. */
  bootedAt(): number;
  /** 1, 2, 3… for message ids. */
  nextMessageNumber(): number;
  /** Waits on the fake's clock (a `waitQrCode` start holds its answer until the first code). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** The fake's clock. */
  now(): number;
}

// Contract §1.2.
/** The session name, or a 401 with the exact body the server sends. */
export function authenticate(request: Request, sessionParam: string, secretKey: string): string | Response {
  let name = sessionParam;
  let token: string | undefined;
  if (sessionParam.includes(':')) {
    // `/api/<name>:<token>/...`: the path wins even over a valid header (transcript §9.1.7).
    [name = '', token = ''] = sessionParam.split(':');
  } else {
    // `Authorization.split(' ')[1]`: the scheme word is not checked; `Bearer` alone has no token.
    token = request.headers.get('authorization')?.split(' ')[1];
    if (!token)
      return jsonResponse(401, { message: 'Token is not present. Check your header and try again' });
  }
  if (!verifyToken(name, secretKey, token)) {
    return jsonResponse(401, { error: 'Check that the Session and Token are correct' });
  }
  return name;
}

/** `getSessionState`: stale `urlcode`s are shown on any status; `version` only with an entry. */
export function stateBody(entry: Entry | undefined): Record<string, unknown> {
  if (!entry || entry.status === null) return { status: 'CLOSED', qrcode: null };
  const qrcode = entry.urlcode
    ? `data:image/png;base64,${Buffer.from(pngFor(entry.urlcode)).toString('base64')}`
    : null;
  return {
    status: entry.status,
    qrcode,
    ...(entry.urlcode ? { urlcode: entry.urlcode } : {}),
    version: VERSION,
  };
}

/**
 * The route table. Only the routes the SDK and the fake gateway use are served (plus start-all); the other
 * WPPConnect routes get Express's 404 like any unknown path.
 */
export function wppRoutes(server: WppServer): WppRoute[] {
  const s = server.sessions;
  const live = (ctx: Ctx) => s.isLive(s.entry(ctx.id, ctx.now));
  return [
    {
      method: 'POST',
      template: '/api/{session}/{secretkey}/generate-token',
      auth: 'open',
      run: ({ params, json }) => {
        if (params['secretkey'] !== server.secretKey()) {
          return json(400, { response: false, message: 'The SECRET_KEY is incorrect' });
        }
        const session = params['session']!;
        const token = issueToken(session, server.secretKey());
        return json(201, { status: 'success', session, token, full: `${session}:${token}` });
      },
    },
    {
      method: 'GET',
      template: '/api/{secretkey}/show-all-sessions',
      auth: 'open',
      run: ({ params, json }) =>
        params['secretkey'] === server.secretKey()
          ? json(200, { response: s.names() })
          : json(400, { response: false, message: 'The token is incorrect' }),
    },
    {
      method: 'POST',
      template: '/api/{secretkey}/start-all',
      auth: 'open',
      run: async ({ request, params, now, json }) => {
        const body = await readJsonBody(request);
        // Contract §1.3: with a wrong key the 400 is sent, but the sessions still start (missing `return`).
        for (const id of s.names()) {
          const status = s.entry(id, now)?.status ?? null;
          if (status === null || status === 'CLOSED') s.start(id, isRecord(body) ? body : undefined, now);
        }
        return params['secretkey'] === server.secretKey()
          ? json(201, { status: 'success', message: 'Starting all sessions' })
          : json(400, { response: 'error', message: 'The token is incorrect' });
      },
    },
    {
      method: 'POST',
      template: '/api/{session}/start-session',
      auth: 'token',
      run: async (ctx) => {
        const { request, id, now, json } = ctx;
        const body = await readJsonBody(request);
        const entry = s.entry(id, now);
        // The answer is the state *before* the call (contract §2.1); the start happens only from
        // no entry, {status:null} or CLOSED; any other state makes it a no-op (contract §0.4).
        const answer = stateBody(entry);
        const starts = !entry || entry.status === null || entry.status === 'CLOSED';
        if (starts) s.start(id, isRecord(body) ? body : undefined, now);
        if (isRecord(body) && body['waitQrCode'] === true) {
          // Contract §2.1: without an entry, the answer waits for the first QR or pairing code; after a
          // close-session it comes at once as `{"status":null,...}` (transcript §9, 5.17).
          if (!entry) return waitForCode(server, ctx);
          if (entry.status === null) return json(200, { status: null, qrcode: null, version: VERSION });
        }
        return json(200, answer);
      },
    },
    {
      method: 'GET',
      template: '/api/{session}/status-session',
      auth: 'token',
      run: ({ id, now, json }) => {
        const body = stateBody(s.entry(id, now));
        if (server.rawStatus.has(id)) body['status'] = server.rawStatus.get(id);
        return json(200, body);
      },
    },
    {
      method: 'GET',
      template: '/api/{session}/qrcode-session',
      auth: 'token',
      run: ({ id, now, json }) => {
        const entry = s.entry(id, now);
        // Any urlcode gives a PNG, whatever the status (contract §0.6); after close-session the
        // status is JSON null (transcript §9.1.5).
        if (entry?.urlcode) return pngResponse(pngFor(entry.urlcode));
        if (!entry) return json(200, { status: null, message: NOT_STARTED });
        return json(200, { status: entry.status, message: 'QRCode is not available...' });
      },
    },
    {
      method: 'GET',
      template: '/api/{session}/check-connection-session',
      auth: 'token',
      run: (ctx) =>
        ctx.json(
          200,
          live(ctx) ? { status: true, message: 'Connected' } : { status: false, message: 'Disconnected' },
        ),
    },
    {
      method: 'POST',
      template: '/api/{session}/close-session',
      auth: 'token',
      run: ({ id, now, json }) => {
        const outcome = s.close(id, now);
        return outcome === 'closed' || outcome === 'already-closed'
          ? json(200, SESSION_CLOSED)
          : json(500, CLOSE_FAILED);
      },
    },
    {
      method: 'POST',
      template: '/api/{session}/logout-session',
      auth: 'token',
      run: (ctx) => {
        if (!live(ctx)) return ctx.json(404, NOT_ACTIVE);
        s.logout(ctx.id);
        return ctx.json(200, SESSION_CLOSED);
      },
    },
    {
      method: 'GET',
      template: '/api/{session}/get-phone-number',
      auth: 'token',
      run: (ctx) =>
        live(ctx)
          ? ctx.json(200, { status: 'success', response: PHONE_WID, mapper: 'device' })
          : ctx.json(404, NOT_ACTIVE),
    },
    {
      method: 'POST',
      template: '/api/{session}/send-message',
      auth: 'token',
      run: async (ctx) => {
        if (!live(ctx)) return ctx.json(404, NOT_ACTIVE);
        const body = await readJsonBody(ctx.request);
        const phone = isRecord(body) ? body['phone'] : undefined;
        if (typeof phone !== 'string' || phone === '') {
          return ctx.json(400, { status: 'error', message: 'phone is required' });
        }
        const id = `true_${phone}_${server.nextMessageNumber()}`;
        return ctx.json(201, { status: 'success', response: [{ id, to: phone }], mapper: 'return' });
      },
    },
    {
      method: 'GET',
      template: '/healthz',
      auth: 'open',
      run: ({ request, now, json }) =>
        // Transcript §9.1.2: with exactly `Content-Type: application/json` the real server never answers.
        isExactJson(request)
          ? waitForAbort(request.signal)
          : json(200, { uptime: (now - server.bootedAt()) / 1000, message: 'OK', timestamp: now }),
    },
  ];
}

/**
 * A `waitQrCode` start of a new session: held until the first QR (`{"status":"qrcode"}`, bare base64) or
 * pairing code (`{"status":"phoneCode"}`); never answered when no code will come (saved auth, a browser that
 * does not launch), as on the real server.
 */
async function waitForCode(server: WppServer, { id, request, now, json }: Ctx): Promise<Response> {
  const s = server.sessions;
  const at = s.codeAt(id, now);
  if (at === null) return waitForAbort(request.signal);
  await server.sleep(Math.max(0, at - now), request.signal);
  const entry = s.entry(id, Math.max(at, server.now()));
  if (entry?.status === 'PHONECODE') {
    return json(200, { status: 'phoneCode', phone: s.phoneOf(id), phoneCode: entry.phoneCode, session: id });
  }
  if (entry?.status === 'QRCODE' && entry.urlcode) {
    const qrcode = Buffer.from(pngFor(entry.urlcode)).toString('base64');
    return json(200, { status: 'qrcode', qrcode, urlcode: entry.urlcode, session: id });
  }
  return waitForAbort(request.signal);
}

/** Whether the request's Content-Type is exactly `application/json` (no parameters), which triggers quirks. */
export function isExactJson(request: Request): boolean {
  return request.headers.get('content-type')?.trim().toLowerCase() === 'application/json';
}

// Transcript §2.14.
/** Express's default 404 page (finalhandler), byte for byte as the real server sends it. */
export function expressNotFound(request: Request): Response {
  const path = escapeHtml(new URL(request.url).pathname);
  const html = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${request.method} ${path}</pre>\n</body>\n</html>\n`;
  return htmlResponse(404, html, {
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
}
