/**
 * Per-call options of `createSession`, `ensureSession` and `reconnect`, checked before any request.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { assertHttpUrl } from '../internal/options.js';
import type { CallSettings } from './context.js';

/** Options of `createSession`, `ensureSession` and `reconnect` that apply to this call only. */
export interface SessionStartOptions {
  /** Aborts the operation, including any wait for a QR code. */
  signal?: AbortSignal;
  /** Longest wait for a QR code, a pairing code or a connection, in ms; overrides the manager's `qrWaitMs`. */
  qrWaitMs?: number;
  /** Webhook URL sent with the WPPConnect start-session of this call; overrides the manager's `webhookUrl`. */
  webhookUrl?: string;
  /**
   * Log in with a pairing code instead of a QR: the phone number, international format, digits only after
   * the country code (`5511999990000`; `+`, spaces, dashes and parentheses are removed). The report's
   * `pairingCode` carries the code when WPPConnect gave it in its answer; otherwise it arrives by the
   * `phoneCode` webhook, and `watchSession` yields it. A session showing a QR is restarted to switch to a code.
   * Needs a `WppConnectClient`: without one the option is refused with an `InvalidArgumentError`.
   */
  phone?: string;
}

/** E.164: at most 15 digits; the shortest numbers in use have 8 with their country code. */
const PHONE = /^[0-9]{8,15}$/;

/** Checks one call's options and returns the overrides the operations apply. @internal */
export function resolveCallOptions(options: SessionStartOptions | undefined): CallSettings {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new InvalidArgumentError('options', 'must be an object');
  const { signal, qrWaitMs, webhookUrl, phone } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError('options.signal', 'must be an AbortSignal');
  const settings: CallSettings = {};
  if (qrWaitMs !== undefined) {
    if (typeof qrWaitMs !== 'number' || !Number.isFinite(qrWaitMs) || qrWaitMs <= 0)
      throw new InvalidArgumentError('options.qrWaitMs', 'must be a positive number of milliseconds');
    settings.qrWaitMs = qrWaitMs;
  }
  if (webhookUrl !== undefined) settings.webhookUrl = assertHttpUrl(webhookUrl, 'options.webhookUrl');
  if (phone !== undefined) {
    const digits = typeof phone === 'string' ? phone.replace(/[\s().-]/g, '').replace(/^\+/, '') : '';
    if (!PHONE.test(digits)) {
      throw new InvalidArgumentError(
        'options.phone',
        'must be a phone number in international format: 8 to 15 digits with the country code, e.g. 5511999990000',
      );
    }
    settings.phone = digits;
  }
  return settings;
}
