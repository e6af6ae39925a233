/**
 * Progress while the manager works or a QR waits for its scan: a spinner line redrawn in place on a terminal,
 * plain lines otherwise (logs, pipes, CI), nothing with `--json`. The spinner line is cut to the terminal
 * width: a line that wraps cannot be redrawn in place, and each frame would add a line to the screen.
 * @module
 */
import type { Output } from './output.js';
import { CR, DEFAULT_WIDTH, ESC, truncate, wrapLine } from './text.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;

/** How progress is shown. */
export type ProgressMode = 'spinner' | 'lines' | 'off';

/**
 * One progress line at a time. `note()` prints a permanent line above the spinner. Always `stop()` it: the
 * spinner's timer is the only one it owns, and it keeps nothing alive once stopped.
 */
export class Progress {
  readonly #out: Output;
  readonly #mode: ProgressMode;
  readonly #now: () => number;
  #text = '';
  #since = 0;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param out - Where to print. @param mode - See {@link ProgressMode}. @param now - The clock. */
  constructor(out: Output, mode: ProgressMode, now: () => number = Date.now) {
    this.#out = out;
    this.#mode = mode;
    this.#now = now;
  }

  /** Shows `text` as the current activity (a line of its own in `lines` mode). */
  start(text: string): void {
    this.#text = text;
    this.#since = this.#now();
    if (this.#mode === 'lines') this.#print(`… ${text}`);
    if (this.#mode !== 'spinner') return;
    this.#draw();
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#draw(), FRAME_MS);
      this.#timer.unref?.();
    }
  }

  /** Prints a permanent line (e.g. an event), keeping the spinner below it. */
  note(text: string): void {
    if (this.#mode === 'off') return;
    this.#clear();
    this.#print(text);
    if (this.#timer) this.#draw();
  }

  /** Removes the spinner line and stops its timer. Safe to call twice. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  /** A permanent line, wrapped to the terminal when its width is known. */
  #print(text: string): void {
    const width = this.#out.width;
    for (const line of width === undefined ? [text] : wrapLine(text, width)) this.#out.line(line);
  }

  #clear(): void {
    if (this.#mode === 'spinner') this.#out.write(`${CR}${ESC}[2K`);
  }

  #draw(): void {
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    const suffix = ` ${Math.floor((this.#now() - this.#since) / 1000)} s`;
    // One column is left free: writing the last column makes some terminals wrap at once.
    const room = (this.#out.width ?? DEFAULT_WIDTH) - 1 - 2 - suffix.length;
    const text = truncate(this.#text, Math.max(0, room));
    this.#out.write(`${CR}${ESC}[2K${this.#out.style.dim(`${frame} ${text}${suffix}`)}`);
  }
}
