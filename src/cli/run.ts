/**
 * Dispatch: `whatsapp-gateway <command> [args]` → the command's `run`, with `--help` for everything, and
 * every failure turned into a message and an exit code. Used by `main.ts` and, in-process, by the tests.
 * @module
 */
import { createRequire } from 'node:module';
import { activityOptions, connectionOptions, didYouMean, type OptionDefs, webhookOption } from './args.js';
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
import { twoColumns } from './help.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { closeStores } from './store.js';
import { DEFAULT_WIDTH, streamWidth, wrap, wrapLine } from './text.js';

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

/** The options read from the environment, listed in the top-level help. */
const ENV_OPTIONS: OptionDefs = { ...connectionOptions, ...webhookOption, ...activityOptions };

/** The top-level help, wrapped to `width` columns: generated from the commands and the option definitions. */
export function mainHelp(width = DEFAULT_WIDTH): string {
  const commands = twoColumns(
    COMMANDS.map((c) => [c.name, c.summary] as const),
    width,
  );
  const env = twoColumns(
    Object.entries(ENV_OPTIONS).flatMap(([name, def]) =>
      def.env ? [[def.env, `${def.envHelp ?? def.help} (--${name})`] as const] : [],
    ),
    width,
  );
  return [
    'Usage: whatsapp-gateway <command> [options]',
    wrap(
      'Sessions that really exist, their true status, and zombies, for a WhatsApp gateway in front of WPPConnect.',
      width,
    ),
    ['Commands:', ...commands].join('\n'),
    wrap("Run `whatsapp-gateway <command> --help` for a command's options.", width),
    [
      'Configuration (flags win over the environment):',
      ...env,
      ...wrapLine('Secrets are read from the environment or from files only, and never printed.', width),
    ].join('\n'),
    wrap(EXIT_HELP, width),
  ].join('\n\n');
}

/** Finds a command by name, or throws a usage error suggesting the closest one. */
function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const names = COMMANDS.map((c) => c.name);
  if (name.startsWith('-')) {
    throw new UsageError(`options go after the command; commands: ${names.join(', ')}`);
  }
  // A word that cannot be a command may be a secret pasted in the wrong place (one read from a file is not
  // known yet, so it would not be masked): it is not echoed.
  if (!/^[a-z][a-z-]{0,23}$/.test(name)) {
    throw new UsageError(
      `unknown command (not shown: it does not look like one); commands: ${names.join(', ')}`,
    );
  }
  const suggestion = didYouMean(name, names);
  throw new UsageError(
    `unknown command "${name}"${suggestion ? `; did you mean ${suggestion}?` : `; commands: ${names.join(', ')}`}`,
  );
}

/**
 * Refuses to run with Node's HTTP client debugging on: `NODE_DEBUG=undici` (or `fetch`) makes Node print every
 * request URL to stderr, and WPPConnect's secret key travels in the path of generate-token.
 * @throws {@link UsageError} (exit 2).
 */
function refuseDebugLogging(env: CliIo['env']): void {
  const sections = (env['NODE_DEBUG'] ?? '').split(/[\s,]+/).map((s) => s.toLowerCase());
  const unsafe = sections.find((s) => s === 'undici' || s === 'fetch' || s === '*');
  if (unsafe !== undefined) {
    throw new UsageError(
      `NODE_DEBUG=${unsafe} makes Node print every request URL, and the WPPConnect secret key travels in one: unset NODE_DEBUG (or remove ${unsafe} from it)`,
    );
  }
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/**
 * Runs one command line.
 * @param argv - The arguments after the program name, e.g. `['doctor', 'frontdesk', '--json']`.
 * @param io - The streams and environment (`processIo()` for the real process).
 * @returns The exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const out = new Output(io);
  const ctx: CommandContext = { io, out, now: io.now ?? Date.now };
  const [name, ...rest] = argv;
  // Help goes to stdout (or stderr when it explains a usage error) wrapped to that stream's width.
  const width = (stream: 'out' | 'err') =>
    streamWidth(stream === 'out' ? io.stdout : io.stderr, io.env) ?? DEFAULT_WIDTH;
  try {
    if (name === undefined) {
      out.error(mainHelp(width('err')));
      return ExitCode.usage;
    }
    if (isHelp(name)) {
      out.line(mainHelp(width('out')));
      return ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      out.line(version());
      return ExitCode.ok;
    }
    if (name === 'help') {
      const target = rest[0] === undefined ? undefined : findCommand(rest[0]);
      out.line(target ? target.help(width('out')) : mainHelp(width('out')));
      return ExitCode.ok;
    }
    const command = findCommand(name);
    refuseDebugLogging(io.env);
    if (rest.some(isHelp)) {
      out.line(command.help(width('out')));
      return ExitCode.ok;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    return reportFailure(out, error);
  } finally {
    await closeStores(io);
  }
}
