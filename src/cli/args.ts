/**
 * Argument parsing on `node:util` `parseArgs`: the option sets shared by several commands, positional checks,
 * number options, and the guard that refuses secrets given as flags.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from './exit.js';

/** An option definition, as `parseArgs` takes it. */
export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
/** A set of option definitions. */
export type OptionSpecs = Record<string, OptionSpec>;
/** Parsed option values. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Where the gateway and WPPConnect are, how to authenticate (secrets by file only), and the HTTP timeout. */
export const connectionOptions = {
  'gateway-url': { type: 'string' },
  'gateway-secret-file': { type: 'string' },
  'wppconnect-url': { type: 'string' },
  'wppconnect-secret-file': { type: 'string' },
  'timeout-seconds': { type: 'string' },
} as const satisfies OptionSpecs;

/** Where the last message of each session comes from, and the zombie threshold. */
export const activityOptions = {
  'activity-file': { type: 'string' },
  'activity-url': { type: 'string' },
  'zombie-hours': { type: 'string' },
} as const satisfies OptionSpecs;

/** `--json`: print the data as JSON on stdout instead of text. */
export const jsonOption = { json: { type: 'boolean' } } as const satisfies OptionSpecs;

/** The webhook URL sent on every WPPConnect start-session (commands that may start a session). */
export const webhookOption = { 'webhook-url': { type: 'string' } } as const satisfies OptionSpecs;

/**
 * Flags people try for secrets. They are refused with a pointer to the environment or a file: a secret on the
 * command line lands in the shell history and in `ps` for every user of the machine.
 */
const SECRET_FLAG =
  /^--(gateway-secret|wppconnect-secret|wppconnect-secret-key|secret|secret-key|token)(=|$)/;

/** The result of {@link parseCommand}. */
export interface ParsedCommand {
  values: OptionValues;
  positionals: string[];
}

/** How many positionals a command takes, and their names for messages. */
export interface PositionalSpec {
  /** Names, in order, e.g. `['id']`. */
  names: readonly string[];
  /** How many are required (default: all). */
  required?: number;
}

/**
 * Parses a command's arguments strictly. Error messages name options, never values (a mistyped flag may be
 * followed by a secret).
 * @throws {@link UsageError} on an unknown option, a missing value, a secret flag or a wrong positional count.
 */
export function parseCommand(
  command: string,
  args: readonly string[],
  options: OptionSpecs,
  positionals: PositionalSpec = { names: [] },
): ParsedCommand {
  const secretFlag = args.find((arg) => SECRET_FLAG.test(arg));
  if (secretFlag !== undefined) {
    const name = secretFlag.split('=')[0];
    throw new UsageError(
      `${name} is not accepted: a secret on the command line lands in the shell history and in \`ps\`. ` +
        'Set WPP_GATEWAY_SECRET / WPPCONNECT_SECRET_KEY in the environment, or use --gateway-secret-file / --wppconnect-secret-file.',
      command,
    );
  }
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
  const required = positionals.required ?? positionals.names.length;
  if (parsed.positionals.length < required) {
    const missing = positionals.names[parsed.positionals.length];
    throw new UsageError(`missing <${missing}>`, command);
  }
  if (parsed.positionals.length > positionals.names.length) {
    // The extra argument is not echoed: it could be a secret pasted in the wrong place.
    const n = parsed.positionals.length - positionals.names.length;
    throw new UsageError(`${n} unexpected argument${n === 1 ? '' : 's'} after the options`, command);
  }
  return parsed;
}

/** parseArgs messages name the option; they are rebuilt here so that no value can ever be echoed. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing') ? `${option} needs a value` : `${option} takes no value`;
    default:
      return 'invalid arguments';
  }
}

/** Reads a string option. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a number option (`--wait-seconds 120`).
 * @throws {@link UsageError} when it is not a number in range.
 */
export function numberOption(
  command: string,
  values: OptionValues,
  name: string,
  { fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: { fallback: number; min?: number; max?: number },
): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${name} must be a number ${range}`, command);
  }
  return value;
}
