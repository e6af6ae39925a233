/**
 * `whatsapp-gateway-sdk/testing`: stateful fakes of WPPConnect and the gateway-wrapper, served through MSW
 * handlers or real node:http servers, with a clock you control.
 * @packageDocumentation
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
export { mswHandlers } from './msw.js';
export { pngFor } from './png.js';
export { type FakeServers, type StartFakeServersOptions, startFakeServers } from './server.js';
export type { FakeWppSessionState, WppSeedState, WppStatus } from './wpp-sessions.js';
