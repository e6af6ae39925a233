/**
 * `toHttpError`: the one mapping from the SDK's typed errors to an HTTP status and a JSON body, reusable by
 * apps that write their own routes.
 * @module
 */
import {
  type NotFoundError,
  type PropagationError,
  type RateLimitError,
  type SessionAction,
  WhatsAppSdkError,
} from '../errors.js';

/** The JSON body of an error answer. */
export interface HttpErrorBody {
  /** What went wrong. */
  error: {
    /** Stable machine-readable code: the SDK error's `code`, or `internal_error`. */
    code: string;
    /** A sentence for people, already free of secrets. */
    message: string;
    /** The SDK error class, e.g. `PropagationError`. */
    name?: string;
    /** Which API failed upstream (`gateway`, `wppconnect`), when one did. */
    service?: string;
    /** The upstream HTTP status, when an upstream answer caused the error. */
    upstreamStatus?: number;
    /** The upstream request id, to find the call in its logs. */
    requestId?: string;
    /** For a case-only miss: the id that exists. */
    existingId?: string;
    /** For a failed propagation: the probable cause and remedy. */
    likelyCause?: string;
    /** For a failed propagation: what the manager did, step by step. */
    actions?: readonly SessionAction[];
  };
}

/** An HTTP answer for an error: status, JSON body and extra headers. */
export interface HttpError {
  /** The HTTP status to answer with. */
  status: number;
  /** The JSON body. */
  body: HttpErrorBody;
  /** Headers to add (e.g. `Retry-After`). */
  headers: Record<string, string>;
}

/**
 * The status for an SDK error code: the caller's fault (4xx), or an upstream's (502/503/504). Decided by
 * `code`, not `instanceof`, so errors from another copy of the SDK (a CommonJS and an ESM build side by side)
 * map the same way.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_argument: 400,
  not_found: 404,
  // Client closed request (nginx's 499): nobody reads it, but logs do.
  aborted: 499,
  timeout: 504,
  qr_timeout: 504,
  rate_limited: 503,
};

/** An SDK error, from this copy of the SDK or another one. */
function isSdkError(error: unknown): error is WhatsAppSdkError {
  if (error instanceof WhatsAppSdkError) return true;
  const candidate = error as Partial<WhatsAppSdkError> | null;
  return (
    error instanceof Error &&
    typeof candidate?.code === 'string' &&
    typeof candidate.service === 'string' &&
    typeof candidate.retryCount === 'number'
  );
}

/**
 * Maps any thrown value to an HTTP answer. SDK errors keep their `code` and message (which never carry a
 * secret); the upstream body excerpt and route are left out, as they speak of the upstream's internals.
 * Anything else becomes a 500 whose message says nothing about the cause.
 *
 * | error | status |
 * |---|---|
 * | `InvalidArgumentError` | 400 |
 * | `NotFoundError` | 404 |
 * | `TimeoutError`, `QrTimeoutError` | 504 |
 * | `RateLimitError` | 503 (with `Retry-After` when known) |
 * | `AuthenticationError`, `ConnectionError`, `ServerError`, `PropagationError`, other SDK errors | 502 |
 * | `AbortError` | 499 |
 * | anything else | 500 |
 *
 * @example
 * ```ts
 * app.get('/my/sessions/:id', async (req, res) => {
 *   try {
 *     res.json(await manager.getSession(req.params.id));
 *   } catch (error) {
 *     const { status, body, headers } = toHttpError(error);
 *     res.status(status).set(headers).json(body);
 *   }
 * });
 * ```
 */
export function toHttpError(error: unknown): HttpError {
  if (!isSdkError(error)) {
    return {
      status: 500,
      body: { error: { code: 'internal_error', message: 'Internal error' } },
      headers: {},
    };
  }
  const body: HttpErrorBody['error'] = { code: error.code, message: error.message, name: error.name };
  if (error.service !== 'sdk') body.service = error.service;
  if (typeof error.status === 'number' && error.status > 0 && error.service !== 'sdk')
    body.upstreamStatus = error.status;
  if (error.requestId) body.requestId = error.requestId;
  const extra = error as Partial<NotFoundError & PropagationError & RateLimitError>;
  if (typeof extra.existingId === 'string') body.existingId = extra.existingId;
  if (error.code === 'propagation_failed') {
    if (typeof extra.likelyCause === 'string') body.likelyCause = extra.likelyCause;
    if (Array.isArray(extra.actions)) body.actions = extra.actions;
  }
  const headers: Record<string, string> = {};
  if (typeof extra.retryAfterMs === 'number')
    headers['retry-after'] = String(Math.ceil(extra.retryAfterMs / 1000));
  return { status: STATUS_BY_CODE[error.code] ?? 502, body: { error: body }, headers };
}
