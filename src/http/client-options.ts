import { InvalidArgumentError } from '../errors.js';
import {
  assertDelayMs,
  assertPositiveInteger,
  assertRetryCount,
  assertTimeoutMs,
} from '../internal/options.js';
import type { Logger } from '../logger.js';
import type { SleepFn } from './delay.js';
import type { HeadersOption, HttpHooks } from './hooks.js';
import type { RetryOptions } from './retry.js';

/** How requests are sent: options shared by `WhatsAppGatewayClient` and `WppConnectClient`. */
export interface HttpClientOptions {
  /** Timeout of each attempt, in ms. Default 15 000 (ky's 10 s is short for WPPConnect under load). */
  timeoutMs?: number;
  /** Retry policy for idempotent calls, or a retry count. Default 2 retries. */
  retry?: RetryOptions | number;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Receives request and retry lines, secrets removed. */
  logger?: Logger;
  /** Wait between retries; injectable so tests do not sleep. */
  sleep?: SleepFn;
  /** Largest body read, in bytes. Default 10 MiB; larger bodies are cancelled, not buffered. */
  maxBodyBytes?: number;
  /**
   * Extra headers on every request: an object, or a function of the request (service, method, route
   * template, session id) returning one. The client's own credential header (`X-Gateway-Secret` for the
   * gateway, `Authorization` for WPPConnect) cannot be set here: it is refused with an `InvalidArgumentError`
   * (at construction for an object, on the call for a function) rather than silently replacing or losing the
   * credential. A header whose name reads as a credential (e.g. a proxy's `Authorization` in front of the
   * gateway) is sent and redacted from errors and logs like the secret.
   */
  headers?: HeadersOption;
  /**
   * Callbacks before each attempt (add tracing headers) and after each answer (metrics), run through ky's
   * hooks. They receive a description of the request (service, method, route template, session id, attempt,
   * status, duration, request id, headers without credentials), never the secret or the URL that carries it.
   */
  hooks?: HttpHooks;
}

/**
 * The transport settings of a client's options, checked (the transport applies the defaults).
 * A NaN, infinite or string timeout would silently disable it, and a retry count of 1e9 would never end: both
 * are refused here, at construction, naming the option (as openai-node does for `timeout` and `maxRetries`).
 * @throws {@link InvalidArgumentError} naming the first bad option.
 * @internal
 */
export function httpSettings(
  options: HttpClientOptions,
): Omit<HttpClientOptions, 'headers'> & { userHeaders?: HeadersOption | undefined } {
  const { timeoutMs, retry, fetch, logger, sleep, maxBodyBytes, headers, hooks } = options;
  if (timeoutMs !== undefined) assertTimeoutMs(timeoutMs, 'options.timeoutMs');
  if (typeof retry === 'number') assertRetryCount(retry, 'options.retry');
  else if (retry !== undefined) {
    if (retry === null || typeof retry !== 'object') {
      throw new InvalidArgumentError('options.retry', 'must be a retry count or a RetryOptions object');
    }
    if (retry.limit !== undefined) assertRetryCount(retry.limit, 'options.retry.limit');
    for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
      if (retry[key] !== undefined) assertDelayMs(retry[key], `options.retry.${key}`);
    }
    if (retry.jitter !== undefined && typeof retry.jitter !== 'boolean') {
      throw new InvalidArgumentError('options.retry.jitter', 'must be a boolean');
    }
  }
  for (const [name, value] of [
    ['fetch', fetch],
    ['sleep', sleep],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidArgumentError(`options.${name}`, 'must be a function');
    }
  }
  if (logger !== undefined && (logger === null || typeof logger !== 'object')) {
    throw new InvalidArgumentError('options.logger', 'must be an object with debug/info/warn/error methods');
  }
  if (maxBodyBytes !== undefined) assertPositiveInteger(maxBodyBytes, 'options.maxBodyBytes');
  if (
    headers !== undefined &&
    typeof headers !== 'function' &&
    (headers === null || typeof headers !== 'object')
  ) {
    throw new InvalidArgumentError(
      'options.headers',
      'must be an object of headers or a function returning one',
    );
  }
  if (hooks !== undefined) assertHooks(hooks);
  return { timeoutMs, retry, fetch, logger, sleep, maxBodyBytes, userHeaders: headers, hooks };
}

function assertHooks(hooks: unknown): asserts hooks is HttpHooks {
  if (hooks === null || typeof hooks !== 'object') {
    throw new InvalidArgumentError(
      'options.hooks',
      'must be an object with beforeRequest / afterResponse lists',
    );
  }
  for (const name of ['beforeRequest', 'afterResponse'] as const) {
    const list = (hooks as Record<string, unknown>)[name];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((hook) => typeof hook !== 'function')) {
      throw new InvalidArgumentError(`options.hooks.${name}`, 'must be a list of functions');
    }
  }
}

/**
 * Checks the per-call options that change how a request is sent.
 * @throws {@link InvalidArgumentError} naming the bad option.
 * @internal
 */
export function assertCallOptions(call: { timeoutMs?: unknown; maxRetries?: unknown } | undefined): void {
  if (call?.timeoutMs !== undefined) assertTimeoutMs(call.timeoutMs, 'options.timeoutMs');
  if (call?.maxRetries !== undefined) assertRetryCount(call.maxRetries, 'options.maxRetries');
}
