/**
 * whatsapp-gateway-sdk: typed clients for a WhatsApp gateway and the WPPConnect server behind it, and a
 * `SessionManager` that makes sure a session really exists, reports its true status and spots zombies.
 * @module whatsapp-gateway-sdk
 */
export * from './errors.js';
export type {
  Channel,
  CreateChannelResult,
  GatewayChannelStatus,
  QrAnswer,
  SendResult,
  StartSessionAnswer,
  WebhookTarget,
  WhatsAppGatewayClientOptions,
} from './gateway/client.js';
export { WhatsAppGatewayClient } from './gateway/client.js';
export type { HttpClientOptions } from './http/client-options.js';
export type { SleepFn } from './http/delay.js';
export type {
  AfterResponseInfo,
  BeforeRequestInfo,
  HeadersOption,
  HttpHooks,
  RequestInfo,
} from './http/hooks.js';
export type { RetryOptions } from './http/retry.js';
export type { CallOptions } from './http/transport.js';
export { assertSessionId, MAX_SESSION_ID_LENGTH } from './ids.js';
export type { LogFields, Logger, LogLevel } from './logger.js';
export type { QrCode } from './qr.js';
export type { SessionStartOptions } from './sessions/call-options.js';
export type { SessionManagerOptions } from './sessions/context.js';
export type { HealthcheckOptions } from './sessions/healthcheck.js';
export { type SessionCallOptions, SessionManager } from './sessions/manager.js';
export type { ReconnectOptions } from './sessions/reconnect.js';
export type {
  Clock,
  HealthClass,
  HealthEntry,
  HealthReport,
  SessionEvent,
  SessionEventType,
  SessionInfo,
  SessionReport,
  SessionStatus,
  ZombieEvidence,
} from './sessions/types.js';
export type { WebhookFeed } from './sessions/watch-types.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory.js';
export type { LeaseInfo, PendingWork, RepairRecord, SessionStore, StoreLimits } from './store/types.js';
export * from './webhooks/index.js';
export type {
  StartSessionOptions,
  WppBooleanResult,
  WppConnectClientOptions,
  WppHealth,
  WppQrResult,
  WppSessionStatus,
  WppStatus,
} from './wppconnect/client.js';
export { WppConnectClient } from './wppconnect/client.js';
export { WPP_STATUSES } from './wppconnect/schemas.js';
export { MemoryTokenStore, type TokenStore } from './wppconnect/token-store.js';
