/**
 * Progress while the manager works or a QR waits for its scan: a spinner line redrawn in place on a terminal,
 * plain lines otherwise (logs, pipes, CI), nothing with `--json`.
 * @module
 */
import type { Output } from './output.js';

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
    if (this.#mode === 'lines') this.#out.line(`… ${text}`);
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
    this.#out.line(text);
    if (this.#timer) this.#draw();
  }

  /** Removes the spinner line and stops its timer. Safe to call twice. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  #clear(): void {
    if (this.#mode === 'spinner') this.#out.write('\r\x1b[2K');
  }

  #draw(): void {
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    const seconds = Math.floor((this.#now() - this.#since) / 1000);
    this.#out.write(`\r\x1b[2K${this.#out.style.dim(`${frame} ${this.#text} ${seconds} s`)}`);
  }
}
