/**
 * Create a session that really exists on WPPConnect (not only on the gateway) and save its QR code as a PNG.
 *
 *   npx tsx examples/create-with-qr.ts frontdesk [qr.png]
 *
 * Exit codes: 0 QR saved (or already connected), 1 the session could not be brought up, 2 configuration.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
// In your project: import { ... } from 'whatsapp-gateway-sdk';
import {
  InvalidArgumentError,
  PropagationError,
  QrTimeoutError,
  type SessionReport,
  WhatsAppSdkError,
} from '../src/index.js';
import { ConfigError, type ConnectionOptions, connectionFromEnv, createManager, type Output } from './env.js';

/** Options of {@link main}. */
export interface CreateWithQrOptions extends ConnectionOptions {
  /** The session (channel) id; case-sensitive. */
  sessionId: string;
  /** Where to write the QR PNG; default `./<sessionId>-qr.png`. */
  outFile?: string;
  /** Where lines go; default `console.log`. */
  out?: Output;
  /** Webhook URL WPPConnect should post this session's events to (sent on every start). */
  webhookUrl?: string;
}

/** What {@link main} did. */
export interface CreateWithQrResult {
  report: SessionReport;
  /** The PNG written, or null when no QR was needed (already connected). */
  qrFile: string | null;
}

/** Creates (or ensures) the session, prints the audit trail, saves the QR. */
export async function main(options: CreateWithQrOptions): Promise<CreateWithQrResult> {
  const out = options.out ?? console.log;
  const manager = createManager(options, options.webhookUrl ? { webhookUrl: options.webhookUrl } : {});

  // Waits (bounded by qrWaitMs, 120 s by default) until WPPConnect shows a QR, a pairing code or a connection.
  const report = await manager.createSession(options.sessionId);

  for (const action of report.actions) {
    out(`${action.step.padEnd(26)} ${action.outcome}${action.detail ? ` — ${action.detail}` : ''}`);
  }
  if (!report.verifiedOnWppconnect) out('note: not verified on WPPConnect (no WPPCONNECT_* configured)');
  out(`status: ${report.status}${report.repaired ? ' (repaired)' : ''}`);

  if (!report.qr) {
    out(report.status === 'connected' ? 'already connected: no QR needed' : 'no QR code in the report');
    return { report, qrFile: null };
  }
  const qrFile = options.outFile ?? `${options.sessionId}-qr.png`;
  // `base64` is the PNG without the `data:` prefix; `dataUrl` is ready for an <img src>.
  await writeFile(qrFile, Buffer.from(report.qr.base64, 'base64'));
  // WPPConnect closes a session whose QR is not scanned within 60 s (its autoClose): scan it soon.
  out(`QR code saved to ${qrFile}: scan it in WhatsApp > Linked devices within a minute`);
  return { report, qrFile };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [sessionId, outFile] = process.argv.slice(2);
  try {
    if (!sessionId) throw new ConfigError('usage: create-with-qr.ts <sessionId> [out.png]');
    await main({ ...connectionFromEnv(), sessionId, ...(outFile ? { outFile } : {}) });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
      console.error(`configuration: ${error.message}`);
      process.exitCode = 2;
    } else if (error instanceof PropagationError) {
      // The whole trail, and what to do (e.g. restart WPPConnect when a browser profile is locked).
      for (const a of error.actions) console.error(`  ${a.step}: ${a.outcome}`);
      console.error(`${error.message}\nlikely cause: ${error.likelyCause ?? 'unknown'}`);
      process.exitCode = 1;
    } else if (error instanceof QrTimeoutError) {
      console.error(`${error.message} (last WPPConnect status: ${error.lastStatus ?? 'none'})`);
      process.exitCode = 1;
    } else if (error instanceof WhatsAppSdkError) {
      console.error(`${error.name} (${error.code}): ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
