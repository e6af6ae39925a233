/**
 * `whatsapp-gateway-sdk/http`: session management embedded in any app, as one Fetch-API handler with
 * Server-Sent Events, plus the error → HTTP status mapping it uses.
 * @module whatsapp-gateway-sdk/http
 */
export { type HttpError, type HttpErrorBody, toHttpError } from './errors.js';
export {
  type AuthorizeResult,
  createSessionsHandler,
  type SessionsHandler,
  type SessionsHandlerOptions,
  type WebhookRecorder,
} from './handler.js';
export { toNodeListener } from './node.js';
export type { LegacyCreateResponse } from './views.js';
