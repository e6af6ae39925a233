import type { Logger } from '../logger.js';
import type { SleepFn } from './delay.js';
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
}

/** The transport settings of a client's options (the transport applies the defaults). @internal */
export function httpSettings(options: HttpClientOptions): HttpClientOptions {
  const { timeoutMs, retry, fetch, logger, sleep, maxBodyBytes } = options;
  return { timeoutMs, retry, fetch, logger, sleep, maxBodyBytes };
}
