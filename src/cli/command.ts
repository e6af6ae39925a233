/**
 * The shape of a command: one definition gives its parser, its `--help` and its run, so a flag is declared
 * once (in `args.ts` or in the command's own option group) and shows up everywhere it applies.
 * @module
 */
import { type OptionGroup, type ParsedCommand, type PositionalSpec, parseCommand } from './args.js';
import { renderHelp } from './help.js';
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

/** What a command is made of; {@link defineCommand} turns it into a {@link Command}. */
export interface CommandSpec {
  /** The word typed after `whatsapp-gateway`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** After the command name in the usage line, e.g. `<id> [options]`. */
  usage: string;
  /** What the command does: one logical line per line, wrapped to the terminal by the help. */
  description: string;
  /** The options, in help order: its own group first, then shared ones such as `connectionGroup`. */
  options: readonly OptionGroup[];
  /** The positional arguments (default: none). */
  positionals?: PositionalSpec;
  /** Help text after the options. */
  more?: string;
  /** The exit-code paragraph (default {@link EXIT_HELP}). */
  exitCodes?: string;
  /** Help lines after the exit codes (what the codes mean for this command). */
  footer?: string;
  /**
   * Runs the command on its parsed arguments.
   * @returns The exit code (see `exit.ts`).
   */
  run(parsed: ParsedCommand, ctx: CommandContext): Promise<number>;
}

/** One `whatsapp-gateway <name>` command. */
export interface Command {
  /** The word typed after `whatsapp-gateway`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Its definition. */
  spec: CommandSpec;
  /** The full `--help` text, wrapped to `width` columns (default 80). */
  help(width?: number): string;
  /**
   * Parses `args` and runs the command.
   * @param args - The arguments after the command name.
   * @returns The exit code (see `exit.ts`).
   */
  run(args: readonly string[], ctx: CommandContext): Promise<number>;
}

/** The exit code paragraph of every help. */
export const EXIT_HELP =
  'Exit codes: 0 ok, 1 problems found, 2 usage or configuration error (including a rejected secret), 3 unreachable (connection error, timeout, or a proxy refusing the request).';

/** Builds a command from its definition: the parser and the help both come from `spec.options`. */
export function defineCommand(spec: CommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    spec,
    help: (width) => renderHelp({ ...spec, exitCodes: spec.exitCodes ?? EXIT_HELP }, width),
    run: async (args, ctx) => spec.run(parseCommand(spec.name, args, spec.options, spec.positionals), ctx),
  };
}
