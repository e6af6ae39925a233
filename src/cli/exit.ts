/**
 * Exit codes, and how a failure becomes one (with a message and a hint a person can act on).
 *
 * | code | meaning |
 * |---|---|
 * | 0 | ok |
 * | 1 | problems found (a failed check, an unhealthy session, an unscanned QR, a failed repair) |
 * | 2 | usage or configuration error (unknown command or option, missing id or URL, a rejected secret, a base URL that redirects) |
 * | 3 | unreachable: connection error, timeout, a proxy's 401, or the proxy's 502/504 page |
 * @module
 */

import { SqlConnectionError, SqlQueryError } from '../activity/sql-errors.js';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  PropagationError,
  QrTimeoutError,
  RedirectError,
  ServerError,
  TimeoutError,
  WhatsAppSdkError,
} from '../errors.js';
import type { Output } from './output.js';

/** The exit codes of `whatsapp-gateway`. */
export const ExitCode = {
  ok: 0,
  problems: 1,
  usage: 2,
  unreachable: 3,
  /** Interrupted by SIGINT/SIGTERM (128 + 2, the shell convention). */
  interrupted: 130,
} as const;

/** A usage or configuration error: exit code 2. The message never contains a secret. */
export class UsageError extends Error {
  /** The command whose `--help` to point at, when known. */
  readonly command: string | undefined;

  /** @param message - What is wrong and how to fix it. @param command - The command concerned. */
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** True when the failure means "the service could not be reached" (exit 3). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (error instanceof AuthenticationError) return error.source === 'proxy';
  return error instanceof ServerError && error.fromProxy;
}

/** The exit code for a failure that ended a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return ExitCode.usage;
  if (error instanceof AbortError) return ExitCode.interrupted;
  if (isUnreachable(error)) return ExitCode.unreachable;
  if (error instanceof AuthenticationError) return ExitCode.usage;
  // A redirect means the configured URL is not the one the service answers on: a configuration error.
  if (error instanceof RedirectError) return ExitCode.usage;
  return ExitCode.problems;
}

const SERVICE_NAMES = { gateway: 'the gateway', wppconnect: 'WPPConnect', sdk: 'the SDK' } as const;

/**
 * One sentence that says what to do about an SDK error, or undefined when there is nothing better to say than
 * its message. Also used by `doctor` for its remedies.
 */
export function hintFor(error: unknown): string | undefined {
  if (!(error instanceof WhatsAppSdkError)) return undefined;
  if (error instanceof SqlConnectionError) {
    return error.code === 'bad_secret'
      ? 'the activity database refused the login: check the user and the password in WPP_ACTIVITY_DB.'
      : 'could not reach the activity database, or it dropped the connection: check the host, port and database of WPP_ACTIVITY_DB / --activity-db, and that it runs.';
  }
  if (error instanceof SqlQueryError) {
    return 'the activity database rejected the query: check --activity-table, --activity-layout and the --activity-*-column flags against your table.';
  }
  // Errors raised outside any HTTP call (the activity database's timeout) name no URL to check.
  if (error.service === 'sdk' && error instanceof ConnectionError) return undefined;
  const gateway = error.service === 'gateway';
  const urlVar = gateway
    ? 'WPP_GATEWAY_BASE_URL or --gateway-url'
    : 'WPPCONNECT_BASE_URL or --wppconnect-url';
  if (error instanceof TimeoutError) {
    return `${SERVICE_NAMES[error.service]} did not answer in time: check ${urlVar} (the port too) and raise --timeout-seconds for slow lists.`;
  }
  if (error instanceof ConnectionError) {
    return `could not connect to ${SERVICE_NAMES[error.service]}: check ${urlVar} (scheme, host and port), and that it runs.`;
  }
  if (error instanceof AuthenticationError) {
    if (error.source === 'proxy') {
      return 'a proxy in front of the gateway (nginx Basic auth: WWW-Authenticate: Basic) refused the request before the gateway saw it, so the secret was never checked. Exempt /api/ from auth_basic in nginx; changing WPP_GATEWAY_SECRET will not help.';
    }
    return gateway
      ? 'the gateway rejected its secret: set WPP_GATEWAY_SECRET (or --gateway-secret-file) to the value the gateway expects.'
      : 'WPPConnect rejected its secret key: set WPPCONNECT_SECRET_KEY (or --wppconnect-secret-file) to its SECRET_KEY.';
  }
  if (error instanceof ServerError && error.fromProxy) {
    return `the proxy in front of ${SERVICE_NAMES[error.service]} answered with its own HTTP ${error.status} page: the service behind it is down or too slow.`;
  }
  if (error instanceof RedirectError) {
    const where = error.targetOrigin ? ` to ${error.targetOrigin}` : '';
    return `${SERVICE_NAMES[error.service]} redirects${where}, and whatsapp-gateway never follows a redirect (it would carry the secret there): set ${urlVar} to the URL it redirects to (e.g. https://).`;
  }
  // The SDK's texts name no API method; here they end with the command to run.
  if (error instanceof PropagationError) {
    const next = `then run \`whatsapp-gateway reconnect ${error.sessionId}\`.`;
    if (error.service === 'gateway') {
      return `${error.likelyCause ?? ''} Set WPPCONNECT_BASE_URL and WPPCONNECT_SECRET_KEY so whatsapp-gateway can verify the session there, ${next}`.trim();
    }
    return error.likelyCause
      ? `${error.likelyCause} When that is done, ${next.replace(/^then /, '')}`
      : undefined;
  }
  if (error instanceof QrTimeoutError) {
    return `WPPConnect was still ${error.lastStatus ?? 'silent'} at the end of the wait; check its logs for Chromium errors, then run \`whatsapp-gateway reconnect ${error.sessionId}\`.`;
  }
  return undefined;
}

/**
 * Prints a failure on stderr (message, hint, and a propagation trail when there is one) and returns its exit
 * code. SDK error messages carry route templates, never URLs with secrets.
 */
export function reportFailure(out: Output, error: unknown): number {
  const style = out.errStyle;
  if (error instanceof UsageError) {
    out.error(`${style.fail('error:')} ${error.message}`);
    out.error(`Run \`whatsapp-gateway ${error.command ? `${error.command} ` : ''}--help\` for usage.`);
    return ExitCode.usage;
  }
  if (error instanceof AbortError) {
    out.error('interrupted');
    return ExitCode.interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  out.error(`${style.fail('error:')} ${message}`);
  const hint = hintFor(error);
  if (hint) out.error(`hint: ${hint}`);
  if (error instanceof PropagationError && error.actions.length > 0) {
    out.error('what was tried:');
    for (const line of formatActions(error.actions)) out.error(line);
  }
  if (!(error instanceof WhatsAppSdkError) && error instanceof Error && error.stack) {
    out.error(style.dim('This is a bug in whatsapp-gateway; please report it with the lines above.'));
  }
  return exitCodeFor(error);
}

/** A manager's audit trail, one indented line per action: step, outcome, and detail, in aligned columns. */
export function formatActions(
  actions: readonly { step: string; outcome: string; detail?: string }[],
): string[] {
  const width = Math.max(0, ...actions.map((a) => a.step.length));
  return actions.map(
    (action) =>
      `  ${action.step.padEnd(width)}  ${action.outcome}${action.detail ? ` — ${action.detail}` : ''}`,
  );
}
