/**
 * How the fake gateway talks to the fake WPPConnect: real WHATWG `Request`s handed to
 * `FakeWppConnect.handle()` in process, so WPPConnect's call log sees every one of them.
 * @internal
 * @module
 */
import type { FakeWppConnect } from './fake-wppconnect.js';
import { isRecord } from './http-kit.js';

/** A WPPConnect answer as the wrapper sees it. */
export interface UpstreamAnswer {
  status: number;
  /** The parsed JSON body, or `undefined` for a non-JSON answer (the PNG of `qrcode-session`). */
  json: Record<string, unknown> | undefined;
}

/**
 * A WPPConnect call that failed, with the wrapper's `_handleError` text: the body's `message` (or `error`),
 * else axios's "Request failed with status code N".
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** The text the wrapper puts after `WPPConnect <op> failed: `. */
export function upstreamMessage(answer: UpstreamAnswer): string {
  const { json } = answer;
  const text = json?.['message'] ?? json?.['error'];
  return typeof text === 'string' ? text : `Request failed with status code ${answer.status}`;
}

/**
 * The wrapper's WPPConnect adapter: one cached Bearer token per session (generate-token on first use), and
 * on a 401 the token is dropped, regenerated and the call retried once (`ensureToken`/`invalidateToken`). POSTs with a body carry `Content-Type: application/json` exactly, as axios sends it, so
 * WPPConnect's `session` key quirk shows up in what the wrapper reads.
 */
export class WppUpstream {
  readonly #tokens = new Map<string, string>();

  constructor(
    private readonly wpp: FakeWppConnect,
    private readonly secretKey: () => string,
  ) {}

  /** Forgets the cached tokens. */
  clear(): void {
    this.#tokens.clear();
  }

  /**
   * Calls `/api/<id>/<action>` and returns the answer whatever its status (after one token refresh on 401).
   * @throws {@link UpstreamError} when no token can be obtained; the signal's reason when it aborts.
   */
  async call(
    id: string,
    method: string,
    action: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<UpstreamAnswer> {
    let answer = await this.#send(id, method, action, await this.#token(id, signal), body, signal);
    if (answer.status === 401) {
      this.#tokens.delete(id);
      answer = await this.#send(id, method, action, await this.#token(id, signal), body, signal);
    }
    return answer;
  }

  /** Like {@link WppUpstream.call}, but any status other than 2xx is an {@link UpstreamError}. */
  async ok(
    id: string,
    method: string,
    action: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const answer = await this.call(id, method, action, body, signal);
    if (answer.status < 200 || answer.status >= 300)
      throw new UpstreamError(upstreamMessage(answer), answer.status);
    return answer.json ?? {};
  }

  async #token(id: string, signal?: AbortSignal): Promise<string> {
    const cached = this.#tokens.get(id);
    if (cached) return cached;
    const path = `/api/${encodeURIComponent(id)}/${encodeURIComponent(this.secretKey())}/generate-token`;
    const answer = await this.#exchange(
      new Request(this.#url(path), { method: 'POST', ...(signal ? { signal } : {}) }),
    );
    const token = answer.json?.['token'];
    if (answer.status !== 201 || typeof token !== 'string') {
      throw new UpstreamError(upstreamMessage(answer), answer.status);
    }
    this.#tokens.set(id, token);
    return token;
  }

  #send(id: string, method: string, action: string, token: string, body: unknown, signal?: AbortSignal) {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init: RequestInit = { method, headers, ...(signal ? { signal } : {}) };
    if (body !== undefined) init.body = JSON.stringify(body);
    return this.#exchange(new Request(this.#url(`/api/${encodeURIComponent(id)}/${action}`), init));
  }

  async #exchange(request: Request): Promise<UpstreamAnswer> {
    const response = await this.wpp.handle(request);
    if (!response.headers.get('content-type')?.includes('json')) {
      await response.arrayBuffer();
      return { status: response.status, json: undefined };
    }
    const parsed: unknown = await response.json();
    return { status: response.status, json: isRecord(parsed) ? parsed : undefined };
  }

  #url(path: string): string {
    return this.wpp.baseUrl.replace(/\/+$/, '') + path;
  }
}
