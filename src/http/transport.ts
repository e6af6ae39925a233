/**
 * The one HTTP transport both clients use: a ky instance that builds each request, times its
 * header phase (ky's `timeout`) and runs the user's hooks (ky's `hooks`), wrapped in a request loop that owns
 * retries, the deadline over the body, abort, body reading, validation and the mapping of every failure to
 * the SDK's errors.
 *
 * What stays by hand, and why:
 * - Retries. ky waits between retries on its own timers: callers and tests could not inject the wait, and an
 *   abort during it would reject with a bare `DOMException`. ky's `maxRetryAfter` caps a long `Retry-After`
 *   and retries anyway, where the SDK gives up at once with a `RateLimitError` carrying `retryAfterMs`. And a
 *   body that stalls or breaks off after the headers is invisible to ky's retry, which ends when the headers
 *   arrive. On the success path the loop runs once: there is no per-call cost to win by handing it over.
 * - The deadline over the body: ky's `timeout` stops at the headers, so a proxy that sends headers and then
 *   stalls would hang the call. A plain timer covers the rest of the attempt's budget while the body is read.
 * - Errors. ky's messages hold the full URL (WPPConnect puts its secret key in paths) and its `options` the
 *   headers; the SDK's errors are built redacted, with the service, route and retry count. The redaction
 *   work (the request's secret values, its redactor) is done only when an error is built: the success path
 *   redacts nothing.
 *
 * What that costs (CPU per `getChannel` over a `fetch` stub, bench/per-call-pieces.ts, Node 20, the shared
 * 2-core machine, December 2026; two runs): the SDK 309 and 274 µs; ky alone making the same request with the
 * transport's options (15 s `timeout`) 315 and 249 µs, with `timeout: false` 280 and 270 µs. The SDK costs
 * what ky costs, within the noise of this machine. Before the success path stopped building a redactor per
 * call, the SDK call cost 347 µs in the first run.
 * @module
 */
import ky, { type KyInstance, TimeoutError as KyTimeoutError, type Options } from 'ky';
import type { z } from 'zod';
import {
  AbortError,
  ConnectionError,
  type ErrorContext,
  InvalidArgumentError,
  ResponseValidationError,
  type Service,
  TimeoutError,
  type ValidationIssue,
  type WhatsAppSdkError,
} from '../errors.js';
import type { LogFields, Logger, LogLevel } from '../logger.js';
import { type Body, BodyDeadlineError, bodyExcerpt, readBody } from './body.js';
import { assertCallOptions } from './client-options.js';
import { sleep as defaultSleep, type SleepFn } from './delay.js';
import { errorFromAnswer } from './error-map.js';
import {
  type AfterResponseInfo,
  checkUserHeaders,
  type HeadersOption,
  type HttpHooks,
  type RequestInfo,
  runBeforeRequest,
} from './hooks.js';
import { isSensitiveKey, Redactor } from './redact.js';
import { redirectError } from './redirect.js';
import {
  backoffDelay,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type ResolvedRetry,
  type RetryOptions,
  resolveRetry,
} from './retry.js';

/** Per-call options accepted by every client method. */
export interface CallOptions {
  /** Aborts the call, including any wait between retries. */
  signal?: AbortSignal;
  /** Timeout of each attempt, in milliseconds; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Retries for this call; overrides the client's `retry.limit`. Only idempotent requests are retried. */
  maxRetries?: number;
  /** Sent as `X-Request-Id` (gateway) so a call can be found in the server's logs. */
  requestId?: string;
}

/** Options of the transport, shared by both clients' constructors. @internal */
export interface TransportOptions {
  service: Exclude<Service, 'sdk'>;
  baseUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retry?: RetryOptions | number;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
  /** Values to remove from every error and log line, read at the moment an error is built. */
  secrets?: () => Iterable<string>;
  sleep?: SleepFn;
  random?: () => number;
  maxBodyBytes?: number;
  /** The user's extra headers (the `headers` client option). */
  userHeaders?: HeadersOption | undefined;
  /** The user's hooks (the `hooks` client option). */
  hooks?: HttpHooks | undefined;
  /** The client's own credential headers, lower case: the user's headers and hooks may not set them. */
  reservedHeaders?: readonly string[];
}

/** HTTP methods the two APIs use. @internal */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One request, described by its route template. @internal */
export interface RequestSpec {
  method: HttpMethod;
  /** Template such as `/api/{session}/status-session`; this, not the URL, appears in errors and logs. */
  route: string;
  /** Values for `{name}` placeholders, URL-encoded when substituted. */
  params?: Record<string, string>;
  /** Like `params`, but the values are secrets: substituted into the URL and redacted everywhere else. */
  secretParams?: Record<string, string>;
  /** JSON body; `Content-Type: application/json` is sent only when there is one. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Safe to send twice. Defaults to true for GET, PUT and DELETE, false for POST. */
  idempotent?: boolean;
  call?: CallOptions;
}

/** A successful (2xx) answer. @internal */
export interface HttpResult {
  status: number;
  headers: Headers;
  body: Body;
  retryCount: number;
  requestId: string | undefined;
  /** Context for building an error about this answer (e.g. a `success:false` body). */
  context: ErrorContext & { status: number };
}

/** Defaults, each with its reason. */
const DEFAULT_TIMEOUT_MS = 15_000; // above ky's 10 s: WPPConnect's status calls can take seconds under load
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024; // the gateway's own JSON limit is 10 MB (field notes §1)

const IDEMPOTENT_METHODS = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
/** The longest delay a timer holds; ky refuses a larger `timeout`, and a larger timer would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** What travels with each request through ky's `context` to the hooks: never a secret. */
interface HookContext {
  info: RequestInfo;
  attempt: number;
  started: number;
  requestId: string | undefined;
}

/** What the redactor of one request needs beyond the transport's own secrets. */
interface RequestSecrets {
  secretParams: Record<string, string> | undefined;
  headers: Record<string, string>;
}

/** The description of a request that the user's header function and hooks see: never a secret. */
function requestInfo(service: Exclude<Service, 'sdk'>, spec: RequestSpec): RequestInfo {
  const info: RequestInfo = { service, method: spec.method, route: spec.route };
  const sessionId = spec.params?.['session'] ?? spec.params?.['id'];
  if (sessionId !== undefined) info.sessionId = sessionId;
  return info;
}

/** @internal */
export class Transport {
  readonly service: Exclude<Service, 'sdk'>;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retry: ResolvedRetry;
  readonly #ky: KyInstance;
  readonly #logger: Logger | undefined;
  readonly #redactor: Redactor;
  readonly #sleep: SleepFn;
  readonly #random: () => number;
  readonly #maxBodyBytes: number;
  readonly #userHeaders: ((request: RequestInfo) => Record<string, string> | undefined) | undefined;
  readonly #reserved: ReadonlySet<string>;
  readonly #hooks: boolean;
  /**
   * What the redactor of the request behind each result needs (its secret params and headers). The redactor
   * itself is built only when an error is: the success path never redacts anything.
   */
  readonly #resultSecrets = new WeakMap<HttpResult, RequestSecrets>();
  /** Each route template split once into literal parts and `{name}` slots (routes are a small fixed set). */
  readonly #routes = new Map<string, readonly string[]>();

  constructor(options: TransportOptions) {
    this.service = options.service;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#headers = { ...options.headers };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = resolveRetry(options.retry);
    this.#logger = options.logger;
    const staticSecrets = options.secrets ?? (() => []);
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#reserved = new Set(options.reservedHeaders ?? []);
    const userHeaders = options.userHeaders;
    if (typeof userHeaders === 'function') this.#userHeaders = userHeaders;
    else {
      // Fixed headers join the client's own once; a sensitive one (a proxy's Authorization) is redacted.
      const fixed = checkUserHeaders(userHeaders, this.#reserved, 'options.headers');
      for (const [name, value] of Object.entries(fixed)) {
        if (!(name in this.#headers)) this.#headers[name] = value;
      }
    }
    const headerValues = sensitiveValues(this.#headers);
    this.#redactor = new Redactor(staticSecrets, () => headerValues);
    // ky builds the request, times its header phase (`timeout`, set per call) and runs the hooks. Its retries
    // and HTTP error throwing are off: the loop in `send` does them (see the module comment for why).
    const before = options.hooks?.beforeRequest ?? [];
    const after = options.hooks?.afterResponse ?? [];
    this.#hooks = before.length + after.length > 0;
    const fetchImpl = options.fetch;
    this.#ky = ky.create({
      retry: 0,
      throwHttpErrors: false,
      // Never follow a redirect: see redirect.ts for why, and for what a 3xx becomes.
      redirect: 'manual',
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      // Installed only when there are user hooks: ky clones the response for each afterResponse hook.
      ...(this.#hooks ? { hooks: kyHooks(before, after) } : {}),
    });
  }

  /** The redactor of this transport, for errors built by the clients. */
  get redactor(): Redactor {
    return this.#redactor;
  }

  /** Writes a log line with secrets removed from the message and the fields. */
  log(level: LogLevel, message: string, fields?: LogFields): void {
    const write = this.#logger?.[level];
    if (!write) return;
    try {
      write.call(
        this.#logger,
        this.#redactor.text(message),
        fields && (this.#redactor.deep(fields) as LogFields),
      );
    } catch {
      // A broken logger must never break a call.
    }
  }

  #url(spec: RequestSpec): string {
    let parts = this.#routes.get(spec.route);
    if (!parts) {
      // Odd indexes are placeholder names: '/api/{session}/x'.split(...) → ['/api/', 'session', '/x'].
      parts = spec.route.split(/\{(\w+)\}/);
      this.#routes.set(spec.route, parts);
    }
    let url = this.#baseUrl + parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!;
      const value = spec.secretParams?.[name] ?? spec.params?.[name];
      if (value === undefined) throw new Error(`route ${spec.route} is missing {${name}}`);
      url += encodeURIComponent(value) + parts[i + 1];
    }
    return url;
  }

  /** The redactor of one request: the transport's, plus that request's secret params and credential headers. */
  #requestRedactor(secrets: RequestSecrets): Redactor {
    return this.#redactor.with([
      ...Object.values(secrets.secretParams ?? {}),
      ...sensitiveValues(secrets.headers),
    ]);
  }

  /**
   * Sends the request, retrying when allowed, and returns a 2xx answer with its body read.
   * Every other outcome is thrown as a {@link WhatsAppSdkError}.
   */
  async send(spec: RequestSpec): Promise<HttpResult> {
    const call = spec.call ?? {};
    assertCallOptions(call);
    const signal = call.signal;
    const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
    const idempotent = spec.idempotent ?? IDEMPOTENT_METHODS.has(spec.method);
    const limit = idempotent ? (call.maxRetries ?? this.#retry.limit) : 0;
    // The description the user's header function and hooks see: built only when there are some.
    const info = this.#userHeaders || this.#hooks ? requestInfo(this.service, spec) : undefined;
    const headers: Record<string, string> = this.#userHeaders
      ? {
          ...this.#headers,
          ...checkUserHeaders(this.#userHeaders(info!), this.#reserved, 'options.headers()'),
          ...spec.headers,
        }
      : spec.headers
        ? { ...this.#headers, ...spec.headers }
        : { ...this.#headers };
    if (call.requestId) headers['x-request-id'] = call.requestId;
    // What this request's redactor needs; the redactor itself is built only on an error path.
    const secrets: RequestSecrets = { secretParams: spec.secretParams, headers };
    const url = this.#url(spec);
    const debug = this.#logger?.debug !== undefined;
    // One budget per attempt, over the headers *and* the body: ky's timeout covers the headers, a timer
    // the rest of the budget while the body is read (a proxy that sends headers and then stalls must not
    // hang the call). No AbortSignal is made per call: each costs more than the request's own work.
    const budget = Number.isFinite(timeoutMs)
      ? Math.min(Math.max(1, Math.ceil(timeoutMs)), MAX_TIMER_MS)
      : undefined;
    // The options ky gets, the same object for every attempt (ky copies what it keeps).
    const kyOptions: Options = { method: spec.method, headers, timeout: budget ?? false };
    if (spec.json !== undefined) kyOptions.json = spec.json;
    if (signal) kyOptions.signal = signal;

    for (let attempt = 0; ; attempt++) {
      const context: ErrorContext = {
        service: this.service,
        method: spec.method,
        path: spec.route,
        requestId: call.requestId,
        retryCount: attempt,
      };
      if (signal?.aborted) throw new AbortError('The call was aborted before it was sent', context);
      const started = performance.now();
      if (this.#hooks) {
        kyOptions.context = {
          info: info!,
          attempt,
          started,
          requestId: call.requestId,
        } satisfies HookContext;
      }
      let response: Response;
      try {
        response = await this.#ky(url, kyOptions);
      } catch (thrown) {
        if (thrown instanceof InvalidArgumentError) throw thrown; // a hook tried to set a credential header
        const error = this.#transportError(
          thrown,
          signal,
          timeoutMs,
          context,
          this.#requestRedactor(secrets),
        );
        const retryable = !(error instanceof AbortError);
        if (retryable && attempt < limit) {
          await this.#wait(backoffDelay(this.#retry, attempt, this.#random), signal, context, error);
          continue;
        }
        if (debug) this.log('debug', 'request failed', { ...context, error: error.code });
        throw error;
      }

      const responseHeaders = response.headers;
      const requestId =
        responseHeaders.get('x-request-id') ?? responseHeaders.get('x-correlation-id') ?? call.requestId;
      const answered = context as ErrorContext & { status: number };
      answered.status = response.status;
      if (requestId) answered.requestId = requestId;
      if (debug) {
        this.log('debug', 'request', { ...answered, elapsedMs: Math.round(performance.now() - started) });
      }

      // redirectError's own test, cheaply first: the redactor is built only for a redirect.
      if (
        (response.status >= 300 && response.status < 400) ||
        response.redirected ||
        response.type === 'opaqueredirect'
      ) {
        const redirected = redirectError(response, url, answered, this.#requestRedactor(secrets));
        if (redirected) {
          void response.body?.cancel().catch(() => undefined); // not awaited: see the retry branch below
          throw redirected;
        }
      }

      if (attempt < limit && RETRYABLE_STATUSES.has(response.status)) {
        const retryAfter = parseRetryAfter(responseHeaders.get('retry-after'));
        if (retryAfter === undefined || retryAfter <= this.#retry.maxRetryAfterMs) {
          // Free the connection without waiting: some stream sources (MSW among them) never settle a cancel.
          void response.body?.cancel().catch(() => undefined);
          const delay = retryAfter ?? backoffDelay(this.#retry, attempt, this.#random);
          await this.#wait(delay, signal, answered);
          continue;
        }
      }

      let body: Body;
      try {
        const left = budget === undefined ? undefined : Math.max(1, budget - (performance.now() - started));
        body = await readBody(response, this.#maxBodyBytes, signal, left);
      } catch (thrown) {
        // A body that stalls or breaks off is retried like a request that got no answer.
        const error = this.#transportError(
          thrown,
          signal,
          timeoutMs,
          answered,
          this.#requestRedactor(secrets),
        );
        if (!(error instanceof AbortError) && attempt < limit) {
          await this.#wait(backoffDelay(this.#retry, attempt, this.#random), signal, answered, error);
          continue;
        }
        throw error;
      }
      if (response.ok) {
        const result: HttpResult = {
          status: response.status,
          headers: responseHeaders,
          body,
          retryCount: attempt,
          requestId,
          context: answered,
        };
        this.#resultSecrets.set(result, secrets);
        return result;
      }
      const retryAfterMs = parseRetryAfter(responseHeaders.get('retry-after'));
      throw errorFromAnswer(
        {
          context: answered,
          headers: responseHeaders,
          body,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
        this.#requestRedactor(secrets),
      );
    }
  }

  /** Sends the request and validates its JSON body against `schema`. */
  async json<S extends z.ZodType>(
    spec: RequestSpec,
    schema: S,
  ): Promise<{ data: z.output<S>; result: HttpResult }> {
    const result = await this.send(spec);
    return { data: this.validate(result, schema), result };
  }

  /**
   * Validates a 2xx body against `schema`. Non-JSON bodies (PNG, HTML, truncated JSON, nothing) and JSON of an
   * unknown shape become a {@link ResponseValidationError} that names the paths, never the values.
   */
  validate<S extends z.ZodType>(result: HttpResult, schema: S): z.output<S> {
    const { body } = result;
    if (body.kind !== 'json') {
      throw new ResponseValidationError(`Expected a JSON answer but got ${describeBody(body)}`, {
        ...result.context,
        ...excerptOf(body, this.#redactorOf(result)),
        issues: [{ path: '', message: `expected JSON, got ${body.kind}` }],
      });
    }
    const parsed = schema.safeParse(body.value);
    if (parsed.success) return parsed.data;
    const redactor = this.#redactorOf(result);
    const issues: ValidationIssue[] = parsed.error.issues.slice(0, 10).map((issue) => ({
      // Keys are data too (a record keyed by token), so the path is redacted like the message.
      path: redactor.text(issue.path.map(String).join('.')),
      message: redactor.text(issue.message),
    }));
    const first = issues[0];
    throw new ResponseValidationError(
      `The answer has an unexpected shape${first ? ` at '${first.path || '(root)'}': ${first.message}` : ''}`,
      { ...result.context, ...excerptOf(body, redactor), issues },
    );
  }

  /** Builds the typed error for a 2xx answer whose body says it failed (`success:false`). */
  failure(result: HttpResult): WhatsAppSdkError {
    return errorFromAnswer(
      { context: result.context, headers: result.headers, body: result.body },
      this.#redactorOf(result),
    );
  }

  #redactorOf(result: HttpResult): Redactor {
    const secrets = this.#resultSecrets.get(result);
    return secrets ? this.#requestRedactor(secrets) : this.#redactor;
  }

  async #wait(ms: number, signal: AbortSignal | undefined, context: ErrorContext, last?: WhatsAppSdkError) {
    this.log('debug', 'retrying', { ...context, delayMs: ms, after: last?.code ?? context.status });
    try {
      await this.#sleep(ms, signal);
    } catch {
      throw new AbortError('The call was aborted while waiting to retry', context);
    }
  }

  #transportError(
    thrown: unknown,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    context: ErrorContext,
    redactor: Redactor,
  ): WhatsAppSdkError {
    if (signal?.aborted) return new AbortError('The call was aborted', context);
    if (thrown instanceof KyTimeoutError || thrown instanceof BodyDeadlineError) {
      return new TimeoutError(`No answer within ${timeoutMs} ms`, { ...context, status: 0, timeoutMs });
    }
    const cause = redactor.cause(thrown);
    const detail = (cause.cause as { code?: string } | undefined)?.code ?? (cause as { code?: string }).code;
    const name = this.service === 'wppconnect' ? 'WPPConnect' : 'the gateway';
    return new ConnectionError(`Could not reach ${name}${detail ? ` (${detail})` : ''}`, {
      ...context,
      status: 0,
      cause,
    });
  }
}

function describeBody(body: Body): string {
  switch (body.kind) {
    case 'png':
      return 'a PNG image';
    case 'html':
      return 'an HTML page';
    case 'invalid-json':
      return 'malformed or truncated JSON';
    case 'empty':
      return 'an empty body';
    case 'too-large':
      return `a body larger than ${body.limit} bytes`;
    case 'too-deep':
      return `JSON nested deeper than ${body.limit} levels`;
    case 'binary':
      return `a ${body.contentType || 'binary'} body`;
    default:
      return 'plain text';
  }
}

function excerptOf(body: Body, redactor: Redactor): { bodyExcerpt?: string } {
  const excerpt = bodyExcerpt(body, 200, (text) => redactor.text(text));
  return excerpt === undefined ? {} : { bodyExcerpt: excerpt };
}

/**
 * The values of the headers that carry credentials. Only those are redacted: redacting every header value
 * would blank out harmless words such as `application/json` wherever they appear in an error.
 */
function sensitiveValues(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => isSensitiveKey(name))
    .map(([, value]) => value);
}

/**
 * The user's hooks as ky hooks. They read what the transport put in ky's `context` (a description without
 * secrets), never ky's `Request`, whose headers and URL carry the credentials.
 */
function kyHooks(
  before: NonNullable<HttpHooks['beforeRequest']>,
  after: NonNullable<HttpHooks['afterResponse']>,
) {
  return {
    beforeRequest: [
      async (request: Request, options: { context: unknown }) => {
        const context = options.context as HookContext;
        if (before.length > 0) {
          await runBeforeRequest(before, { ...context.info, attempt: context.attempt }, request.headers);
        }
        context.started = performance.now();
      },
    ],
    afterResponse: after.map(
      (hook) => async (_request: Request, options: { context: unknown }, response: Response) => {
        const context = options.context as HookContext;
        const requestId =
          response.headers.get('x-request-id') ??
          response.headers.get('x-correlation-id') ??
          context.requestId;
        const info: AfterResponseInfo = {
          ...context.info,
          attempt: context.attempt,
          status: response.status,
          durationMs: performance.now() - context.started,
        };
        if (requestId) info.requestId = requestId;
        // The hook gets figures, not the response: its body (a clone ky made) is released here.
        void response.body?.cancel().catch(() => undefined);
        await hook(info);
      },
    ),
  };
}
