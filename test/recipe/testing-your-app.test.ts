import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  ActivityTracker,
  SessionManager,
  WhatsAppGatewayClient,
  WppConnectClient,
} from 'whatsapp-gateway-sdk';
import {
  type FakeServers,
  ManualClock,
  onmessageWebhook,
  seedConnected,
  seedNotPropagated,
  startFakeServers,
} from 'whatsapp-gateway-sdk/testing';

const HOUR = 3_600_000;
let clock: ManualClock;
let servers: FakeServers;
let activity: ActivityTracker;
let manager: SessionManager;

beforeEach(async () => {
  // One clock for both fakes and the manager: QR rotation, timeouts and silence all follow it.
  clock = new ManualClock();
  servers = await startFakeServers({ wppconnect: { clock }, gateway: { clock } });
  activity = new ActivityTracker({ clock });
  manager = new SessionManager({
    gateway: new WhatsAppGatewayClient({ baseUrl: servers.gatewayUrl, secret: servers.secret }),
    wppconnect: new WppConnectClient({ baseUrl: servers.wppconnectUrl, secretKey: servers.secretKey }),
    activity,
    clock,
  });
});

afterEach(() => servers.close());

it('tells a live session from a zombie', async () => {
  seedConnected(servers, 'sales');
  seedConnected(servers, 'support-team');
  activity.record(onmessageWebhook('sales', { ageMs: 10 * 60_000, now: clock.now() }));
  activity.record(onmessageWebhook('support-team', { ageMs: 9 * HOUR, now: clock.now() }));

  const sessions = await manager.listSessions();

  expect(sessions.find((s) => s.id === 'sales')).toMatchObject({ status: 'connected', isZombie: false });
  expect(sessions.find((s) => s.id === 'support-team')).toMatchObject({
    status: 'connected',
    isZombie: true,
  });
});

it('repairs a session the gateway never passed on to WPPConnect', async () => {
  seedNotPropagated(servers, 'sales');

  const report = await manager.ensureSession('sales');

  expect(report.repaired).toBe(true);
  expect(report.status).toBe('qr_required');
  expect(servers.wppconnect.session('sales')?.status).toBe('QRCODE');
});
