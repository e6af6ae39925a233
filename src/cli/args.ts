/**
 * Argument parsing on `node:util` `parseArgs`, driven by option definitions that also carry the help text:
 * adding a flag is one entry in one of the option sets below (or in a command's own set), and it is then
 * parsed, checked (numbers), suggested ("did you mean"), and listed in `--help` by every command using it.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from './exit.js';

/** How a number option is checked when it is parsed. */
export interface NumberRule {
  /** The smallest value accepted (inclusive). Default 0. */
  min?: number;
  /** The largest value accepted (inclusive). */
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
}

/** One option: how it parses and how `--help` shows it. */
export interface OptionDef {
  /** `string` takes a value (`--gateway-url <url>`); `boolean` is a switch (`--json`). */
  type: 'string' | 'boolean';
  /** A one-letter alias (`-h`). */
  short?: string;
  /** The value's name in help: `<url>`, `<path>`, `<n>`. Default `value`. */
  arg?: string;
  /** What it does, on one line; help wraps it to the terminal. */
  help: string;
  /** The environment variable used when the flag is absent, listed as `[NAME]`. */
  env?: string;
  /** What the environment variable holds, when `help` does not say it (a file flag for a secret). */
  envHelp?: string;
  /** The default, listed as `(default …)`. */
  default?: string | number;
  /** A number option: checked by {@link parseCommand}, so every command reports a bad value the same way. */
  number?: NumberRule;
}

/** A set of option definitions, by name (without the leading `--`). */
export type OptionDefs = Record<string, OptionDef>;

/** A titled block of options in `--help`, with notes printed under it. */
export interface OptionGroup {
  /** The heading, e.g. `Connection (flags win over the environment)`. */
  title: string;
  /** The options, in help order. */
  options: OptionDefs;
  /** Lines printed under the options (each wrapped to the terminal). */
  notes?: readonly string[];
}

/** Parsed option values. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Where the gateway and WPPConnect are, how to authenticate (secrets by file only), and the HTTP timeout. */
export const connectionOptions = {
  'gateway-url': {
    type: 'string',
    arg: 'url',
    help: 'the gateway, e.g. https://wpp.example.com:8443',
    env: 'WPP_GATEWAY_BASE_URL',
  },
  'gateway-secret-file': {
    type: 'string',
    arg: 'path',
    help: "a file holding the gateway's X-Gateway-Secret",
    env: 'WPP_GATEWAY_SECRET',
    envHelp: "the gateway's X-Gateway-Secret",
  },
  'wppconnect-url': {
    type: 'string',
    arg: 'url',
    help: "WPPConnect itself; without it nothing is verified there and the gateway's word is taken",
    env: 'WPPCONNECT_BASE_URL',
  },
  'wppconnect-secret-file': {
    type: 'string',
    arg: 'path',
    help: "a file holding WPPConnect's SECRET_KEY",
    env: 'WPPCONNECT_SECRET_KEY',
    envHelp: "WPPConnect's SECRET_KEY",
  },
  store: {
    type: 'string',
    arg: 'dir|url',
    help: 'where runs share leases and restart history: a directory (default $XDG_STATE_HOME/whatsapp-gateway, else ~/.local/state/whatsapp-gateway) or a redis://, rediss:// or redis+unix:///socket URL WITHOUT a password (one with a password goes in the environment). Redis needs the ioredis or redis package',
    env: 'WPP_STORE',
    envHelp: 'the store: a directory, or a Redis URL, password allowed',
  },
  'timeout-seconds': {
    type: 'string',
    arg: 'n',
    help: 'per-request timeout',
    default: 15,
    number: { min: 0.1 },
  },
} as const satisfies OptionDefs;

/** The connection options with their heading and the note on secrets. */
export const connectionGroup: OptionGroup = {
  title: 'Connection (flags win over the environment)',
  options: connectionOptions,
  notes: [
    'Secrets are never accepted as flag values (they would land in shell history and in `ps`), and never printed, not even in part.',
  ],
};

/** Where the last message of each session comes from, and the zombie threshold. */
export const activityOptions = {
  'activity-file': {
    type: 'string',
    arg: 'path',
    help: 'JSON object: session id → ISO time of its last message, or null',
  },
  'activity-url': {
    type: 'string',
    arg: 'url',
    help: 'GET answering the same JSON, one request per run',
    env: 'WPP_ACTIVITY_URL',
  },
  'activity-db': {
    type: 'string',
    arg: 'url',
    help: 'the MySQL/MariaDB or PostgreSQL database holding your webhook log (mysql://user@host/db, postgres://user@host/db), WITHOUT a password: a URL with one goes in the environment. Needs the mysql2 or pg package',
    env: 'WPP_ACTIVITY_DB',
    envHelp: 'mysql:// or postgres:// URL of the webhook log database, password allowed',
  },
  'activity-table': {
    type: 'string',
    arg: 'name',
    help: 'its table, schema.table allowed (default webhook_raw_logs; whatsapp_session_activity for --activity-layout latest)',
  },
  'activity-layout': {
    type: 'string',
    arg: 'layout',
    help: 'events: one row per webhook, session id in its own column; json: the id only inside payload_json (slow: every row is read); latest: one row per session',
    default: 'events',
  },
  'activity-session-column': {
    type: 'string',
    arg: 'name',
    help: 'the session id column (events, latest)',
    default: 'session_id',
  },
  'activity-time-column': {
    type: 'string',
    arg: 'name',
    help: 'the time column (default created_at; last_message_at for latest)',
  },
  'activity-event-column': {
    type: 'string',
    arg: 'name',
    help: 'the event type column (events, json); only message events count',
    default: 'event_type',
  },
  'activity-time-zone': {
    type: 'string',
    arg: 'zone',
    help: "the zone a zone-less time column (DATETIME, timestamp) was written in: UTC, -03:00, America/Sao_Paulo (default: the database session's)",
  },
  'zombie-hours': {
    type: 'string',
    arg: 'n',
    help: 'silence after which a connected session is a zombie',
    default: 4,
    number: { min: 0.001 },
  },
} as const satisfies OptionDefs;

/** The activity options with their heading. */
export const activityGroup: OptionGroup = {
  title: 'Activity (the zombie rule: connected, but no message for too long)',
  options: activityOptions,
};

/** `--json`: print the data as JSON on stdout instead of text. */
export const jsonOption = {
  json: { type: 'boolean', help: 'print the result as JSON on stdout instead of text' },
} as const satisfies OptionDefs;

/** The webhook URL sent on every WPPConnect start-session (commands that may start a session). */
export const webhookOption = {
  'webhook-url': {
    type: 'string',
    arg: 'url',
    help: 'webhook sent on every WPPConnect start-session; {id} is replaced by the session id. A start without one drops the webhook WPPConnect had',
    env: 'WPP_WEBHOOK_URL',
  },
} as const satisfies OptionDefs;

/** `--help` / `-h`, which every command accepts. */
export const helpOption = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies OptionDefs;

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

/** All the options of `groups` in one set (later groups win on a clash, which the help would show twice). */
export function mergeOptions(groups: OptionDefs | readonly OptionGroup[]): OptionDefs {
  if (!Array.isArray(groups)) return groups as OptionDefs;
  return Object.assign({}, ...(groups as readonly OptionGroup[]).map((group) => group.options));
}

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` was most likely meant to be: the only one it is a prefix of, or the closest one within
 * a third of its length in edits (at least one). Undefined when nothing is close.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((c) => c.startsWith(lower));
  if (lower.length >= 3 && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(lower.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** A value that is a negative number (`-5`, `-0.5`), which parseArgs would take for an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Finds flags the command does not have before parseArgs does, so the message can suggest the right one and
 * never quotes anything after an `=`. Also joins `--n -5` into `--n=-5` so a negative number is checked as a
 * number instead of being taken for an option.
 */
function preCheck(command: string, args: readonly string[], options: OptionDefs): string[] {
  const out: string[] = [];
  const long = Object.keys(options);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      const def = options[name];
      if (!def) {
        const suggestion = didYouMean(name, long);
        throw new UsageError(
          `unknown option --${name}${suggestion ? `; did you mean --${suggestion}?` : ''}`,
          command,
        );
      }
      const next = args[i + 1];
      if (def.type === 'string' && !arg.includes('=') && next !== undefined && NEGATIVE_NUMBER.test(next)) {
        out.push(`${arg}=${next}`);
        i++;
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}

/** Checks a number option's value against its rule; messages name the option, never the value. */
function checkNumber(command: string, name: string, raw: string, rule: NumberRule): void {
  const value = Number(raw);
  const min = rule.min ?? 0;
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${name} takes a number, e.g. --${name} ${Math.max(1, min)}`, command);
  }
  if (value < 0 && min >= 0) {
    throw new UsageError(`--${name} cannot be negative (it must be at least ${min})`, command);
  }
  if (value < min) throw new UsageError(`--${name} must be at least ${min}`, command);
  if (rule.max !== undefined && value > rule.max) {
    throw new UsageError(`--${name} must be at most ${rule.max}`, command);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new UsageError(`--${name} must be a whole number`, command);
  }
}

/**
 * Parses a command's arguments strictly against its option definitions. Error messages name options, never
 * values (a mistyped flag may be followed by a secret).
 * @throws {@link UsageError} on an unknown option (with a suggestion), a missing value, a bad number, a secret
 * flag or a wrong positional count.
 */
export function parseCommand(
  command: string,
  args: readonly string[],
  groups: OptionDefs | readonly OptionGroup[],
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
  const options: OptionDefs = { ...mergeOptions(groups), ...helpOption };
  const checked = preCheck(command, args, options);
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: checked,
      options: Object.fromEntries(
        Object.entries(options).map(([name, def]) => [
          name,
          { type: def.type, ...(def.short ? { short: def.short } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    throw new UsageError(describeParseError(error, options), command);
  }
  for (const [name, def] of Object.entries(options)) {
    const raw = parsed.values[name];
    if (def.number && typeof raw === 'string') checkNumber(command, name, raw, def.number);
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
function describeParseError(error: unknown, options: OptionDefs): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const def = options[option.replace(/^-+/, '')];
      if (def?.type === 'boolean') return `${option} takes no value`;
      // "argument missing", or a value starting with "-" that parseArgs will not take as a value.
      return `${option} needs a value${def?.arg ? ` (<${def.arg}>)` : ''}; for one starting with "-", write ${option}=<value>`;
    }
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
 * Reads a number option (`--wait-seconds 120`); `fallback` when absent.
 * @throws {@link UsageError} when it is not a number in range (already checked by {@link parseCommand} for
 * options that declare a {@link NumberRule}).
 */
export function numberOption(
  command: string,
  values: OptionValues,
  name: string,
  { fallback, min = 0, max }: { fallback: number; min?: number; max?: number },
): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  checkNumber(command, name, raw, max === undefined ? { min } : { min, max });
  return Number(raw);
}
