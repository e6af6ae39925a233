/**
 * Dispatch: `whatsapp-gateway <command> [args]` → the command's `run`, with `--help` for everything, and
 * every failure turned into a message and an exit code. Used by `main.ts` and, in-process, by the tests.
 * @module
 */
import { createRequire } from 'node:module';
import type { Command, CommandContext } from './command.js';
import { EXIT_HELP } from './command.js';
import { createCommand } from './commands/create.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { healthcheckCommand } from './commands/healthcheck.js';
import { reconnectCommand } from './commands/reconnect.js';
import { sessionsCommand } from './commands/sessions.js';
import { simulateCommand } from './commands/simulate.js';
import { ExitCode, reportFailure, UsageError } from './exit.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  sessionsCommand,
  doctorCommand,
  createCommand,
  reconnectCommand,
  healthcheckCommand,
  simulateCommand,
  demoCommand,
];

/** The package version, read at run time (the same relative path from `src/cli` and `dist/cli`). */
function version(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: whatsapp-gateway <command> [options]

Sessions that really exist, their true status, and zombies, for a WhatsApp gateway in front of WPPConnect.

Commands:
${list}

Run \`whatsapp-gateway <command> --help\` for a command's options.

Configuration (flags win over the environment):
  WPP_GATEWAY_BASE_URL   the gateway, e.g. https://wpp.example.com:8443      (--gateway-url)
  WPP_GATEWAY_SECRET     its X-Gateway-Secret                                (--gateway-secret-file)
  WPPCONNECT_BASE_URL    WPPConnect itself, optional but recommended         (--wppconnect-url)
  WPPCONNECT_SECRET_KEY  its SECRET_KEY                                      (--wppconnect-secret-file)
  WPP_WEBHOOK_URL        webhook sent on WPPConnect start-session ({id})     (--webhook-url)
  WPP_ACTIVITY_URL       JSON of the last message per session               (--activity-url)
Secrets are read from the environment or from files only, and never printed.

${EXIT_HELP}`;
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/**
 * Runs one command line.
 * @param argv - The arguments after the program name, e.g. `['doctor', 'imobsites', '--json']`.
 * @param io - The streams and environment (`processIo()` for the real process).
 * @returns The exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const out = new Output(io);
  const ctx: CommandContext = { io, out, now: io.now ?? Date.now };
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      out.error(mainHelp());
      return ExitCode.usage;
    }
    if (isHelp(name)) {
      out.line(mainHelp());
      return ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      out.line(version());
      return ExitCode.ok;
    }
    if (name === 'help') {
      const target = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
      if (rest[0] !== undefined && !target) throw new UsageError(`unknown command "${rest[0]}"`);
      out.line(target ? target.help : mainHelp());
      return ExitCode.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const hint = name.startsWith('-') ? 'options go after the command' : `unknown command "${name}"`;
      throw new UsageError(`${hint}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    }
    if (rest.some(isHelp)) {
      out.line(command.help);
      return ExitCode.ok;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    return reportFailure(out, error);
  }
}
