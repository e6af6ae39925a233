/**
 * What a command may touch of the outside world: two output streams, the environment, the working directory,
 * a cancellation signal and the time. `main.ts` passes the real process; tests pass strings and a fake env, so
 * every command runs in-process.
 * @module
 */

/** A stream a command writes to (`process.stdout`, or a string collector in tests). */
export interface CliWriter {
  /** Writes text as is (no newline added). */
  write(text: string): unknown;
  /** True when the stream is an interactive terminal: spinners, QR colours and redraws only then. */
  isTTY?: boolean;
  /** The terminal's width in columns, when it is one (`COLUMNS` in the environment wins). */
  columns?: number;
}

/** The process as a command sees it. */
export interface CliIo {
  /** Data and human output. */
  stdout: CliWriter;
  /** Errors, warnings, and progress when `--json` keeps stdout for data. */
  stderr: CliWriter;
  /** Environment variables (configuration, `NO_COLOR`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths (`--qr-out`, `--activity-file`, secret files) are resolved against. */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long waits stop, servers close. */
  signal?: AbortSignal;
  /** Milliseconds since the epoch; injectable so relative times are testable. Default `Date.now`. */
  now?: () => number;
}

/** The real process: `process.stdout`, `process.stderr`, `process.env`, `process.cwd()`. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
