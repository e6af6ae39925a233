/**
 * The shape of a command, and the help text blocks several commands share.
 * @module
 */
import type { CliIo } from './io.js';
import type { Output } from './output.js';

/** What a command runs with. */
export interface CommandContext {
  /** Streams, environment, working directory, cancellation. */
  io: CliIo;
  /** The printer for this run. */
  out: Output;
  /** The current time in epoch milliseconds. */
  now(): number;
}

/** One `whatsapp-gateway <name>` command. */
export interface Command {
  /** The word typed after `whatsapp-gateway`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /**
   * Runs the command.
   * @param args - The arguments after the command name.
   * @returns The exit code (see `exit.ts`).
   */
  run(args: readonly string[], ctx: CommandContext): Promise<number>;
}

/** Help for the connection options. */
export const CONNECTION_HELP = `Connection (flags win over the environment):
  --gateway-url <url>              the gateway, e.g. https://wpp.example.com:8443     [WPP_GATEWAY_BASE_URL]
  --gateway-secret-file <path>     a file holding the gateway's X-Gateway-Secret      [WPP_GATEWAY_SECRET]
  --wppconnect-url <url>           WPPConnect itself; without it nothing is verified  [WPPCONNECT_BASE_URL]
                                   there and the gateway's word is taken
  --wppconnect-secret-file <path>  a file holding WPPConnect's SECRET_KEY             [WPPCONNECT_SECRET_KEY]
  --timeout-seconds <n>            per-request timeout (default 15)
  Secrets are never accepted as flag values (they would land in shell history and in \`ps\`), and never
  printed, not even in part.`;

/** Help for the activity options. */
export const ACTIVITY_HELP = `Activity (the zombie rule: connected, but no message for too long):
  --activity-file <path>  JSON object: session id → ISO time of its last message, or null
  --activity-url <url>    GET answering the same JSON, one request per run          [WPP_ACTIVITY_URL]
  --zombie-hours <n>      silence after which a connected session is a zombie (default 4)`;

/** Help for `--webhook-url`. */
export const WEBHOOK_HELP = `  --webhook-url <url>     webhook sent on every WPPConnect start-session; {id} is replaced by the
                          session id. A start without one drops the webhook WPPConnect had  [WPP_WEBHOOK_URL]`;

/** The exit code line of every help. */
export const EXIT_HELP =
  'Exit codes: 0 ok, 1 problems found, 2 usage or configuration error, 3 unreachable (connection error,\ntimeout, or a proxy refusing the request).';
