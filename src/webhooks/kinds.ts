/**
 * Event names of both webhook vocabularies, mapped to one {@link WebhookEventKind}.
 * @module
 * @internal
 */

import type { WebhookEventKind } from './types.js';

// Keys are lower case: WPPConnect writes `phoneCode` and `status-find`, and nothing is gained by refusing
// `phonecode`. A Map, not an object literal, so an event named `constructor` cannot hit the prototype.
const WPPCONNECT_KINDS = new Map<string, WebhookEventKind>([
  // wppconnect.md §4
  ['onmessage', 'message'],
  ['onselfmessage', 'message'],
  ['unreadmessages', 'message'],
  ['onack', 'message_ack'],
  ['onpresencechanged', 'presence'],
  ['qrcode', 'qrcode'],
  ['phonecode', 'phone_code'],
  ['status-find', 'status_find'],
  ['closesession', 'session_closed'],
  ['logoutsession', 'session_logged_out'],
  ['incomingcall', 'call'],
]);

// Field notes §9 (wrapper mapping) and §5.1 (the event types Pixel Hub counts as message activity).
const GATEWAY_KINDS = new Map<string, WebhookEventKind>([
  ['message', 'message'],
  ['message.sent', 'message'],
  ['message.received', 'message'],
  ['message_sent', 'message'],
  ['message.ack', 'message_ack'],
  ['connection.update', 'presence'],
  ['message.failed', 'other'],
]);

// Events whose message is, by definition, the session's own (Pixel Hub reads `message.sent` as outbound).
const OWN_MESSAGE_EVENTS = new Set(['onselfmessage', 'message.sent', 'message_sent']);

/** The kind of a raw event name; unknown names are `other`. @internal */
export function kindOf(event: string): WebhookEventKind {
  const name = event.toLowerCase();
  return WPPCONNECT_KINDS.get(name) ?? GATEWAY_KINDS.get(name) ?? 'other';
}

/** True when the name belongs to the gateway's envelope vocabulary. @internal */
export function isGatewayEvent(event: string): boolean {
  return GATEWAY_KINDS.has(event.toLowerCase());
}

/** True when the event name alone says the message came from the session's own account. @internal */
export function isOwnMessageEvent(event: string): boolean {
  return OWN_MESSAGE_EVENTS.has(event.toLowerCase());
}
