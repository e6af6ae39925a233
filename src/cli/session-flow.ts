/**
 * What `create` and `reconnect` share: run the manager with progress, print its audit trail, show the QR
 * (terminal and/or PNG), then keep polling while the QR rotates until the phone scans it or the bound is
 * reached.
 * @module
 */
import { AbortError, ConnectionError, ServerError } from '../errors.js';
import { sleep } from '../http/delay.js';
import type { QrCode } from '../qr.js';
import type { SessionManager } from '../sessions/manager.js';
import type { SessionEvent, SessionInfo, SessionReport } from '../sessions/types.js';
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

/** Errors worth polling through: the next poll may work. */
function transient(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof ServerError;
}

class QrView {
  #shown: string | null = null;

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
    if (!this.options.json) {
      out.line(heading);
      if (qr.urlcode) {
        out.write(await renderQr(qr.urlcode, { color: colorEnabled(io.stdout, io.env) }));
        out.line();
      } else if (!this.options.qrOut) {
        out.line(
          'WPPConnect gave this QR only as an image, with no text to draw here: pass --qr-out qr.png to save it.',
        );
      }
    }
    if (this.options.qrOut) {
      const path = await writeQrPng(this.options.qrOut, qr, io.cwd);
      if (!this.options.json) out.line(`QR code image written to ${path}`);
    }
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
  const conn = connect(options.command, options.config, {
    webhookUrl: options.webhookUrl,
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
      'WPPConnect issued a pairing code: enter it on the phone (Linked devices → Link with phone number).',
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
  const deadline = ctx.now() + options.waitMs;
  const seconds = Math.round(options.waitMs / 1000);
  const waiting = `waiting for the phone to scan (up to ${seconds} s; Ctrl+C stops waiting)`;
  progress.start(waiting);
  let last: SessionInfo | null = null;
  try {
    while (ctx.now() < deadline) {
      await sleep(Math.min(options.pollMs, Math.max(0, deadline - ctx.now())), io.signal);
      let info: SessionInfo;
      try {
        info = await conn.manager.getSession(id, io.signal ? { signal: io.signal } : {});
      } catch (error) {
        if (io.signal?.aborted || error instanceof AbortError || !transient(error)) throw error;
        progress.note(`warning: could not read the status (${(error as Error).message}); trying again`);
        continue;
      }
      assertSecretsAccepted(conn);
      last = info;
      if (info.status === 'connected') {
        progress.stop();
        if (!options.json) out.line(out.style.ok(`connected: "${id}" is linked and its page answers.`));
        return finish('connected', info, ExitCode.ok);
      }
      if (info.status === 'qr_required' && info.qr) {
        if (view.isNew(info.qr)) {
          progress.stop();
          await view.show(info.qr, 'The QR code rotated; scan this one instead:');
          progress.start(waiting);
        }
        continue;
      }
      if (info.status === 'qr_required' || info.status === 'starting' || info.status === 'pairing_code')
        continue;
      progress.stop();
      out.error(
        `The session left the QR state: it is now ${info.status}. WPPConnect closes a session nobody scans after a while.`,
      );
      out.error(`Get a fresh QR code with: whatsapp-gateway reconnect ${id}`);
      return finish('qr_lost', info, ExitCode.problems);
    }
  } catch (error) {
    progress.stop();
    if (io.signal?.aborted) {
      out.error('interrupted: stopped waiting for the scan');
      return ExitCode.interrupted;
    }
    return reportFailure(out, error);
  }
  progress.stop();
  out.error(`Not scanned within ${seconds} s. Run \`whatsapp-gateway reconnect ${id}\` for a fresh QR code.`);
  return finish('not_scanned', last, ExitCode.problems);
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
