/**
 * What `create` and `reconnect` share: run the manager with progress, print its audit trail, show the QR
 * (terminal and/or PNG), then follow the session with `watchSession`, redrawing the QR in place as it
 * rotates, until the phone scans it, the session closes, or the bound is reached.
 * @module
 */
import type { QrCode } from '../qr.js';
import type { SessionManager } from '../sessions/manager.js';
import type { SessionEvent, SessionInfo, SessionReport } from '../sessions/types.js';
import { watchSession } from '../sessions/watch.js';
import {
  numberOption,
  type OptionGroup,
  type OptionValues,
  type ParsedCommand,
  stringOption,
} from './args.js';
import type { CommandContext } from './command.js';
import {
  assertSecretsAccepted,
  type CliConfig,
  type Connection,
  connect,
  loadConfig,
  webhookTemplate,
} from './config.js';
import { ExitCode, formatActions, reportFailure } from './exit.js';
import { colorEnabled, duration } from './output.js';
import { Progress } from './progress.js';
import { renderQr, writeQrPng } from './qr.js';
import { ESC, visibleLength } from './text.js';

/** How a create or reconnect ended. */
export type FlowOutcome =
  /** The session is connected (at once, or after the scan). */
  | 'connected'
  /** `--no-wait`: the QR (or pairing code) was shown, nobody waited for the scan. */
  | 'qr_shown'
  /** The wait bound was reached without a scan. */
  | 'not_scanned'
  /** While waiting, the session left the QR state (WPPConnect closed it unscanned, or it broke). */
  | 'qr_lost';

/** Options of {@link runSessionFlow}. */
export interface FlowOptions {
  /** `create` or `reconnect`, for messages. */
  command: string;
  /** The session id. */
  id: string;
  /** What the progress line says while the manager works. */
  startText: string;
  /** Runs the manager operation. */
  operation: (manager: SessionManager, signal: AbortSignal | undefined) => Promise<SessionReport>;
  /** Where the services are. */
  config: CliConfig;
  /** The `--webhook-url` template, if any. */
  webhookUrl: string | undefined;
  /** Print one JSON object at the end instead of text. */
  json: boolean;
  /** `--qr-out`: where to write the PNG. */
  qrOut: string | undefined;
  /** False with `--no-wait`. */
  wait: boolean;
  /** How long to wait for the scan. */
  waitMs: number;
  /** How often to look. */
  pollMs: number;
}

function eventLine(event: SessionEvent): string | undefined {
  switch (event.type) {
    case 'created':
      return `• the gateway says it created "${event.sessionId}" — a claim, checked next on WPPConnect`;
    case 'propagation_missing':
      return `! ${event.detail ?? 'WPPConnect does not have the session'} — starting it on WPPConnect directly`;
    default:
      return undefined;
  }
}

/**
 * The QR on screen. On a terminal a rotated QR replaces the one drawn before it, in place (cursor up, clear
 * to the end of the screen), so the screen shows one QR, the one to scan; off a terminal (logs, pipes) each
 * QR is printed after the last.
 */
class QrView {
  #shown: string | null = null;
  /** Lines the last QR took on screen, when it can be redrawn in place. */
  #drawnLines = 0;

  constructor(
    private readonly ctx: CommandContext,
    private readonly options: FlowOptions,
  ) {}

  /** Whether `qr` differs from the one shown last. */
  isNew(qr: QrCode): boolean {
    return (qr.urlcode ?? qr.base64) !== this.#shown;
  }

  /** Shows the QR: drawn from its text, and/or written as a PNG with `--qr-out`. */
  async show(qr: QrCode, heading: string): Promise<void> {
    this.#shown = qr.urlcode ?? qr.base64;
    const { out, io } = this.ctx;
    const lines: string[] = [];
    if (!this.options.json) {
      lines.push(heading);
      if (qr.urlcode) {
        // The drawing, then a line break: as many screen lines as the renderer's text makes.
        const drawing = `${await renderQr(qr.urlcode, { color: colorEnabled(io.stdout, io.env) })}\n`;
        lines.push(...drawing.replace(/\n$/, '').split('\n'));
      } else if (!this.options.qrOut) {
        lines.push(
          'WPPConnect gave this QR only as an image, with no text to draw here: pass --qr-out qr.png to save it.',
        );
      }
    }
    if (this.options.qrOut) {
      const path = await writeQrPng(this.options.qrOut, qr, io.cwd);
      if (!this.options.json) lines.push(`QR code image written to ${path}`);
    }
    if (this.options.json) return;
    // Cursor up over the previous QR and clear from there: the new one takes its place.
    if (this.#drawnLines > 0) out.write(`${ESC}[${this.#drawnLines}F${ESC}[J`);
    for (const line of lines) out.line(line);
    // Only a terminal can move its cursor; a line wider than it wraps, and then the count would be wrong.
    const fits =
      out.width === undefined || lines.every((line) => visibleLength(line) < (out.width as number));
    this.#drawnLines = out.tty && fits ? lines.length : 0;
  }

  /** The next output must not be erased by a redraw (a message was printed below the QR). */
  settle(): void {
    this.#drawnLines = 0;
  }
}

const SCAN_HEADING =
  'Scan this QR code with WhatsApp on the phone (Settings → Linked devices → Link a device):';

/**
 * Runs `create` or `reconnect` end to end and returns the exit code: 0 connected (or QR shown with
 * `--no-wait`), 1 not scanned in time or the QR was lost, 1/2/3 for failures (see `exit.ts`).
 */
export async function runSessionFlow(ctx: CommandContext, options: FlowOptions): Promise<number> {
  const { out, io } = ctx;
  const { id, json } = options;
  const progress = new Progress(out, json ? 'off' : out.tty ? 'spinner' : 'lines', ctx.now);
  const poll = options.pollMs;
  const conn = connect(options.command, options.config, {
    webhookUrl: options.webhookUrl,
    // The watch after the start reads the status every --poll-seconds; the start's own wait begins faster.
    pollIntervalsMs: [Math.min(500, poll), Math.min(1000, poll), poll],
    onEvent: (event) => {
      const line = eventLine(event);
      if (line) progress.note(line);
    },
    warn: (message) => out.error(`warning: ${message}`),
  });
  if (options.config.wppconnect && !options.webhookUrl && !json) {
    out.error(
      'note: no --webhook-url (WPP_WEBHOOK_URL): if WPPConnect starts the session now, it keeps no webhook for it.',
    );
  }

  const started = ctx.now();
  progress.start(options.startText);
  let report: SessionReport;
  try {
    report = await options.operation(conn.manager, io.signal);
    assertSecretsAccepted(conn);
  } catch (error) {
    progress.stop();
    return reportFailure(out, error);
  }
  progress.stop();

  const view = new QrView(ctx, options);
  if (!json) printReport(ctx, report, ctx.now() - started);
  if (report.qr) await view.show(report.qr, SCAN_HEADING);
  else if (report.status === 'pairing_code' && !json) {
    out.line(
      report.pairingCode
        ? `Pairing code: ${out.style.bold(report.pairingCode)} — enter it on the phone (Linked devices → Link with phone number).`
        : 'WPPConnect issued a pairing code: enter it on the phone (Linked devices → Link with phone number).',
    );
  }

  const finish = (outcome: FlowOutcome, final: SessionInfo | null, code: number) => {
    if (json) out.json({ report, outcome, final });
    return code;
  };
  if (report.status === 'connected') {
    if (!json) out.line(out.style.ok(`connected: "${id}" is linked and its page answers.`));
    return finish('connected', null, ExitCode.ok);
  }
  if (!options.wait) {
    if (!json) out.line(`Not waiting for the scan (--no-wait). Check later with: whatsapp-gateway sessions`);
    return finish('qr_shown', null, ExitCode.ok);
  }
  return waitForScan(ctx, conn, options, view, progress, finish);
}

function printReport(ctx: CommandContext, report: SessionReport, tookMs: number): void {
  const { out } = ctx;
  out.line(`What the manager did (${duration(tookMs)}):`);
  for (const line of formatActions(report.actions)) out.line(line);
  const repaired = report.repaired ? ' — repaired: the manager had to fix something (see above)' : '';
  out.line(`Result: "${report.id}" is ${out.style.bold(report.status)}${repaired}`);
  if (!report.verifiedOnWppconnect) {
    out.line(
      out.style.warn(
        'Not verified on WPPConnect (no WPPCONNECT_BASE_URL): this is the gateway’s word for it.',
      ),
    );
  }
}

async function waitForScan(
  ctx: CommandContext,
  conn: Connection,
  options: FlowOptions,
  view: QrView,
  progress: Progress,
  finish: (outcome: FlowOutcome, final: SessionInfo | null, code: number) => number,
): Promise<number> {
  const { out, io } = ctx;
  const { id } = options;
  const seconds = Math.round(options.waitMs / 1000);
  const waiting = `waiting for the phone to scan (up to ${seconds} s; Ctrl+C stops waiting)`;
  // The watch ends on the scan, on the session closing, on Ctrl+C or at the deadline, whichever comes first.
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  io.signal?.addEventListener('abort', onInterrupt, { once: true });
  const deadline = setTimeout(() => stop.abort(), options.waitMs);
  const signal = io.signal ? { signal: io.signal } : {};
  progress.start(waiting);
  try {
    for await (const update of watchSession(conn.manager, id, { signal: stop.signal })) {
      assertSecretsAccepted(conn);
      switch (update.type) {
        case 'qr':
          if (!view.isNew(update.qr)) break;
          progress.stop();
          await view.show(update.qr, 'The QR code rotated; scan this one instead:');
          progress.start(waiting);
          break;
        case 'pairing_code':
          progress.stop();
          view.settle();
          if (!options.json)
            out.line(
              `Pairing code: ${out.style.bold(update.code)} (Linked devices → Link with phone number)`,
            );
          progress.start(waiting);
          break;
        case 'connected':
          progress.stop();
          if (!options.json) out.line(out.style.ok(`connected: "${id}" is linked and its page answers.`));
          return finish(
            'connected',
            await conn.manager.getSession(id, signal).catch(() => null),
            ExitCode.ok,
          );
        case 'disconnected':
        case 'stuck': {
          progress.stop();
          const final = await conn.manager.getSession(id, signal).catch(() => null);
          out.error(
            update.type === 'stuck'
              ? `The session is stuck starting on WPPConnect. ${update.likelyCause}`
              : `The session left the QR state: it is now ${update.status}. WPPConnect closes a session nobody scans after a while.`,
          );
          out.error(`Get a fresh QR code with: whatsapp-gateway reconnect ${id}`);
          return finish('qr_lost', final, ExitCode.problems);
        }
        case 'error':
          if (update.fatal) throw update.error;
          progress.note(`warning: could not read the status (${update.error.message}); trying again`);
          view.settle();
          break;
        default:
          break;
      }
    }
  } catch (error) {
    progress.stop();
    if (io.signal?.aborted) {
      out.error('interrupted: stopped waiting for the scan');
      return ExitCode.interrupted;
    }
    return reportFailure(out, error);
  } finally {
    clearTimeout(deadline);
    io.signal?.removeEventListener('abort', onInterrupt);
    stop.abort();
  }
  progress.stop();
  if (io.signal?.aborted) {
    out.error('interrupted: stopped waiting for the scan');
    return ExitCode.interrupted;
  }
  out.error(`Not scanned within ${seconds} s. Run \`whatsapp-gateway reconnect ${id}\` for a fresh QR code.`);
  return finish(
    'not_scanned',
    await conn.manager.getSession(id, signal).catch(() => null),
    ExitCode.problems,
  );
}

/** The QR options `create` and `reconnect` share (besides the connection). */
export const flowGroup: OptionGroup = {
  title: 'QR code',
  options: {
    'qr-out': {
      type: 'string',
      arg: 'file.png',
      help: 'also write the QR as a PNG (rewritten when the QR rotates)',
    },
    'wait-seconds': {
      type: 'string',
      arg: 'n',
      help: 'keep refreshing the QR until the phone scans it, up to n seconds',
      default: 120,
      number: { min: 1 },
    },
    'poll-seconds': {
      type: 'string',
      arg: 'n',
      help: 'how often to check for the scan',
      default: 2,
      number: { min: 0.05 },
    },
    'no-wait': { type: 'boolean', help: 'return right after the first QR code' },
  },
  notes: [
    'On a terminal the QR is drawn in colour; otherwise (or with NO_COLOR) with block characters for a dark background. Without a text form of the QR (gateway-only mode) use --qr-out.',
  ],
};

/**
 * Runs `create` or `reconnect` on their parsed arguments: the shared part of both commands.
 * @param operation - The manager call, given the parsed values.
 */
export async function sessionCommand(
  command: string,
  { values, positionals }: ParsedCommand,
  ctx: CommandContext,
  startText: (id: string) => string,
  operation: (
    manager: SessionManager,
    id: string,
    values: OptionValues,
    signal: AbortSignal | undefined,
  ) => Promise<SessionReport>,
): Promise<number> {
  const id = positionals[0]!;
  const config = await loadConfig(command, values, ctx.io, ctx.out);
  return runSessionFlow(ctx, {
    command,
    id,
    startText: startText(id),
    operation: (manager, signal) => operation(manager, id, values, signal),
    config,
    webhookUrl: webhookTemplate(command, values, ctx.io),
    json: values['json'] === true,
    qrOut: stringOption(values, 'qr-out'),
    wait: values['no-wait'] !== true,
    waitMs: numberOption(command, values, 'wait-seconds', { fallback: 120, min: 1 }) * 1000,
    pollMs: numberOption(command, values, 'poll-seconds', { fallback: 2, min: 0.05 }) * 1000,
  });
}
