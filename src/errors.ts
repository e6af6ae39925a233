/**
 * The error hierarchy shared by every layer of the SDK.
 *
 * Rules every class here holds:
 * - Errors are built from a *route template* (`/api/{session}/{secretkey}/generate-token`), never from the
 *   URL that was sent, so a secret that travels in a path can never reach `message` or `stack`.
 * - `bodyExcerpt` and `cause` are sanitized by the transport before the error is constructed
 *   (redaction by construction, as octokit does): no later code path can leak what it never received.
 *
 * ```
 * WhatsAppSdkError
 * ├── ApiError                 the server answered, and the answer is a failure
 * │   ├── AuthenticationError  401 (or WPPConnect's 400 "The SECRET_KEY is incorrect"); `source` says who
 * │   ├── NotFoundError        404 / "Canal não encontrado"; `existingId` names a case-only near miss
 * │   ├── SessionNotStartedError  "Session not started. Please, use the /start-session route"
 * │   ├── RateLimitError       429 after the retries ran out
 * │   ├── RedirectError        any 3xx: redirects are never followed
 * │   └── ServerError          5xx, including nginx HTML 502/504 pages
 * ├── ConnectionError          no answer: DNS, refused, reset
 * │   └── TimeoutError         no answer within `timeoutMs`
 * ├── AbortError               the caller's `AbortSignal` fired
 * ├── ResponseValidationError  the answer did not have a shape we know
 * ├── InvalidArgumentError     bad input, rejected before any request was sent
 * ├── PropagationError         a session could not be made to exist on WPPConnect
 * ├── QrTimeoutError           no QR (nor a connection) within the wait bound
 * ├── StoreError               the SessionStore (file, Redis) failed, was unreachable or too slow
 * └── SessionBusyError         another process held the session's lease for longer than the wait bound
 * ```
 *
 * @module
 */

/** Which API an error came from. `sdk` marks errors raised before or after any request. */
export type Service = 'gateway' | 'wppconnect' | 'sdk';

/** Short, stable, machine-readable reason attached to every {@link WhatsAppSdkError}. */
export type ErrorCode =
  | 'api_error'
  | 'bad_secret'
  | 'proxy_auth'
  | 'not_found'
  | 'session_not_active'
  | 'session_not_started'
  | 'rate_limited'
  | 'server_error'
  | 'connection_failed'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'invalid_argument'
  | 'propagation_failed'
  | 'qr_timeout'
  | 'redirected'
  | 'store_failed'
  | 'session_busy';

/** Where a failed request went and what came back. Every field is safe to log. */
export interface ErrorContext {
  /** The API that was called. */
  service?: Service;
  /** HTTP method, upper case. */
  method?: string;
  /** Route template such as `/api/channels/{id}`: never the real URL, which may hold a secret. */
  path?: string;
  /** HTTP status; `0` when no response arrived. */
  status?: number;
  /** `X-Request-Id` sent or received, when known. */
  requestId?: string;
  /** Up to 200 characters of the response body, with secrets removed and HTML reduced to its text. */
  bodyExcerpt?: string;
  /** How many times the request was retried before this error. */
  retryCount?: number;
  /** The underlying error, already sanitized. */
  cause?: unknown;
}

/** Options shared by every error constructor. */
export interface ErrorOptions extends ErrorContext {
  /** Overrides the class's default {@link ErrorCode}. */
  code?: ErrorCode;
}

function describeContext(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.service && ctx.service !== 'sdk') parts.push(ctx.service);
  if (ctx.method && ctx.path) parts.push(`${ctx.method} ${ctx.path}`);
  if (ctx.status !== undefined && ctx.status !== 0) parts.push(`HTTP ${ctx.status}`);
  if (ctx.retryCount) parts.push(`after ${ctx.retryCount} ${ctx.retryCount === 1 ? 'retry' : 'retries'}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * Base class of every error the SDK throws. Catch this to catch them all.
 *
 * @example
 * ```ts
 * try {
 *   await gateway.getChannel('sales');
 * } catch (error) {
 *   if (error instanceof WhatsAppSdkError) console.error(error.code, error.path, error.status);
 *   throw error;
 * }
 * ```
 */
export class WhatsAppSdkError extends Error {
  /** Stable machine-readable reason. */
  readonly code: ErrorCode;
  /** The API that was called, or `sdk` when no request was involved. */
  readonly service: Service;
  /** HTTP method of the failed request, when there was one. */
  readonly method: string | undefined;
  /** Route template of the failed request (no secrets), when there was one. */
  readonly path: string | undefined;
  /** HTTP status; `0` when no response arrived; `undefined` when no request was made. */
  readonly status: number | undefined;
  /** Request id sent or received, when known. */
  readonly requestId: string | undefined;
  /** Sanitized excerpt of the response body. */
  readonly bodyExcerpt: string | undefined;
  /** Number of retries made before giving up. */
  readonly retryCount: number;

  /**
   * @param message - Human-readable summary; the request context is appended to it.
   * @param options - Request context, sanitized by the caller.
   * @param defaultCode - Code used when `options.code` is absent.
   */
  constructor(message: string, options: ErrorOptions = {}, defaultCode: ErrorCode = 'api_error') {
    super(
      message + describeContext(options),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = options.code ?? defaultCode;
    this.service = options.service ?? 'sdk';
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.requestId = options.requestId;
    this.bodyExcerpt = options.bodyExcerpt;
    this.retryCount = options.retryCount ?? 0;
  }

  /** A plain object with every public field, for structured logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      service: this.service,
      method: this.method,
      path: this.path,
      status: this.status,
      requestId: this.requestId,
      bodyExcerpt: this.bodyExcerpt,
      retryCount: this.retryCount,
    };
  }
}

/** The server answered and the answer is a failure (an HTTP error status, or `success:false` in a 200). */
export class ApiError extends WhatsAppSdkError {
  /** HTTP status of the answer (200 when the failure was only in the body). */
  declare readonly status: number;

  /** @param message - Summary; @param options - Request context. @param defaultCode - Code when none is given. */
  constructor(
    message: string,
    options: ErrorOptions & { status: number },
    defaultCode: ErrorCode = 'api_error',
  ) {
    super(message, options, defaultCode);
  }
}

/** Who rejected the credentials of a request. */
export type AuthenticationSource = 'proxy' | 'application';

/**
 * The credentials were refused.
 *
 * `source: 'proxy'` means a reverse proxy in front of the gateway (nginx Basic auth: `WWW-Authenticate: Basic`
 * or an HTML body) answered; the request never reached the gateway's `X-Gateway-Secret` check, so changing
 * the secret will not help. `source: 'application'` means the gateway or WPPConnect itself
 * rejected the secret, secret key or token.
 */
export class AuthenticationError extends ApiError {
  /** `proxy` for a proxy's Basic-auth challenge, `application` for the API's own check. */
  readonly source: AuthenticationSource;

  /** @param message - Summary; @param options - Request context plus who refused. */
  constructor(message: string, options: ErrorOptions & { status: number; source: AuthenticationSource }) {
    super(message, options, options.source === 'proxy' ? 'proxy_auth' : 'bad_secret');
    this.source = options.source;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source };
  }
}

/**
 * The channel or session does not exist, or (code `session_not_active`) WPPConnect has no live client for it.
 * When the id missed only by letter case, `existingId` names the id that exists (session ids are case-sensitive).
 */
export class NotFoundError extends ApiError {
  /** The id that exists when the lookup missed only by letter case (`Sales` for `sales`). */
  readonly existingId: string | undefined;

  /** @param message - Summary; @param options - Request context plus the near-miss id. */
  constructor(message: string, options: ErrorOptions & { status: number; existingId?: string }) {
    super(message, options, 'not_found');
    this.existingId = options.existingId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), existingId: this.existingId };
  }
}

/**
 * WPPConnect has never started this session ("Session not started. Please, use the /start-session route").
 * The remedy is a start-session call; `SessionManager` does it for you.
 */
export class SessionNotStartedError extends ApiError {
  /** @param message - Summary; @param options - Request context. */
  constructor(message: string, options: ErrorOptions & { status: number }) {
    super(message, options, 'session_not_started');
  }
}

/** HTTP 429 that outlived the retries. */
export class RateLimitError extends ApiError {
  /** Delay the server asked for, in milliseconds, when it sent `Retry-After`. */
  readonly retryAfterMs: number | undefined;

  /** @param message - Summary; @param options - Request context plus the server's `Retry-After`. */
  constructor(message: string, options: ErrorOptions & { status: number; retryAfterMs?: number }) {
    super(message, options, 'rate_limited');
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The server answered with a redirect (any 3xx). The SDK never follows one: `fetch` would send the
 * `X-Gateway-Secret` header (and WPPConnect's secret key, which travels in the path) to whatever origin the
 * `Location` names, and a 301/302/303 would turn a create, start or send into a GET that "succeeds" without
 * doing anything. The usual cause is a base URL that is not the one the server wants (`http://` where it
 * redirects to `https://`, a missing port or path prefix): fix the base URL.
 *
 * `targetOrigin` names only the origin of the `Location` (scheme, host, port), never its path or query.
 */
export class RedirectError extends ApiError {
  /** Origin the server redirected to (`https://gateway.example:8443`), or undefined when none was readable. */
  readonly targetOrigin: string | undefined;
  /** True when the redirect pointed to the origin of the request itself (e.g. a path or trailing-slash fix). */
  readonly sameOrigin: boolean;

  /** @param message - Summary; @param options - Request context plus where the redirect pointed. */
  constructor(
    message: string,
    options: ErrorOptions & { status: number; targetOrigin?: string; sameOrigin?: boolean },
  ) {
    super(message, options, 'redirected');
    this.targetOrigin = options.targetOrigin;
    this.sameOrigin = options.sameOrigin ?? false;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), targetOrigin: this.targetOrigin, sameOrigin: this.sameOrigin };
  }
}

/**
 * HTTP 5xx. `fromProxy` is true when the body was an HTML page (nginx 502/504), which means the gateway
 * itself did not answer in time or at all.
 */
export class ServerError extends ApiError {
  /** True when an HTML error page (a proxy's) came back instead of the API's JSON. */
  readonly fromProxy: boolean;

  /** @param message - Summary; @param options - Request context plus whether a proxy answered. */
  constructor(message: string, options: ErrorOptions & { status: number; fromProxy?: boolean }) {
    super(message, options, 'server_error');
    this.fromProxy = options.fromProxy ?? false;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), fromProxy: this.fromProxy };
  }
}

/** No HTTP answer arrived: DNS failure, connection refused or reset. `status` is `0`. */
export class ConnectionError extends WhatsAppSdkError {
  /** @param message - Summary; @param options - Request context. @param defaultCode - Code when none is given. */
  constructor(message: string, options: ErrorOptions = {}, defaultCode: ErrorCode = 'connection_failed') {
    super(message, { status: 0, ...options }, defaultCode);
  }
}

/** No answer within the per-attempt timeout (`timeoutMs`), on the last attempt. */
export class TimeoutError extends ConnectionError {
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /** @param message - Summary; @param options - Request context plus the timeout. */
  constructor(message: string, options: ErrorOptions & { timeoutMs?: number } = {}) {
    super(message, options, 'timeout');
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. Nothing is retried after an abort. */
export class AbortError extends WhatsAppSdkError {
  /** @param message - Summary; @param options - Request context, when a request was in flight. */
  constructor(message = 'The operation was aborted', options: ErrorOptions = {}) {
    super(message, options, 'aborted');
  }
}

/** One problem found while validating a response: where, and what was expected. Never the value itself. */
export interface ValidationIssue {
  /** Path inside the body, e.g. `channels.0.status`. */
  path: string;
  /** What was wrong, e.g. `expected string, received number`. */
  message: string;
}

/**
 * A response did not have any shape the SDK knows: not JSON, truncated JSON, PNG where JSON was expected,
 * or JSON of an unknown form. `issues` says where, without echoing values (they could hold secrets).
 */
export class ResponseValidationError extends WhatsAppSdkError {
  /** The problems found, at most 10. */
  readonly issues: readonly ValidationIssue[];

  /** @param message - Summary; @param options - Request context plus the issues. */
  constructor(message: string, options: ErrorOptions & { issues?: readonly ValidationIssue[] } = {}) {
    super(message, options, 'invalid_response');
    this.issues = options.issues ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** An argument was rejected before any request was sent. `argument` names it. */
export class InvalidArgumentError extends WhatsAppSdkError {
  /** Name of the offending argument or option, e.g. `sessionId` or `options.baseUrl`. */
  readonly argument: string;

  /** @param argument - Which argument; @param message - What was wrong with it. */
  constructor(argument: string, message: string) {
    super(`Invalid ${argument}: ${message}`, {}, 'invalid_argument');
    this.argument = argument;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), argument: this.argument };
  }
}

/** One step the `SessionManager` took or observed; the audit trail of reports and of {@link PropagationError}. */
export interface SessionAction {
  /** What was done or seen, e.g. `gateway.createChannel`, `wppconnect.getStatus`, `wait`. */
  step: string;
  /** Outcome in a few words: `ok`, `QRCODE`, `absent`, `error: HTTP 500`… */
  outcome: string;
  /** When it happened (the manager's clock). */
  at: Date;
  /** Extra detail for a person reading the trail. */
  detail?: string;
}

/**
 * A session could not be made to exist on WPPConnect: the gateway's create "succeeded" but every repair
 * failed, or the session stayed stuck. `actions` is the full trail; `likelyCause` says what to do.
 */
export class PropagationError extends WhatsAppSdkError {
  /** The session that could not be propagated. */
  readonly sessionId: string;
  /** Everything the manager did and saw, in order. */
  readonly actions: readonly SessionAction[];
  /** The probable cause and remedy, in a sentence, when known. */
  readonly likelyCause: string | undefined;

  /** @param message - Summary; @param options - The session, the trail and the likely cause. */
  constructor(
    message: string,
    options: ErrorOptions & { sessionId: string; actions: readonly SessionAction[]; likelyCause?: string },
  ) {
    super(message, options, 'propagation_failed');
    this.sessionId = options.sessionId;
    this.actions = options.actions;
    this.likelyCause = options.likelyCause;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      sessionId: this.sessionId,
      actions: this.actions,
      likelyCause: this.likelyCause,
    };
  }
}

/** No QR code (and no connection) appeared within the wait bound. */
export class QrTimeoutError extends WhatsAppSdkError {
  /** The session waited on. */
  readonly sessionId: string;
  /** How long the manager waited, in milliseconds. */
  readonly waitedMs: number;
  /** The last WPPConnect status seen, e.g. `INITIALIZING`. */
  readonly lastStatus: string | undefined;

  /** @param message - Summary; @param options - The session, the wait and the last status seen. */
  constructor(
    message: string,
    options: ErrorOptions & { sessionId: string; waitedMs: number; lastStatus?: string },
  ) {
    super(message, options, 'qr_timeout');
    this.sessionId = options.sessionId;
    this.waitedMs = options.waitedMs;
    this.lastStatus = options.lastStatus;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      sessionId: this.sessionId,
      waitedMs: this.waitedMs,
      lastStatus: this.lastStatus,
    };
  }
}

/** Which {@link StoreError} happened: no answer in time, no connection, or an answer that is a failure. */
export type StoreFailure = 'timeout' | 'unavailable' | 'failed' | 'corrupt';

/**
 * The `SessionStore` could not do what was asked: Redis down, too slow or answering an error, a state file
 * that cannot be read, written or locked. Thrown within a bound (a store call never hangs). The message names
 * the store and the operation, and at most a short error code from the driver (such as `ECONNREFUSED` or
 * `WRONGPASS`): never a URL, a password or a driver's full message, so it is safe to log.
 */
export class StoreError extends WhatsAppSdkError {
  /** The store kind: `memory`, `file` or `redis`. */
  readonly store: string;
  /** The store operation, e.g. `lastActivity` or `acquireLease`. */
  readonly operation: string;
  /** What went wrong. */
  readonly failure: StoreFailure;

  /** @param message - Summary; @param options - The store, the operation and the kind of failure. */
  constructor(message: string, options: { store: string; operation: string; failure: StoreFailure }) {
    super(message, {}, 'store_failed');
    this.store = options.store;
    this.operation = options.operation;
    this.failure = options.failure;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store, operation: this.operation, failure: this.failure };
  }
}

/**
 * Another process held the session's lease (it was repairing or creating the session) for longer than the
 * manager waits: nothing was done to the session by this call. Or, with `leaseLost`, this call's own lease
 * ran out while it worked (the process was paused or starved for longer than `leaseTtlMs`), so it stopped
 * before its next close-session or gateway delete rather than undo what another process may have repaired
 * meanwhile. Try again later.
 */
export class SessionBusyError extends WhatsAppSdkError {
  /** The session whose lease was held. */
  readonly sessionId: string;
  /** How long this call waited, in milliseconds. */
  readonly waitedMs: number;
  /** True when this call held the lease and lost it while working (it stopped half-way, on purpose). */
  readonly leaseLost: boolean;

  /** @param message - Summary; @param options - The session, the wait, and whether the lease was lost. */
  constructor(message: string, options: { sessionId: string; waitedMs: number; leaseLost?: boolean }) {
    super(message, {}, 'session_busy');
    this.sessionId = options.sessionId;
    this.waitedMs = options.waitedMs;
    this.leaseLost = options.leaseLost ?? false;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      sessionId: this.sessionId,
      waitedMs: this.waitedMs,
      ...(this.leaseLost ? { leaseLost: true } : {}),
    };
  }
}
