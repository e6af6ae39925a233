/**
 * The `headers` and `hooks` client options: extra headers (fixed, or a function of the request) and callbacks
 * before each attempt and after each answer, for tracing and metrics.
 *
 * What a hook sees is a description the transport builds (service, method, route template, attempt, the
 * headers minus credentials), never ky's `Request`: that one carries the gateway secret in a header and
 * WPPConnect's key and tokens in its URL and `Authorization` header. A hook cannot read a secret it is never
 * given.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { isSensitiveKey } from './redact.js';

/** Which request a header function or a hook is about. No secret is reachable from it. */
export interface RequestInfo {
  /** `gateway` or `wppconnect`. */
  service: 'gateway' | 'wppconnect';
  /** HTTP method, upper case. */
  method: string;
  /** The route template, e.g. `/api/{session}/status-session`: ids are not filled in, secrets never are. */
  route: string;
  /** The session (WPPConnect) or channel (gateway) id of the request, when the route has one. */
  sessionId?: string;
}

/** What `beforeRequest` hooks receive for each attempt. */
export interface BeforeRequestInfo extends RequestInfo {
  /** 0 for the first attempt, then 1, 2… for retries. */
  attempt: number;
  /**
   * The headers about to be sent, without the credential headers. Set or delete headers here to change what
   * is sent (e.g. a `traceparent`); a credential header (`Authorization`, `X-Gateway-Secret`, `Cookie`,
   * `Token`, `Secret`, `Password` and the like) cannot be set from a hook and makes the call fail with an
   * `InvalidArgumentError`.
   */
  headers: Headers;
}

/** What `afterResponse` hooks receive for each answer (also the 5xx that will be retried). */
export interface AfterResponseInfo extends RequestInfo {
  /** 0 for the first attempt, then 1, 2… for retries. */
  attempt: number;
  /** The HTTP status. */
  status: number;
  /** Time from sending the attempt to its response headers, in ms. */
  durationMs: number;
  /** The server's `X-Request-Id` (or `X-Correlation-Id`), or the one sent, when there is one. */
  requestId?: string;
}

/** Callbacks around every attempt. They run in order; one that throws fails the call with its error. */
export interface HttpHooks {
  /** Before each attempt is sent: read the request, add tracing headers. */
  beforeRequest?: ReadonlyArray<(request: BeforeRequestInfo) => void | Promise<void>>;
  /** When each attempt's response headers arrive, before the body is read: metrics, logs. */
  afterResponse?: ReadonlyArray<(response: AfterResponseInfo) => void | Promise<void>>;
}

/** Extra headers for every request: fixed, or computed per request (a function may return nothing). */
export type HeadersOption =
  | Record<string, string>
  | ((request: RequestInfo) => Record<string, string> | undefined);

/**
 * Whether `name` may be sent by the user: not one of the client's own credential headers (`reserved`), which
 * the client sets itself and must never be replaced without a word.
 */
function assertAllowed(name: string, reserved: ReadonlySet<string>, where: string): void {
  if (reserved.has(name.toLowerCase())) {
    throw new InvalidArgumentError(
      where,
      `must not set ${name}: the client sends its own credentials (configure them with the client's secret options)`,
    );
  }
}

/**
 * Checks user headers (from the option or a header function) and returns them lower-cased. Values must be
 * strings an HTTP header can carry; the value is never named in the error (it may be a credential).
 * @internal
 */
export function checkUserHeaders(
  headers: unknown,
  reserved: ReadonlySet<string>,
  where: string,
): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new InvalidArgumentError(where, 'must be an object of header names to string values');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new InvalidArgumentError(where, 'holds a header name that is not a valid HTTP token');
    }
    assertAllowed(name, reserved, where);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new InvalidArgumentError(`${where}.${name}`, 'must be a string without line breaks');
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

/**
 * Runs the `beforeRequest` hooks on a copy of the headers without credentials, and applies what they changed
 * to `headers`. A hook that sets a credential header fails the call.
 * @internal
 */
export async function runBeforeRequest(
  hooks: NonNullable<HttpHooks['beforeRequest']>,
  info: RequestInfo & { attempt: number },
  headers: Headers,
): Promise<void> {
  const visible = new Headers();
  headers.forEach((value, name) => {
    if (!isSensitiveKey(name)) visible.set(name, value);
  });
  const before = new Map<string, string>();
  visible.forEach((value, name) => {
    before.set(name, value);
  });
  for (const hook of hooks) await hook({ ...info, headers: visible });
  const changed: Array<[string, string]> = [];
  visible.forEach((value, name) => {
    if (before.get(name) !== value) changed.push([name, value]);
  });
  for (const [name, value] of changed) {
    if (isSensitiveKey(name)) {
      throw new InvalidArgumentError(
        'hooks.beforeRequest',
        `must not set ${name}: credential headers belong in the client's options, where they are redacted`,
      );
    }
    headers.set(name, value);
  }
  for (const name of before.keys()) if (!visible.has(name)) headers.delete(name);
}
