/**
 * `--help` text generated from a command's definition: the usage line, the description, and every option
 * group laid out in two columns computed from the options themselves, all wrapped to the terminal width.
 * @module
 */
import type { OptionDef, OptionGroup } from './args.js';
import { DEFAULT_WIDTH, wrap, wrapLine } from './text.js';

/** What a help text is made of (see `defineCommand` in `command.ts`). */
export interface HelpSpec {
  /** The command name. */
  name: string;
  /** After `whatsapp-gateway <name>` in the usage line, e.g. `<id> [options]`. */
  usage: string;
  /** Paragraphs before the options, one logical line per line (wrapped here, never by hand). */
  description: string;
  /** The option groups, in order. */
  options: readonly OptionGroup[];
  /** Text after the options (e.g. a list of scenarios). */
  more?: string;
  /** The exit-code paragraph. */
  exitCodes: string;
  /** Lines after the exit codes. */
  footer?: string;
}

/** The widest flag column help ever uses: longer flags push their description to the next line. */
const MAX_FLAG_COLUMN = 28;
/** Below this many columns for the description, descriptions go on their own line under the flag. */
const MIN_DESCRIPTION = 30;

/** `--name <arg>` or `-h, --help`. */
export function flagText(name: string, def: OptionDef): string {
  const short = def.short ? `-${def.short}, ` : '';
  return `${short}--${name}${def.type === 'string' ? ` <${def.arg ?? 'value'}>` : ''}`;
}

/** The description column of one option: its help, its default, and its environment variable. */
export function optionDescription(def: OptionDef): string {
  const parts = [def.help];
  if (def.default !== undefined) parts[0] += ` (default ${def.default})`;
  if (def.env) parts.push(`[${def.env}]`);
  return parts.join('  ');
}

/**
 * Lays out `rows` (left text, right text) in two columns fitting `width`: the left column as wide as its
 * widest entry (up to a limit), the right one wrapped with a hanging indent, or under the left text when the
 * terminal is too narrow for both side by side.
 */
export function twoColumns(
  rows: readonly (readonly [string, string])[],
  width: number,
  indent = 2,
): string[] {
  const left = Math.min(MAX_FLAG_COLUMN, Math.max(0, ...rows.map(([l]) => l.length)));
  const column = indent + left + 2;
  const sideBySide = width - column >= MIN_DESCRIPTION;
  const lines: string[] = [];
  for (const [l, r] of rows) {
    const head = `${' '.repeat(indent)}${l}`.trimEnd();
    if (sideBySide && l.length <= left) {
      lines.push(...wrapLine(`${head.padEnd(column)}${r}`, width, column));
    } else {
      lines.push(...wrapLine(head, width));
      lines.push(...wrapLine(`${' '.repeat(indent + 4)}${r}`, width, indent + 4));
    }
  }
  return lines;
}

/** The option groups of a help text, laid out together so that all columns line up. */
export function renderGroups(groups: readonly OptionGroup[], width: number): string {
  const all = groups.flatMap((group) =>
    Object.entries(group.options).map(([name, def]) => flagText(name, def)),
  );
  const left = Math.min(MAX_FLAG_COLUMN, Math.max(0, ...all.map((text) => text.length)));
  return groups
    .map((group) => {
      const rows = Object.entries(group.options).map(
        ([name, def]) => [flagText(name, def).padEnd(left), optionDescription(def)] as const,
      );
      const lines = [...wrapLine(`${group.title}:`, width), ...twoColumns(rows, width)];
      for (const note of group.notes ?? []) lines.push(...wrapLine(`  ${note}`, width));
      return lines.join('\n');
    })
    .join('\n\n');
}

/** The full help of one command, wrapped to `width` (default 80). */
export function renderHelp(spec: HelpSpec, width = DEFAULT_WIDTH): string {
  const parts = [
    wrapLine(`Usage: whatsapp-gateway ${spec.name} ${spec.usage}`.trimEnd(), width, 'Usage: '.length).join(
      '\n',
    ),
    wrap(spec.description, width),
  ];
  const groups = spec.options.filter((group) => Object.keys(group.options).length > 0);
  if (groups.length > 0) parts.push(renderGroups(groups, width));
  if (spec.more) parts.push(wrap(spec.more, width));
  parts.push(wrap(spec.footer ? `${spec.exitCodes}\n${spec.footer}` : spec.exitCodes, width));
  return parts.join('\n\n');
}
