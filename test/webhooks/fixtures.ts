/**
 * Webhook bodies for the tests. The two gateway envelopes are the real captures quoted in field notes §9,
 * kept as the exact JSON text; the WPPConnect bodies are shaped per wppconnect.md §4 (`{event, session, ...data}`).
 */

/** field notes §9, `database/payload-example-normal-message.json` (raw.payload trimmed as quoted there). */
export const GATEWAY_MESSAGE_JSON = `{
  "spec_version": "1.0",
  "event": "message",
  "session": { "id": "FrontDesk", "name": "FrontDesk" },
  "message": {
    "id": "false_208989199560861@lid_3EB0461725FC1E698AD069",
    "from": "208989199560861@lid",
    "to": "554797146908@c.us",
    "text": "teste1827_frontdesk",
    "timestamp": 1768512935
  },
  "ack": null,
  "connection": null,
  "raw": { "provider": "wppconnect", "payload": {
      "event": "onmessage", "session": "FrontDesk",
      "id": "false_208989199560861@lid_3EB0461725FC1E698AD069",
      "body": "teste1827_frontdesk", "type": "chat", "t": 1768512935,
      "clientReceivedTsMillis": 1768512934852, "notifyName": "Charles Dietrich",
      "from": "208989199560861@lid", "to": "554797146908@c.us", "ack": 1, "isNewMsg": true } },
  "event_id": "9d85ff62-c78b-47d2-9022-c09107c60aef",
  "correlation_id": "2d421e63-6ede-4fe8-8c88-a607f5412853",
  "timestamp": 1768512935
}`;

/** field notes §9, `database/payload-example-connection-update.json`: a contact's presence, not the session's. */
export const GATEWAY_CONNECTION_UPDATE_JSON = `{
  "spec_version": "1.0",
  "event": "connection.update",
  "session": { "id": "Marketing Team", "name": "Marketing Team" },
  "message": null,
  "ack": null,
  "connection": { "status": "unavailable" },
  "raw": { "provider": "wppconnect", "payload": {
      "event": "onpresencechanged", "session": "Marketing Team",
      "id": "5524988237604@c.us", "isOnline": false, "isGroup": false, "isUser": true,
      "shortName": "+55 24 98823-7604", "state": "unavailable",
      "t": 1768504026490, "isContact": false } },
  "event_id": "27400d7a-9091-40ff-9ccb-5216c18fb958",
  "correlation_id": "7c993d74-d0d3-44bd-9407-a2af98d17f28",
  "timestamp": "2026-01-15T19:07:06.497Z"
}`;

/** `onmessage`: a wppconnect `Message`, `t` in unix seconds. */
export const wppOnMessage = {
  event: 'onmessage',
  session: 'FrontDesk',
  id: 'false_208989199560861@lid_3EB0461725FC1E698AD069',
  body: 'teste1827_frontdesk',
  type: 'chat',
  t: 1768512935,
  from: '208989199560861@lid',
  to: '554797146908@c.us',
  fromMe: false,
  isGroupMsg: false,
  chatId: '208989199560861@lid',
  notifyName: 'Charles Dietrich',
  ack: 1,
};

/** `onpresencechanged`: `t` in milliseconds, `id` is a contact. */
export const wppPresence = {
  event: 'onpresencechanged',
  session: 'Marketing Team',
  id: '5524988237604@c.us',
  isOnline: true,
  isGroup: false,
  isUser: true,
  state: 'available',
  t: 1768504026490,
};

/** `onack`: `id` is an object; `t` in seconds. */
export const wppAck = {
  event: 'onack',
  session: 'FrontDesk',
  id: {
    fromMe: true,
    remote: '208989199560861@lid',
    id: '3EB0AAAA',
    _serialized: 'true_208989199560861@lid_3EB0AAAA',
  },
  ack: 3,
  t: 1768512999,
  from: '554797146908@c.us',
  to: '208989199560861@lid',
  body: 'resposta',
  type: 'chat',
};

/** `qrcode` after a close-session: no `session` key (wppconnect.md §3.3), bare base64. */
export const wppQrNoSession = {
  event: 'qrcode',
  qrcode: 'iVBORw0KGgoAAAANSUhEUgAA',
  urlcode: '2@abcDEF,xyz==',
};

/** `status-find` with the old and the new spelling (wppconnect.md §3.2). */
export const wppStatusFindOld = { event: 'status-find', session: 'FrontDesk', status: 'desconnectedMobile' };
export const wppStatusFindNew = { event: 'status-find', session: 'FrontDesk', status: 'disconnectedMobile' };

/** `closesession` / `logoutsession` (wppconnect.md §4). */
export const wppCloseSession = {
  event: 'closesession',
  session: 'FrontDesk',
  message: 'Session: FrontDesk disconnected',
  connected: false,
};
export const wppLogoutSession = {
  event: 'logoutsession',
  session: 'FrontDesk',
  message: 'Session: FrontDesk logged out',
  connected: false,
};

/** `phoneCode` during a pairing-code login, also without `session`. */
export const wppPhoneCode = { event: 'phoneCode', phoneCode: 'ABCD-EFGH', phone: '5521999999999' };

/** `incomingcall`: the time is `offerTime`, the caller `peerJid`. */
export const wppIncomingCall = {
  event: 'incomingcall',
  session: 'FrontDesk',
  id: 'CALL-1',
  peerJid: '5511984078606@c.us',
  offerTime: 1768513000,
  isVideo: false,
  isGroup: false,
};
