/**
 * whatsapp-gateway-sdk/watch: following sessions live. `watchSession` yields each fresh QR, pairing code and
 * the connection as it happens, `waitForConnection` is its one-line form, and `sessionEvents` streams a
 * manager's events. Each takes the `SessionManager` as its first argument; the core entry does not load any
 * of this until an app imports it.
 *
 * @example
 * ```ts
 * import { SessionManager } from 'whatsapp-gateway-sdk';
 * import { watchSession } from 'whatsapp-gateway-sdk/watch';
 *
 * const manager = new SessionManager({ gateway, wppconnect });
 * await manager.createSession('sales');
 * for await (const update of watchSession(manager, 'sales')) {
 *   if (update.type === 'qr') show(update.qr.dataUrl);
 * }
 * ```
 * @module whatsapp-gateway-sdk/watch
 */
export { sessionEvents, waitForConnection, watchSession } from '../sessions/watch.js';
export type {
  ConnectedUpdate,
  DisconnectedUpdate,
  ErrorUpdate,
  EventsOptions,
  PairingCodeUpdate,
  QrUpdate,
  SessionUpdate,
  SessionUpdateBase,
  SessionUpdateType,
  StatusUpdate,
  StuckUpdate,
  WaitForConnectionOptions,
  WatchOptions,
} from '../sessions/watch-types.js';
