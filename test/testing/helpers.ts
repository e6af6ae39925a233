import type { FakeWppConnect } from '../../src/testing/index.js';

/** Options of {@link wppCall}. */
export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Request Content-Type; a JSON body defaults to `application/json; charset=utf-8` (no quirks). */
  contentType?: string;
  /** `Authorization` header value; default `Bearer <fresh token>`; `null` sends none. */
  authorization?: string | null;
  signal?: AbortSignal;
}

/** A fresh token for `id` through the real generate-token route. */
export async function generateToken(wpp: FakeWppConnect, id: string): Promise<string> {
  const res = await fetch(`${wpp.baseUrl}/api/${encodeURIComponent(id)}/${wpp.secretKey}/generate-token`, {
    method: 'POST',
  });
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** Calls `/api/<id>/<action>` on the fake WPPConnect with plain fetch. */
export async function wppCall(
  wpp: FakeWppConnect,
  id: string,
  action: string,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.authorization !== null) {
    headers['Authorization'] = options.authorization ?? `Bearer ${wpp.issueToken(id)}`;
  }
  const method =
    options.method ??
    (['start-session', 'close-session', 'logout-session'].includes(action) ? 'POST' : 'GET');
  if (options.contentType) headers['Content-Type'] = options.contentType;
  else if (options.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  return fetch(`${wpp.baseUrl}/api/${encodeURIComponent(id)}/${action}`, init);
}

/** Like {@link wppCall}, returning `[status, parsed JSON]`. */
export async function wppJson(
  wpp: FakeWppConnect,
  id: string,
  action: string,
  options: CallOptions = {},
): Promise<[number, Record<string, unknown>]> {
  const res = await wppCall(wpp, id, action, options);
  return [res.status, (await res.json()) as Record<string, unknown>];
}

/** The `status-session` body of `id`. */
export async function statusOf(wpp: FakeWppConnect, id: string): Promise<Record<string, unknown>> {
  return (await wppJson(wpp, id, 'status-session'))[1];
}

/** How many timers Node currently has alive (to prove a fake leaked none). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
