/**
 * One test world: a manual clock, the fake WPPConnect and fake gateway served through MSW, the two SDK clients
 * pointed at them, an ActivityTracker and a SessionManager. Nothing sleeps: waits advance the manual clock.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  ActivityTracker,
  type SessionEvent,
  SessionManager,
  type SessionManagerOptions,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../../src/index.js';
import {
  FakeGateway,
  type FakeGatewayOptions,
  FakeWppConnect,
  type FakeWppConnectOptions,
  ManualClock,
  onmessageWebhook,
} from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw.js';

/** Retries in tests never wait for real. */
export const noSleep = async () => undefined;

/** One MSW server per test file, with no handler of its own: each world adds its fakes. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface WorldOptions {
  wppconnect?: Partial<FakeWppConnectOptions>;
  gateway?: Partial<Omit<FakeGatewayOptions, 'wppconnect'>>;
  manager?: Partial<SessionManagerOptions>;
  /** Build the manager without a WppConnectClient (gateway-only mode). */
  gatewayOnly?: boolean;
  /** The clock of the world (default a new ManualClock). */
  clock?: ManualClock;
}

export function createWorld(server: ReturnType<typeof setupServer>, options: WorldOptions = {}) {
  const clock = options.clock ?? new ManualClock();
  const fakeWpp = new FakeWppConnect({ clock, ...options.wppconnect });
  const fakeGateway = new FakeGateway({ wppconnect: fakeWpp, clock, ...options.gateway });
  server.use(...mswHandlers(fakeWpp, fakeGateway));
  const gateway = new WhatsAppGatewayClient({
    baseUrl: fakeGateway.baseUrl,
    secret: fakeGateway.secret,
    sleep: noSleep,
  });
  const wppconnect = new WppConnectClient({
    baseUrl: fakeWpp.baseUrl,
    secretKey: fakeWpp.secretKey,
    sleep: noSleep,
  });
  const activity = new ActivityTracker({ clock });
  const events: SessionEvent[] = [];
  const manager = new SessionManager({
    gateway,
    ...(options.gatewayOnly ? {} : { wppconnect }),
    activity,
    clock,
    webhookUrl: (id) => `https://app.test/hooks/wpp/${id}`,
    onEvent: (event) => events.push(event),
    ...options.manager,
  });
  return { clock, fakeWpp, fakeGateway, gateway, wppconnect, activity, manager, events };
}

/** A WPPConnect-style `onmessage` webhook body at `atMs` (the package's helper). */
export function messageWebhook(session: string, atMs: number) {
  return onmessageWebhook(session, { at: atMs });
}
