/**
 * Everything the command prints goes through here: the {@link Output} writer (colours only on a terminal and
 * never with `NO_COLOR`, secrets masked as a last line of defence), tables, relative times and check marks.
 * @module
 */
import type { CliIo, CliWriter } from './io.js';
import { ESC, streamWidth, terminalSafe, truncate, visibleLength, wrapLine } from './text.js';

/** What replaces a secret that was about to be printed. Fixed text: it says nothing about the secret's length. */
export const SECRET_MASK = '[secret]';

/**
 * Secrets shorter than this are not masked in output: masking every occurrence of a two-letter "secret" would
 * garble all output, and such a value protects nothing anyway.
 */
const MIN_MASKED_LENGTH = 4;

/** The environment variables that hold secrets; their values are masked from the first line printed. */
export const SECRET_ENV = ['WPP_GATEWAY_SECRET', 'WPPCONNECT_SECRET_KEY'] as const;

type Style = (text: string) => string;

/** Styles for the few words that get a colour. Identity functions when colours are off. */
export interface Styles {
  ok: Style;
  fail: Style;
  warn: Style;
  dim: Style;
  bold: Style;
}

const ANSI = { ok: '32', fail: '31', warn: '33', dim: '2', bold: '1' } as const;

function styles(enabled: boolean): Styles {
  const make =
    (code: string): Style =>
    (text) =>
      enabled ? `${ESC}[${code}m${text}${ESC}[0m` : text;
  return {
    ok: make(ANSI.ok),
    fail: make(ANSI.fail),
    warn: make(ANSI.warn),
    dim: make(ANSI.dim),
    bold: make(ANSI.bold),
  };
}

/** Whether colours may be used on `stream`: a terminal, and `NO_COLOR` unset or empty (no-color.org). */
export function colorEnabled(stream: CliWriter, env: CliIo['env']): boolean {
  return stream.isTTY === true && !env['NO_COLOR'];
}

/**
 * The command's printer: lines to stdout, errors to stderr, with styles that are no-ops off a terminal.
 * Every write masks the secrets it was told about (those in the environment from the start, secret files once
 * read), so even a secret typed where a command name belongs is never echoed, and shows the control
 * characters of the text as `\xNN` ({@link terminalSafe}): ids, statuses and messages come from servers.
 */
export class Output {
  /** True when stdout is an interactive terminal. */
  readonly tty: boolean;
  /** The width stdout's lines must fit (`COLUMNS`, or the terminal's), or undefined off a terminal. */
  readonly width: number | undefined;
  /** The same for stderr (where progress goes with `--json`). */
  readonly errWidth: number | undefined;
  /** Colours on stdout. */
  readonly style: Styles;
  /** Colours on stderr. */
  readonly errStyle: Styles;
  readonly #io: CliIo;
  readonly #secrets = new Set<string>();

  /** @param io - The streams and environment of this run. */
  constructor(io: CliIo) {
    this.#io = io;
    this.tty = io.stdout.isTTY === true;
    this.width = streamWidth(io.stdout, io.env);
    this.errWidth = streamWidth(io.stderr, io.env);
    this.style = styles(colorEnabled(io.stdout, io.env));
    this.errStyle = styles(colorEnabled(io.stderr, io.env));
    for (const name of SECRET_ENV) {
      const value = io.env[name];
      if (value) this.protect(value);
    }
  }

  /** Masks `secret` in everything printed from now on. */
  protect(secret: string): void {
    if (secret.length >= MIN_MASKED_LENGTH) this.#secrets.add(secret);
  }

  #mask(text: string): string {
    let masked = text;
    for (const secret of this.#secrets) masked = masked.split(secret).join(SECRET_MASK);
    return masked;
  }

  /** Writes raw text to stdout (no newline added). */
  write(text: string): void {
    this.#io.stdout.write(terminalSafe(this.#mask(text)));
  }

  /** Writes one line to stdout. */
  line(text = ''): void {
    this.write(`${text}\n`);
  }

  /**
   * Writes `text` to stdout as one or more lines wrapped to the terminal width (as is off a terminal).
   * @param hang - Where continuation lines start (default: the first line's indent).
   */
  wrapped(text = '', hang?: number): void {
    if (this.width === undefined) this.line(text);
    else for (const line of wrapLine(text, this.width, hang)) this.line(line);
  }

  /** Writes one line to stderr. */
  error(text: string): void {
    this.#io.stderr.write(terminalSafe(this.#mask(`${text}\n`)));
  }

  /** Writes `value` as indented JSON to stdout (dates become ISO strings). */
  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }
}

/**
 * "5 min ago", "9 h ago", "3 d ago", "just now": how long ago `date` was, rounded down, for tables.
 * @param date - The past moment, or null (printed as `none`).
 * @param now - The current time in epoch milliseconds.
 */
export function relativeTime(date: Date | null, now: number): string {
  if (date === null) return 'none';
  const seconds = Math.floor((now - date.getTime()) / 1000);
  if (seconds < -60) return 'in the future';
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A duration for people: "800 ms", "4.2 s", "2 min 5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A cell of {@link table}: the text that sets the width, and how to show it (e.g. coloured). */
export type Cell = string | { text: string; show: string };

/** How {@link table} fits a width. */
export interface TableFit {
  /** The width to fit; undefined means no limit (not a terminal). */
  width?: number | undefined;
  /**
   * The cuts allowed, in order: `[column, narrowest]` pairs, each applied only as far as still needed before
   * the next one (a column may appear twice: first down to a comfortable width, at the end further). Default:
   * every column down to {@link MIN_CELL}, last column first.
   */
  shrink?: readonly (readonly [column: number, narrowest: number])[];
}

/** The narrowest a cut column gets: three characters and the ellipsis. */
export const MIN_CELL = 4;

/**
 * Left-aligned columns separated by two spaces, with a header row. Colour codes do not count in the widths.
 * When the natural width exceeds `fit.width`, the cuts of `fit.shrink` are made (text ending in `…`) until
 * every line fits; `--json` is the way to get untruncated values.
 * @returns The lines, without trailing spaces.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  fit: TableFit = {},
): string[] {
  const text = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);
  const show = (cell: Cell) => (typeof cell === 'string' ? cell : cell.show);
  const widths = headers.map((header, i) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(text(row[i] ?? '')))),
  );
  if (fit.width !== undefined) {
    const order = fit.shrink ?? headers.map((_, i) => [headers.length - 1 - i, MIN_CELL] as const);
    let excess = widths.reduce((a, b) => a + b, 0) + 2 * (headers.length - 1) - fit.width;
    for (const [i, narrowest] of order) {
      if (excess <= 0) break;
      const width = widths[i] ?? 0;
      const cut = Math.min(excess, Math.max(0, width - Math.max(MIN_CELL, narrowest)));
      widths[i] = width - cut;
      excess -= cut;
    }
  }
  const render = (cells: readonly Cell[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const plain = text(cell);
        if (visibleLength(plain) > width) {
          const cut = truncate(plain, width);
          return show(cell).replace(plain, cut) + ' '.repeat(width - visibleLength(cut));
        }
        return show(cell) + ' '.repeat(width - visibleLength(plain));
      })
      .join('  ')
      .trimEnd();
  return [render(headers), ...rows.map(render)];
}

/** The outcome of one check: passed, failed, or skipped (an earlier check failed, or it does not apply). */
export type CheckState = 'ok' | 'fail' | 'skip';

/** The mark printed before a check: ✓, ✗ or – . */
export function mark(state: CheckState, style: Styles): string {
  if (state === 'ok') return style.ok('✓');
  if (state === 'fail') return style.fail('✗');
  return style.dim('–');
}
