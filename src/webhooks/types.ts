/**
 * The typed form of a webhook body: what {@link parseWebhook} returns and {@link ActivityTracker} records.
 * @module
 */

/**
 * What a webhook reports, across both vocabularies: WPPConnect's raw events and the
 * gateway's `spec_version: "1.0"` envelope.
 *
 * | kind | WPPConnect `event` | gateway `event` |
 * |---|---|---|
 * | `message` | `onmessage`, `onselfmessage`, `unreadmessages` | `message`, `message.sent`, `message.received`, `message_sent` |
 * | `message_ack` | `onack` | `message.ack` |
 * | `presence` | `onpresencechanged` | `connection.update` (a **contact's** presence, see below) |
 * | `qrcode` | `qrcode` | |
 * | `phone_code` | `phoneCode` | |
 * | `status_find` | `status-find` | |
 * | `session_closed` | `closesession` | |
 * | `session_logged_out` | `logoutsession` | |
 * | `call` | `incomingcall` | |
 * | `other` | anything else (`onupdatelabel`, `onreactionmessage`, …) | `message.failed`, anything else |
 *
 * `presence` is never the session's own link state: the gateway's `connection.update` mirrors WPPConnect's
 * `onpresencechanged`, whose `id` is a contact (`…@c.us`, `isUser: true`). Reading `available`/`unavailable`
 * as the session going up and down was a real misdiagnosis.
 */
export type WebhookEventKind =
  | 'message'
  | 'message_ack'
  | 'presence'
  | 'qrcode'
  | 'phone_code'
  | 'status_find'
  | 'session_closed'
  | 'session_logged_out'
  | 'call'
  | 'other';

/** Which hop sent the body: WPPConnect itself (`{event, session, ...data}`) or the gateway's normalized envelope. */
export type WebhookSource = 'wppconnect' | 'gateway';

/** A webhook body, read tolerantly into the fields the SDK needs. Unknown fields are ignored, never rejected. */
export interface WebhookEvent {
  /**
   * The session the event belongs to, or `null` when neither the body nor the caller named one (WPPConnect
   * drops `session` from `qrcode`/`status-find` bodies after a close-session).
   * Case-sensitive, as sent.
   */
  sessionId: string | null;
  /** What happened, in one vocabulary for both sources. */
  kind: WebhookEventKind;
  /** The body's own `event` (or `type`) string, unchanged: `onmessage`, `connection.update`, … */
  rawEvent: string;
  /** When it happened according to the body (seconds, milliseconds and ISO strings normalized), or `null`. */
  at: Date | null;
  /** Who sent the body. */
  source: WebhookSource;
  /** True for `kind: 'message'`: the only events that prove a session still receives messages. */
  isMessage: boolean;
  /** Whether the message was sent by the session's own account, when the body says so. */
  fromMe?: boolean;
  /** The message id, for `message` and `message_ack` events (`false_<chat>_<id>` on WPPConnect). */
  messageId?: string;
  /** The sender (`…@c.us`, `…@lid`, `…@g.us`; for calls, the caller), when the body says so. */
  from?: string;
  /**
   * A status-find value (`inChat`, `browserClose`, `disconnectedMobile`, …) or a presence state
   * (`available`, `unavailable`, …). The pre-v2.8.7 spelling `desconnectedMobile` is reported as
   * `disconnectedMobile`, so one comparison covers both servers.
   */
  status?: string;
  /** For `qrcode` events: the QR image as base64 PNG without a `data:` prefix, and its text when sent. */
  qr?: {
    /** PNG bytes, base64, without a `data:` prefix. */
    base64: string;
    /** The QR's text, for terminal drawing. */
    urlcode?: string;
  };
  /** For `phone_code` events: the pairing code to type on the phone (WPPConnect exposes it nowhere else). */
  phoneCode?: string;
}

/** Options of {@link parseWebhook}. */
export interface ParseWebhookOptions {
  /**
   * The session this body is for, known from the route it arrived on (a per-session webhook URL). When given
   * it is used instead of any id in the body: keying by the URL is safer, because the body
   * may lack `session` or carry the gateway's display alias of it (`Sales Team` for `sales-team`).
   */
  sessionId?: string;
}
