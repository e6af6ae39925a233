/**
 * `createSessionsHandler`: the session routes every embedding app needs, as one Fetch-API handler
 * (`(request: Request) => Promise<Response>`), so it mounts in Hono, Next.js route handlers, Bun and Deno as
 * is, and in node:http or Express through {@link toNodeListener}.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import type { SessionManager } from '../sessions/manager.js';
import { contextOf } from '../sessions/manager-context.js';
import type { SessionUpdateType } from '../sessions/watch-types.js';
import type { ParseWebhookOptions, WebhookEvent } from '../webhooks/types.js';
import { Refusal, readJsonObject } from './body.js';
import { toHttpError } from './errors.js';
import { sseResponse } from './sse.js';
import { legacyCreateBody } from './views.js';

/**
 * The access decision for a request: `true` lets it through; `false` answers 403; a `Response` (e.g. a 401
 * with `WWW-Authenticate`) is sent as it is. Nothing else runs before it.
 */
export type AuthorizeResult = boolean | Response;

/** Where `POST /webhooks/:id` records bodies: an `ActivityTracker` (give the same one to the manager). */
export interface WebhookRecorder {
  /** Parses and records one webhook body; returns null when it is not a webhook. */
  record(body: unknown, options?: ParseWebhookOptions): WebhookEvent | null;
}

/** Options of {@link createSessionsHandler}. */
export interface SessionsHandlerOptions {
  /**
   * Required: decides, for every request, whether it may proceed. There is no default, so no handler is
   * ever open by accident; `() => true` is an explicit choice for local use. It sees webhook requests too:
   * WPPConnect signs nothing, so put a secret in the webhook URL (a query token) and check it here.
   */
  authorize: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Path prefix the routes live under, e.g. `/api/whatsapp`; default none. */
  prefix?: string;
  /**
   * Enables `POST /webhooks/:id`: bodies are recorded here. Give the manager the same tracker (as `activity`
   * or `webhooks`) so a `qrcode` or `phoneCode` webhook reaches the event streams and the waiting report at
   * once.
   */
  webhooks?: WebhookRecorder;
  /** Answer `POST /sessions` as `{ success, qr_base64?, error }` (the shape of older apps). Default false. */
  legacyCreateResponse?: boolean;
  /** Interval of the SSE heartbeat comment, in ms. Default 15 000. */
  heartbeatMs?: number;
  /** Largest accepted request body, in bytes. Default 65 536 (webhook bodies with media can be larger). */
  maxBodyBytes?: number;
  /** Called with each error answered with a 5xx (log it); never with a 4xx. Exceptions it throws are ignored. */
  onError?: (error: unknown, request: Request) => void;
}

/** The handler: a standard Fetch-API function. */
export type SessionsHandler = (request: Request) => Promise<Response>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return json(status, { error: { code, message } }, headers);
}

function normalizePrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#\s]/.test(prefix))
    throw new InvalidArgumentError('options.prefix', 'must be a path starting with "/", e.g. /api/whatsapp');
  return prefix.replace(/\/+$/, '');
}

/** The id from a path segment, checked before anything is asked upstream. */
function idFrom(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new InvalidArgumentError('id', 'is not valid percent-encoding');
  }
  return assertSessionId(decoded, 'id');
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(key, 'must be a string');
  return value;
}

type Route = (request: Request, params: string[], url: URL) => Promise<Response> | Response;

/**
 * The sessions routes as one Fetch-API handler, under `prefix`:
 *
 * | route | answer |
 * |---|---|
 * | `GET /sessions` | `{ sessions: SessionInfo[] }`: true status, what each side says, last activity, zombie flag and reason |
 * | `GET /sessions/:id` | `SessionInfo` |
 * | `POST /sessions` `{ "id", "phone"? }` | `SessionReport` (QR as `qr.base64` and `qr.dataUrl`, or `pairingCode`); see `legacyCreateResponse` |
 * | `POST /sessions/:id/reconnect` `{ "force"?, "phone"? }` | `SessionReport` |
 * | `GET /sessions/:id/events` | Server-Sent Events from `watchSession` (`qr`, `pairing_code`, `connected`, …, then `end`); `?follow=1` keeps following after a terminal update |
 * | `POST /webhooks/:id` | 204; records the body in `webhooks` (only when that option is set) |
 *
 * Every request first goes through `authorize`. Writes must be `application/json` (415 otherwise). A
 * malformed id is a 400 before any upstream request. Errors are mapped by {@link toHttpError}; no answer
 * carries a secret.
 *
 * @throws `InvalidArgumentError` when `authorize` is missing or an option is malformed.
 * @example
 * ```ts
 * const handler = createSessionsHandler(manager, {
 *   prefix: '/api/whatsapp',
 *   authorize: (request) => request.headers.get('authorization') === `Bearer ${process.env.ADMIN_TOKEN}`,
 * });
 * // Hono: app.all('/api/whatsapp/*', (c) => handler(c.req.raw));
 * // Next.js (app/api/whatsapp/[...path]/route.ts): export { handler as GET, handler as POST };
 * ```
 */
export function createSessionsHandler(
  manager: SessionManager,
  options: SessionsHandlerOptions,
): SessionsHandler {
  contextOf(manager); // throws InvalidArgumentError('manager', …) unless it is a SessionManager
  if (typeof options?.authorize !== 'function') {
    throw new InvalidArgumentError(
      'options.authorize',
      'is required: a function deciding who may manage sessions (use () => true only for local use)',
    );
  }
  const prefix = normalizePrefix(options.prefix);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 10)
    throw new InvalidArgumentError('options.heartbeatMs', 'must be a number of milliseconds, at least 10');
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new InvalidArgumentError('options.maxBodyBytes', 'must be a positive integer');
  if (options.webhooks !== undefined && typeof options.webhooks.record !== 'function')
    throw new InvalidArgumentError(
      'options.webhooks',
      'must have a record(body, options) method (an ActivityTracker)',
    );
  const { authorize, webhooks, legacyCreateResponse = false, onError } = options;

  const body = async (request: Request, allowEmpty: boolean) => {
    const value = await readJsonObject(request, maxBodyBytes, allowEmpty);
    if (value instanceof Refusal) throw value;
    return value;
  };

  const routes: Record<string, Record<string, Route>> = {
    sessions: {
      GET: async (request) => json(200, { sessions: await manager.listSessions({ signal: request.signal }) }),
      POST: async (request) => {
        const input = await body(request, false);
        if (typeof input['id'] !== 'string') throw new InvalidArgumentError('id', 'is required (a string)');
        const id = assertSessionId(input['id'], 'id');
        const phone = optionalString(input, 'phone');
        try {
          const report = await manager.createSession(id, {
            signal: request.signal,
            ...(phone === undefined ? {} : { phone }),
          });
          return json(200, legacyCreateResponse ? legacyCreateBody(report) : report);
        } catch (error) {
          if (!legacyCreateResponse) throw error;
          const mapped = toHttpError(error);
          return json(mapped.status, { success: false, error: mapped.body.error.message });
        }
      },
    },
    'sessions/:id': {
      GET: async (request, [id]) =>
        json(200, await manager.getSession(idFrom(id!), { signal: request.signal })),
    },
    'sessions/:id/reconnect': {
      POST: async (request, [segment]) => {
        const id = idFrom(segment!);
        const input = await body(request, true);
        const force = input['force'];
        if (force !== undefined && typeof force !== 'boolean')
          throw new InvalidArgumentError('force', 'must be a boolean');
        const phone = optionalString(input, 'phone');
        const report = await manager.reconnect(id, {
          signal: request.signal,
          ...(force ? { force } : {}),
          ...(phone === undefined ? {} : { phone }),
        });
        return json(200, report);
      },
    },
    'sessions/:id/events': {
      GET: (request, [segment], url) => {
        const id = idFrom(segment!);
        const follow = url.searchParams.get('follow');
        const stopOn: SessionUpdateType[] | undefined = follow === '1' || follow === 'true' ? [] : undefined;
        return sseResponse(manager, id, request, { heartbeatMs, ...(stopOn ? { stopOn } : {}) });
      },
    },
    ...(webhooks
      ? {
          'webhooks/:id': {
            POST: async (request: Request, [segment]: string[]) => {
              const id = idFrom(segment!);
              const event = webhooks.record(await body(request, false), { sessionId: id });
              if (event === null)
                return refuse(400, 'invalid_body', 'The body is not a webhook (no event name)');
              return new Response(null, { status: 204 });
            },
          },
        }
      : {}),
  };

  return async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url);
      const match = matchRoute(routes, url.pathname, prefix);
      if (!match) return refuse(404, 'not_found', 'No such route');
      const decision = await authorize(request);
      if (decision instanceof Response) return decision;
      if (decision !== true) return refuse(403, 'forbidden', 'Not allowed');
      const route = match.methods[request.method === 'HEAD' ? 'GET' : request.method];
      if (!route) {
        const allow = Object.keys(match.methods).join(', ');
        return refuse(405, 'method_not_allowed', `Use ${allow}`, { allow });
      }
      return await route(request, match.params, url);
    } catch (error) {
      if (error instanceof Refusal) return refuse(error.status, error.code, error.message);
      const mapped = toHttpError(error);
      if (mapped.status >= 500) {
        try {
          onError?.(error, request);
        } catch {
          // A failing logger must not change the answer.
        }
      }
      return json(mapped.status, mapped.body, mapped.headers);
    }
  };
}

/** Finds the route for a path: literal segments must match, `:id` takes one raw (still encoded) segment. */
function matchRoute(
  routes: Record<string, Record<string, Route>>,
  pathname: string,
  prefix: string,
): { methods: Record<string, Route>; params: string[] } | null {
  if (prefix && pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return null;
  const segments = pathname.slice(prefix.length).replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  for (const [pattern, methods] of Object.entries(routes)) {
    const parts = pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: string[] = [];
    if (parts.every((part, i) => (part === ':id' ? params.push(segments[i]!) > 0 : part === segments[i])))
      return { methods, params };
  }
  return null;
}
