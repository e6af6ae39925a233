/**
 * `whatsapp-gateway-sdk/testing`: stateful fakes of WPPConnect and the gateway-wrapper, served by real
 * node:http servers ({@link startFakeServers}) or called directly, with a clock you control, and helpers that
 * seed both fakes at once. It does not load msw: the MSW handlers are in `whatsapp-gateway-sdk/testing/msw`.
 * @module whatsapp-gateway-sdk/testing
 */
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  type FakeChannel,
  FakeGateway,
  type FakeGatewayOptions,
  type GatewayFaults,
  type GatewayWebhook,
} from './fake-gateway.js';
export { FakeWppConnect, type FakeWppConnectOptions } from './fake-wppconnect.js';
export { normalizeGatewayStatus } from './gateway-status.js';
export type { FakeCall, Latency } from './http-kit.js';
export { pngFor } from './png.js';
export {
  type FakePair,
  type MessageTime,
  onmessageWebhook,
  seedConnected,
  seedNotPropagated,
  seedQrRequired,
} from './seed.js';
export { type FakeServers, type StartFakeServersOptions, startFakeServers } from './server.js';
export type { FakeWppSessionState, WppSeedState, WppStatus } from './wpp-sessions.js';
