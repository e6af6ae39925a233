/**
 * What the handler answers: the manager's objects as JSON, with the QR as base64 and data URL.
 * @module
 * @internal
 */
import type { SessionReport } from '../sessions/types.js';

/**
 * The answer to `POST /sessions` in the `{ success, qr_base64?, error }` shape of apps written before this
 * handler, for drop-in use (`legacyCreateResponse: true`).
 */
export interface LegacyCreateResponse {
  /** True when the session exists on WPPConnect (a QR to scan, a pairing code, or connected). */
  success: boolean;
  /** The QR as base64 PNG without prefix, when one is needed. */
  qr_base64?: string;
  /** The pairing code, when the request gave a phone number and the code is known. */
  pairing_code?: string;
  /** The true status. */
  status?: string;
  /** Why it failed, when it did. */
  error?: string;
}

/** @internal */
export function legacyCreateBody(report: SessionReport): LegacyCreateResponse {
  const body: LegacyCreateResponse = { success: true, status: report.status };
  if (report.qr) body.qr_base64 = report.qr.base64;
  if (report.pairingCode) body.pairing_code = report.pairingCode;
  return body;
}
