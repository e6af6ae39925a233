/**
 * The one place where an HTTP answer becomes a typed error (openai-node's `APIError.generate`).
 * @module
 */
import {
  ApiError,
  AuthenticationError,
  type ErrorContext,
  NotFoundError,
  RateLimitError,
  ServerError,
  SessionNotStartedError,
  type WhatsAppSdkError,
} from '../errors.js';
import { type Body, bodyExcerpt, messageOf } from './body.js';
import type { Redactor } from './redact.js';

/** What the factory needs to know about a failed answer. @internal */
export interface FailedAnswer {
  context: ErrorContext & { status: number };
  headers: Headers;
  body: Body;
  retryAfterMs?: number;
}

const SESSION_NOT_STARTED = /session not started|use the \/start-session route/i;
const SESSION_NOT_ACTIVE = /n[ãa]o est[áa] ativa|not active/i;
const NOT_FOUND = /n[ãa]o encontrad|not found/i;

/** Text both APIs put in a failure, redacted. @internal */
export function failureMessage(body: Body, redactor: Redactor): string | undefined {
  const redact = (text: string) => redactor.text(text);
  const raw = messageOf(body) ?? (body.kind === 'html' ? bodyExcerpt(body, 200, redact) : undefined);
  return raw === undefined ? undefined : redact(raw).slice(0, 200);
}

/**
 * Picks the error class from the status, the headers and the body. `success:false` bodies sent with HTTP 200
 * go through here too, with their real status.
 * @internal
 */
export function errorFromAnswer(answer: FailedAnswer, redactor: Redactor): WhatsAppSdkError {
  const { status } = answer.context;
  // Redacted before it is cut to length, so no half of a secret survives the cut.
  const context = { ...answer.context, bodyExcerpt: bodyExcerpt(answer.body, 200, (t) => redactor.text(t)) };
  const serverMessage = failureMessage(answer.body, redactor);
  const said = serverMessage ? `: ${serverMessage}` : '';
  const service = answer.context.service === 'wppconnect' ? 'WPPConnect' : 'The gateway';

  if (serverMessage && SESSION_NOT_STARTED.test(serverMessage)) {
    return new SessionNotStartedError(`${service} says the session was never started${said}`, context);
  }
  if (status === 401 || status === 407) {
    const challenge = answer.headers.get('www-authenticate') ?? '';
    const fromProxy = /^\s*basic/i.test(challenge) || answer.body.kind === 'html';
    if (fromProxy) {
      return new AuthenticationError(
        `A proxy in front of the ${answer.context.service ?? 'API'} refused the request with HTTP Basic auth ` +
          `(${redactor.text(challenge) || 'HTML 401 page'}); it never reached the secret check, so the secret is not the problem`,
        { ...context, source: 'proxy' },
      );
    }
    return new AuthenticationError(`${service} rejected the credentials${said}`, {
      ...context,
      source: 'application',
    });
  }
  // A 200 with `success:false` says what went wrong only in words, so the words pick the class.
  const bodyOnlyFailure = status >= 200 && status < 300;
  const notActive = serverMessage !== undefined && SESSION_NOT_ACTIVE.test(serverMessage);
  const notFound = serverMessage !== undefined && NOT_FOUND.test(serverMessage);
  if (status === 404 || (bodyOnlyFailure && (notActive || notFound))) {
    return new NotFoundError(
      notActive
        ? `${service} says the WhatsApp session is not active${said}`
        : `${service} answered not found${said}`,
      { ...context, ...(notActive ? { code: 'session_not_active' as const } : {}) },
    );
  }
  if (status === 429) {
    return new RateLimitError(`${service} is rate limiting requests${said}`, {
      ...context,
      ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
    });
  }
  if (status >= 500) {
    const fromProxy = answer.body.kind === 'html';
    const what = fromProxy
      ? `a proxy answered with an HTML error page (${context.bodyExcerpt ?? `HTTP ${status}`}) instead of ${service === 'WPPConnect' ? 'WPPConnect' : 'the gateway'}`
      : `${service} failed${said}`;
    return new ServerError(what.charAt(0).toUpperCase() + what.slice(1), { ...context, fromProxy });
  }
  return new ApiError(`${service} refused the request${said}`, context);
}
