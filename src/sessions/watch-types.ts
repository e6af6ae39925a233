/**
 * Public types of `watchSession`, `waitForConnection` and `sessionEvents`: what a live session reports.
 * @module
 */
import type { WhatsAppSdkError } from '../errors.js';
import type { QrCode } from '../qr.js';
import type { WebhookEvent } from '../webhooks/types.js';
import type { WppStatus } from '../wppconnect/client.js';
import type { SessionStatus } from './types.js';

/** Fields every {@link SessionUpdate} carries. */
export interface SessionUpdateBase {
  /** The session the update is about. */
  sessionId: string;
  /** When it was seen (the manager's clock). */
  at: Date;
  /** Where it was seen: a status poll, or a webhook the manager's webhook feed delivered. */
  source: 'poll' | 'webhook';
}

/** The true status changed to one that has no update of its own (`starting`, or `pairing_code` before its code is known). */
export interface StatusUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'status';
  /** The new true status. */
  status: SessionStatus;
  /** What WPPConnect said, or null in gateway-only mode. */
  wppconnectStatus: WppStatus | null;
}

/** A QR code that was not shown before: each rotation is yielded exactly once, a stale QR never. */
export interface QrUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'qr';
  /** The QR to show now; it replaces any earlier one. */
  qr: QrCode;
}

/** A pairing code to type on the phone (login by phone number). */
export interface PairingCodeUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'pairing_code';
  /** The code, e.g. `ABCD-EFGH`. */
  code: string;
  /** The phone number the code is for, when known. */
  phone?: string;
}

/** The session is logged in and its page answers the liveness probe. */
export interface ConnectedUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'connected';
}

/** The session is not running: closed (the QR expired unscanned, a close or logout), absent, or its page died. */
export interface DisconnectedUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'disconnected';
  /** The true status: `disconnected`, `not_propagated` or `missing`. */
  status: SessionStatus;
  /** One sentence a person can read. */
  reason: string;
}

/** The session has been INITIALIZING for longer than `stuckAfterMs`. */
export interface StuckUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'stuck';
  /** How long it has been INITIALIZING, in ms. */
  initializingForMs: number;
  /** The probable cause and remedy. */
  likelyCause: string;
}

/** A status read failed. A transient failure (network, 5xx) is followed by the next poll; a fatal one ends the watch. */
export interface ErrorUpdate extends SessionUpdateBase {
  /** Discriminant. */
  type: 'error';
  /** The failure, already free of secrets. */
  error: WhatsAppSdkError;
  /** True when the watch ends after this update (authentication refused, an answer that cannot be read). */
  fatal: boolean;
}

/** What `watchSession` yields: a discriminated union by `type`. */
export type SessionUpdate =
  | StatusUpdate
  | QrUpdate
  | PairingCodeUpdate
  | ConnectedUpdate
  | DisconnectedUpdate
  | StuckUpdate
  | ErrorUpdate;

/** The `type` of a {@link SessionUpdate}. */
export type SessionUpdateType = SessionUpdate['type'];

/** Options of `watchSession`. */
export interface WatchOptions {
  /** Ends the watch (the loop then finishes normally). */
  signal?: AbortSignal;
  /**
   * Update types after which the watch ends, the update itself included. Default
   * `['connected', 'disconnected', 'stuck']`: follow a login to its outcome. `[]` follows the session until
   * the caller breaks or aborts (a fatal `error` always ends it).
   */
  stopOn?: readonly SessionUpdateType[];
}

/** Options of `waitForConnection`. */
export interface WaitForConnectionOptions {
  /** Called with each fresh QR code (draw it; it replaces the previous one). */
  onQr?: (qr: QrCode) => void;
  /** Called with each pairing code. */
  onPairingCode?: (code: string) => void;
  /** Aborts the wait ({@link whatsapp-gateway-sdk!AbortError}). */
  signal?: AbortSignal;
  /** Longest wait, in ms; default the manager's `qrWaitMs`. */
  timeoutMs?: number;
}

/** Options of `sessionEvents`. */
export interface EventsOptions {
  /** Ends the stream. */
  signal?: AbortSignal;
}

/**
 * Something that hands over webhook events as they arrive: an `ActivityTracker` is one. The manager listens to
 * it so `watchSession` sees a `qrcode` or `phoneCode` webhook at once instead of at the next poll.
 */
export interface WebhookFeed {
  /**
   * Calls `listener` with every webhook event recorded from now on.
   * @returns A function that stops the calls.
   */
  subscribe(listener: (event: WebhookEvent) => void): () => void;
}
