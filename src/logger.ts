/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * Where the SDK writes what it does. Every method is optional, so `console`, pino (with a thin adapter) or
 * `{ warn: myWarn }` all fit. Secrets are removed from the message and fields before a method is called.
 *
 * @example
 * ```ts
 * const gateway = new WhatsAppGatewayClient({ baseUrl, secret, logger: console });
 * ```
 */
export interface Logger {
  /** Each request and retry. */
  debug?(message: string, fields?: LogFields): void;
  /** Session-level events (created, repaired, connected). */
  info?(message: string, fields?: LogFields): void;
  /** Something is off but the call goes on (an inconsistent status, a repair). */
  warn?(message: string, fields?: LogFields): void;
  /** A call failed. */
  error?(message: string, fields?: LogFields): void;
}

/** The level of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
