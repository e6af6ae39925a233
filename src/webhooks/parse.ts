/**
 * `parseWebhook`: one reader for both webhook sources, WPPConnect's raw `{event, session, ...data}` bodies and the gateway's `spec_version: "1.0"` envelope.
 *
 * It reads tolerantly, because neither source is versioned with us: the gateway-wrapper's source is not
 * public and WPPConnect changes field names between releases. The only hard requirement
 * is an object with an event name; everything else is optional and read from every place it was seen.
 * @module
 */

import { ResponseValidationError } from '../errors.js';
import { isGatewayEvent, isOwnMessageEvent, kindOf } from './kinds.js';
import { firstBoolean, firstString, isObject, type JsonObject, pick } from './read.js';
import { firstDate } from './time.js';
import type { ParseWebhookOptions, WebhookEvent } from './types.js';

const DATA_URL_PREFIX = /^data:image\/[a-z+.-]+;base64,/i;

// Errors name the path and what was expected, never the value: webhook bodies carry message text and
// phone numbers, and this error will be logged (design §3.8).
function invalid(message: string, path: string, expected: string): ResponseValidationError {
  return new ResponseValidationError(`Invalid webhook body: ${message}`, {
    issues: [{ path, message: expected }],
  });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** The body as a JSON object, decoding a string or bytes first (frameworks hand over any of the three). */
function toObject(body: unknown): JsonObject {
  let value = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    // TextDecoder drops a UTF-8 byte-order mark; a string may still start with one, which JSON.parse refuses.
    const text = typeof value === 'string' ? value.replace(/^\uFEFF/, '') : new TextDecoder().decode(value);
    try {
      value = JSON.parse(text);
    } catch {
      throw invalid('not valid JSON', '', 'expected a JSON object');
    }
  }
  if (!isObject(value))
    throw invalid(`expected a JSON object, got ${typeName(value)}`, '', 'expected a JSON object');
  return value;
}

function sessionIdOf(body: JsonObject, fromRoute: string | undefined): string | null {
  if (typeof fromRoute === 'string' && fromRoute !== '') return fromRoute;
  // The places Pixel Hub looks (field notes §9), plus the gateway envelope's copy of WPPConnect's body.
  return (
    firstString(
      pick(body, 'session'),
      pick(body, 'session', 'id'),
      pick(body, 'session', 'session'),
      pick(body, 'sessionId'),
      pick(body, 'channelId'),
      pick(body, 'channel'),
      pick(body, 'raw', 'payload', 'session'),
    ) ?? null
  );
}

/**
 * Reads a webhook body from WPPConnect or from the gateway into a typed {@link WebhookEvent}.
 *
 * Times are normalized whatever their unit: the first valid one of `timestamp`, `message.timestamp`, `t`,
 * `raw.payload.t`, `offerTime` is used, where numbers below 1e12 are unix seconds, larger ones milliseconds,
 * and strings are ISO 8601 (or numeric). The session id comes from `options.sessionId` when given, else from
 * the body (`session`, `session.id`, `session.session`, `sessionId`, `channelId`, `channel`,
 * `raw.payload.session`).
 *
 * @param body - The parsed JSON, the raw JSON text, or its bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`).
 * @param options - The session id known from the route, which wins over the body's.
 * @returns The event. Unknown event names give `kind: 'other'`, never an error.
 * @throws {@link ResponseValidationError} when the body is not JSON, not an object, or has no string
 *   `event` (or `type`). Nothing else is ever thrown.
 *
 * @example
 * ```ts
 * app.post('/hooks/wpp/:session', express.json(), (req, res) => {
 *   const event = parseWebhook(req.body, { sessionId: req.params.session });
 *   if (event.kind === 'qrcode' && event.qr) showQr(event.sessionId, event.qr.base64);
 *   res.sendStatus(200);
 * });
 * ```
 */
export function parseWebhook(body: unknown, options?: ParseWebhookOptions): WebhookEvent {
  const object = toObject(body);
  // `event` first: a WPPConnect message also has `type` ("chat"), which is the message type, not the event.
  const rawEvent = [pick(object, 'event'), pick(object, 'type')].find(
    (name): name is string => typeof name === 'string' && name.trim() !== '',
  );
  if (rawEvent === undefined) {
    throw invalid('no event name', 'event', 'expected a non-empty string in `event` or `type`');
  }

  const kind = kindOf(rawEvent);
  const payload = pick(object, 'raw', 'payload');
  const event: WebhookEvent = {
    sessionId: sessionIdOf(object, options?.sessionId),
    kind,
    rawEvent,
    at: firstDate(
      pick(object, 'timestamp'),
      pick(object, 'message', 'timestamp'),
      pick(object, 't'),
      pick(payload, 't'),
      pick(object, 'offerTime'),
    ),
    source: pick(object, 'spec_version') !== undefined || isGatewayEvent(rawEvent) ? 'gateway' : 'wppconnect',
    isMessage: kind === 'message',
  };

  const fromMe =
    firstBoolean(
      pick(object, 'fromMe'),
      pick(object, 'message', 'fromMe'),
      pick(payload, 'fromMe'),
      pick(object, 'id', 'fromMe'),
    ) ?? (isOwnMessageEvent(rawEvent) ? true : undefined);
  if (fromMe !== undefined) event.fromMe = fromMe;

  // `id` is a message id only on messages and acks; on presence it is a contact, on calls the call.
  const messageId =
    kind === 'message' || kind === 'message_ack'
      ? firstString(
          pick(object, 'id'),
          pick(object, 'messageId'),
          pick(object, 'message_id'),
          pick(object, 'message', 'id'),
          pick(object, 'id', '_serialized'),
          pick(payload, 'id'),
          pick(payload, 'id', '_serialized'),
        )
      : undefined;
  if (messageId !== undefined) event.messageId = messageId;

  const from = firstString(
    pick(object, 'from'),
    pick(object, 'message', 'from'),
    pick(payload, 'from'),
    kind === 'call' ? pick(object, 'peerJid') : undefined,
  );
  if (from !== undefined) event.from = from;

  const status = firstString(
    pick(object, 'status'),
    pick(object, 'connection', 'status'),
    pick(object, 'state'),
    pick(payload, 'state'),
  );
  // Renamed in wppconnect 1.37.7 / server v2.8.7; older servers are still deployed (wppconnect.md §3.2).
  if (status !== undefined) event.status = status === 'desconnectedMobile' ? 'disconnectedMobile' : status;

  if (kind === 'qrcode') {
    // WPPConnect sends bare base64 here (wppconnect.md §4); strip a data-URL prefix anyway, as src/qr.ts does.
    const base64 = firstString(pick(object, 'qrcode'), pick(object, 'qr'))
      ?.trim()
      .replace(DATA_URL_PREFIX, '');
    const urlcode = firstString(pick(object, 'urlcode'));
    if (base64) event.qr = urlcode === undefined ? { base64 } : { base64, urlcode };
  }
  if (kind === 'phone_code') {
    const phoneCode = firstString(pick(object, 'phoneCode'));
    if (phoneCode !== undefined) event.phoneCode = phoneCode;
  }
  return event;
}
