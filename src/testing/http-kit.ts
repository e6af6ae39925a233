/**
 * Plumbing shared by both fakes: response builders, route matching, the call log and the latency wait.
 * Nothing here knows about WPPConnect or the gateway.
 * @internal
 * @module
 */
import { sleep } from '../http/delay.js';
import type { Clock } from './clock.js';

/**
 * An added response delay in milliseconds, or a function returning one per request (for jitter or a slow
 * list). It is a real timer, cleared as soon as the request's signal aborts, so a client timeout test does
 * not leave anything pending.
 */
export type Latency = number | (() => number);

/** One request a fake received, as recorded in its `calls` log. */
export interface FakeCall {
  /** HTTP method, upper case. */
  method: string;
  /**
   * The route template that matched, e.g. `/api/{session}/start-session` or `/api/channels/{id}/qr`, so tests
   * count calls without caring about tokens in the path. An unmatched request records its raw path.
   */
  route: string;
  /** The session (WPPConnect) or channel (gateway) id the request was about, when the route has one. */
  session?: string;
  /**
   * The HTTP status of the answer; `0` while no answer has been sent, and for good when none ever was (the
   * request aborted during the latency delay, or WPPConnect's `/healthz` hang).
   */
  status: number;
  /** `clock.now()` when the request arrived, before any latency. */
  at: number;
}

/** Counts the calls in `calls` whose route template is `route` (and whose session is `session`, when given). */
export function countCalls(calls: readonly FakeCall[], route: string, session?: string): number {
  return calls.filter((c) => c.route === route && (session === undefined || c.session === session)).length;
}

/** A JSON response with Express's content type (`application/json; charset=utf-8`). */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** An HTML response (error pages of Express and nginx). */
export function htmlResponse(status: number, html: string, headers?: Record<string, string>): Response {
  return new Response(html, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers } });
}

/** A PNG response with an explicit `Content-Length`, as WPPConnect's `qrcode-session` sends it. */
export function pngResponse(bytes: Uint8Array): Response {
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: { 'Content-Type': 'image/png', 'Content-Length': String(bytes.byteLength) },
  });
}

/** Escapes text for an HTML page. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * Parses a JSON request body; `undefined` when there is none or it is not JSON (the fakes then answer as
 * for a missing body).
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Narrows an unknown JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request path relative to a fake's base URL (`http://h/prefix` + `/prefix/api/x` → `/api/x`). */
export function relativePath(requestUrl: string, baseUrl: string): string {
  const path = new URL(requestUrl).pathname;
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return prefix !== '' && path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** A route of a fake: method, a path template with `{param}` segments, and what it carries. */
export interface RouteSpec {
  method: string;
  template: string;
}

/** The route that matched a request, with its decoded path parameters. */
export interface RouteMatch<R extends RouteSpec> {
  route: R;
  params: Record<string, string>;
}

/**
 * A tiny router: `{name}` matches one non-empty path segment, decoded with `decodeURIComponent` like
 * Express does. A segment that does not decode makes the route not match.
 */
export class Router<R extends RouteSpec> {
  readonly #compiled: Array<{ route: R; regex: RegExp; names: string[] }>;

  constructor(routes: readonly R[]) {
    this.#compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.template
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (param) {
            names.push(param[1]!);
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { route, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The first route whose method and template match, or `undefined`. */
  match(method: string, path: string): RouteMatch<R> | undefined {
    for (const { route, regex, names } of this.#compiled) {
      if (route.method !== method) continue;
      const m = regex.exec(path);
      if (!m) continue;
      try {
        const params: Record<string, string> = {};
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1]!);
        });
        return { route, params };
      } catch {
        // A malformed percent-escape: treat as "no such route".
      }
    }
    return undefined;
  }
}

/** Resolves a {@link Latency} to a number of milliseconds (never negative). */
function latencyMs(latency: Latency): number {
  const ms = typeof latency === 'function' ? latency() : latency;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * A promise that never resolves and rejects with `signal.reason` once the signal aborts. It holds no timer,
 * so a request that is never aborted leaves nothing that keeps Node alive.
 */
export function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** What a fake decided about one request before answering it. */
export interface Dispatch {
  /** The route template for the call log. */
  route: string;
  /** The session or channel id, for the call log. */
  session?: string;
  /** Produces the answer (may reject with the request signal's reason, see {@link waitForAbort}). */
  respond: () => Response | Promise<Response>;
}

/** What {@link serve} needs from a fake. */
export interface ServeContext {
  clock: Clock;
  latency: Latency;
  calls: FakeCall[];
}

/**
 * The request pipeline of both fakes: record the call (status 0), wait the latency on a real timer that
 * the request's signal cancels, answer, then record the answer's status.
 *
 * @throws the request signal's reason when it aborts before the answer is ready.
 */
export async function serve(request: Request, context: ServeContext, dispatch: Dispatch): Promise<Response> {
  const call: FakeCall = {
    method: request.method,
    route: dispatch.route,
    status: 0,
    at: context.clock.now(),
  };
  if (dispatch.session !== undefined) call.session = dispatch.session;
  context.calls.push(call);
  const ms = latencyMs(context.latency);
  if (ms > 0) await sleep(ms, request.signal);
  if (request.signal.aborted) throw request.signal.reason;
  const response = await dispatch.respond();
  call.status = response.status;
  return response;
}
