/**
 * Text that fits the terminal: its width (`COLUMNS`, then the terminal's own), the visible length of styled
 * text, truncation with an ellipsis, and word wrapping with a hanging indent.
 * @module
 */
import type { CliIo, CliWriter } from './io.js';

/** The width help text wraps to when nothing says otherwise (a pipe, a log file). */
export const DEFAULT_WIDTH = 80;

/** Below this, wrapping makes no sense (one word per line): narrower terminals get this width. */
export const MIN_WIDTH = 30;

/**
 * Stand-ins for the only control characters the command itself prints: ESC (colours, cursor moves, the QR)
 * and CR (a spinner redrawn in place). Text from a server can hold any character, so {@link terminalSafe}
 * shows every real control character as `\xNN` and only then turns these stand-ins into ESC and CR. Each is a
 * private-use character followed by a nonce drawn per process, so no server can forge one.
 */
const NONCE = Array.from({ length: 6 }, () =>
  String.fromCharCode(0xe100 + Math.floor(Math.random() * 0x100)),
).join('');
/** Writes an ESC to the terminal; see {@link terminalSafe}. */
export const ESC = `\ue01b${NONCE}`;
/** Writes a CR to the terminal; see {@link terminalSafe}. */
export const CR = `\ue00d${NONCE}`;

const ANSI = new RegExp(`(?:\\x1b|${ESC})\\[[0-9;]*[A-Za-z]`, 'g');

/** C0 and C1 control characters, except tab and line feed. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text made safe for a terminal: every control character that came in the text (ESC, BEL, CR, C1, NUL…)
 * is shown as `\xNN`, so a channel id or a message from a server cannot clear the screen, retitle the window
 * or plant an OSC 8 link; then the command's own {@link ESC} and {@link CR} become the real characters.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .split(ESC)
    .join('\x1b')
    .split(CR)
    .join('\r');
}

/**
 * The width to fit `stream` to: `COLUMNS` when it is a positive integer (the shell's convention, and how
 * tests and `COLUMNS=60 whatsapp-gateway …` choose it), else the terminal's own width, else undefined (not a
 * terminal: a pipe or a file, where nothing wraps).
 */
export function streamWidth(stream: CliWriter, env: CliIo['env']): number | undefined {
  const columns = env['COLUMNS'];
  if (columns !== undefined && /^\d+$/.test(columns.trim()) && Number(columns) > 0) {
    return Math.max(MIN_WIDTH, Number(columns));
  }
  if (stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0) {
    return Math.max(MIN_WIDTH, stream.columns);
  }
  return undefined;
}

/** The visible length of `text`: colour codes do not count, and a character counts once whatever its bytes. */
export function visibleLength(text: string): number {
  let length = 0;
  for (const _ of text.replace(ANSI, '')) length++;
  return length;
}

/** `text` without its colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** `text` cut to `width` characters, the last one an ellipsis when something was cut. Plain text only. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Where the continuation lines of a help line start: after a list marker (`1. `, `- `), or at the second
 * column of a two-column line (`--json   print…`, `STATUS   the true…`), else at the line's own indent.
 */
function hangingIndent(line: string, width: number): number {
  const indent = line.length - line.trimStart().length;
  const marker = /^\s*(?:\d+\.|[-•*]) /.exec(line);
  if (marker) return marker[0].length;
  const column = /^(\s*\S(?:\S| (?! ))*\s{2,})\S/.exec(line);
  if (column?.[1] && column[1].length <= width / 2) return column[1].length;
  return indent;
}

/**
 * Wraps one line to `width`, breaking at spaces; continuation lines get the hanging indent of
 * {@link hangingIndent} unless `hangAt` says where. A word longer than the line (a URL) is cut, so no line
 * ever exceeds `width`.
 */
export function wrapLine(line: string, width: number, hangAt?: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const hang = Math.min(hangAt ?? hangingIndent(line, width), Math.floor(width / 2));
  const lines: string[] = [];
  let current = '';
  let currentLength = 0;
  const push = () => {
    lines.push(current.trimEnd());
    current = ' '.repeat(hang);
    currentLength = hang;
  };
  // Tokens: runs of spaces and runs of non-spaces; leading spaces of the first line are kept as they are.
  for (const token of line.match(/\s+|\S+/g) ?? []) {
    const length = visibleLength(token);
    if (/^\s+$/.test(token)) {
      if (currentLength > 0 && current.trim() !== '' && currentLength + length < width) {
        current += token;
        currentLength += length;
      } else if (current.trim() === '' && lines.length === 0) {
        current += token;
        currentLength += length;
      }
      continue;
    }
    if (currentLength + length > width && current.trim() !== '') push();
    let word = token;
    while (currentLength + visibleLength(word) > width) {
      const room = Math.max(1, width - currentLength);
      const chars = [...stripAnsi(word)];
      current += chars.slice(0, room).join('');
      word = chars.slice(room).join('');
      push();
    }
    current += word;
    currentLength += visibleLength(word);
  }
  if (current.trim() !== '') lines.push(current.trimEnd());
  return lines;
}

/** Wraps every line of `text` to `width` (see {@link wrapLine}); blank lines stay. */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}
