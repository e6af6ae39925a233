import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGateway, FakeWppConnect, ManualClock, normalizeGatewayStatus } from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const clock = new ManualClock(T0);
const wpp = new FakeWppConnect({ clock });
const gw = new FakeGateway({ wppconnect: wpp });
const server = setupServer(...mswHandlers(wpp, gw));
const SECRET = 'gateway-secret-for-tests';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  clock.set(T0);
  wpp.reset();
  gw.reset();
});
afterAll(() => server.close());

interface GwOptions {
  method?: string;
  body?: unknown;
  secret?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function gwFetch(path: string, options: GwOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.secret !== null) headers['X-Gateway-Secret'] = options.secret ?? SECRET;
  const init: RequestInit = {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
  };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  return fetch(`${gw.baseUrl}${path}`, init);
}

async function gwJson(path: string, options: GwOptions = {}): Promise<[number, Record<string, unknown>]> {
  const res = await gwFetch(path, options);
  return [res.status, (await res.json()) as Record<string, unknown>];
}

const NOT_FOUND = { success: false, error: 'Canal não encontrado' };

describe('auth and proxy faults (field notes §3, §7.6, §7.7)', () => {
  it('answers a missing or wrong X-Gateway-Secret with the JSON 401, without WWW-Authenticate', async () => {
    for (const secret of [null, 'wrong']) {
      const res = await gwFetch('/api/channels', { secret });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(await res.json()).toEqual({ success: false, error: 'Unauthorized' });
    }
    expect(wpp.calls).toHaveLength(0);
  });

  it('proxyBasicAuth: nginx 401 HTML with a Basic challenge, even with the right secret', async () => {
    gw.faults.proxyBasicAuth = true;
    const res = await gwFetch('/api/messages', { body: { channel: 'a', to: '1', text: 'x' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Acesso Restrito - Gateway WhatsApp"');
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toBe(
      '<html><head><title>401 Authorization Required</title></head><body><center><h1>401 Authorization Required</h1></center><hr><center>nginx/1.24.0</center></body></html>',
    );
    expect(wpp.calls).toHaveLength(0);
  });

  it.each([
    [502, '502 Bad Gateway'],
    [504, '504 Gateway Time-out'],
  ] as const)('htmlError %i: the nginx HTML page', async (status, title) => {
    gw.faults.htmlError = status;
    const res = await gwFetch('/api/channels');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toContain(`<title>${title}</title>`);
  });

  it('answers unknown routes with the wrapper JSON 404 and echoes X-Request-Id', async () => {
    const res = await gwFetch('/api/nope', { headers: { 'X-Request-Id': 'req-42' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(await res.json()).toEqual({ success: false, error: 'Route not found' });
  });
});

describe('POST /api/channels (field notes §7.1)', () => {
  it('creates the channel and propagates it: generate-token + start-session on WPPConnect', async () => {
    await gwJson('/api/webhooks', { body: { url: 'https://hooks.test/all' } });
    const [status, body] = await gwJson('/api/channels', { body: { channel: 'frontdesk' } });
    expect(status).toBe(200);
    expect(body).toEqual({
      success: true,
      message: 'Session created successfully',
      qr_required: true,
      channel: { id: 'frontdesk', status: 'qr_required' },
    });
    expect(wpp.calls.map((c) => [c.route, c.status])).toEqual([
      ['/api/{session}/{secretkey}/generate-token', 201],
      ['/api/{session}/start-session', 200],
    ]);
    expect(wpp.session('frontdesk')).toMatchObject({
      status: 'INITIALIZING',
      webhook: 'https://hooks.test/all',
    });
    expect(gw.channels()).toEqual([{ id: 'frontdesk', status: 'qr_required', createdAt: T0 }]);
  });

  it('dropPropagation: same success answer, zero WPPConnect calls, and /qr then says "Session not started"', async () => {
    gw.faults.dropPropagation = (id) => id === 'FrontDesk';
    const [status, body] = await gwJson('/api/channels', { body: { channel: 'FrontDesk' } });
    expect(status).toBe(200);
    expect(body['message']).toBe('Session created successfully');
    expect(wpp.calls).toHaveLength(0);
    expect(wpp.session('FrontDesk')).toBeUndefined();
    expect(await gwJson('/api/channels/FrontDesk/qr')).toEqual([
      500,
      {
        success: false,
        error:
          'WPPConnect getQRCode failed: Session not started. Please, use the /start-session route, for initialization your session',
      },
    ]);
    await gwJson('/api/channels', { body: { channel: 'other' } });
    expect(wpp.session('other')?.status).toBe('INITIALIZING');
  });

  it('answers 409 for an existing id and 400 for a missing channel', async () => {
    await gwJson('/api/channels', { body: { channel: 'a' } });
    expect(await gwJson('/api/channels', { body: { channel: 'a' } })).toEqual([
      409,
      { success: false, error: 'Channel already exists' },
    ]);
    expect(await gwJson('/api/channels', { body: {} })).toEqual([
      400,
      { success: false, error: 'channel is required' },
    ]);
    expect(await gwJson('/api/channels', { body: { channel: 7 } })).toEqual([
      400,
      { success: false, error: 'channel is required' },
    ]);
  });
});

describe('channel statuses (field notes §4)', () => {
  it('normalizeGatewayStatus reproduces the includes("connected") bug', () => {
    expect(
      [
        'CONNECTED',
        'open',
        'CLOSED',
        'close',
        'INITIALIZING',
        'QRCODE',
        'starting',
        'PHONECODE',
        'DISCONNECTED',
        'desconnectedMobile',
      ].map(normalizeGatewayStatus),
    ).toEqual([
      'connected',
      'connected',
      'disconnected',
      'disconnected',
      'qr_required',
      'qr_required',
      'qr_required',
      'phonecode',
      'connected',
      'connected',
    ]);
  });

  it('lists channels with one status-session per channel, through the buggy rule', async () => {
    wpp.seed('on', { status: 'CONNECTED' });
    wpp.seed('qr', { status: 'QRCODE' });
    wpp.seed('dead', { status: 'CONNECTED' });
    wpp.setRawStatus('dead', 'DISCONNECTED'); // a fork that reports it: the gateway says connected
    for (const id of ['on', 'qr', 'never', 'dead']) gw.seedChannel(id, 'unknown');
    const [status, body] = await gwJson('/api/channels');
    expect(status).toBe(200);
    expect(body).toEqual({
      success: true,
      channels: [
        { id: 'on', status: 'connected' },
        { id: 'qr', status: 'qr_required' },
        { id: 'never', status: 'disconnected' },
        { id: 'dead', status: 'connected' },
      ],
      total: 4,
    });
    expect(wpp.countCalls('/api/{session}/status-session')).toBe(4);
    expect(gw.channels().map((c) => c.status)).toEqual([
      'connected',
      'qr_required',
      'disconnected',
      'connected',
    ]);
  });

  it('staleStatus: answers the stored status without asking WPPConnect', async () => {
    wpp.seed('pixel', { status: 'CONNECTED' });
    gw.seedChannel('pixel', 'connected');
    wpp.unlinkPhone('pixel');
    gw.faults.staleStatus = true;
    expect((await gwJson('/api/channels'))[1]['channels']).toEqual([{ id: 'pixel', status: 'connected' }]);
    expect((await gwJson('/api/channels/pixel'))[1]).toEqual({
      success: true,
      channel: { id: 'pixel', name: 'pixel', status: 'connected' },
    });
    expect(wpp.calls).toHaveLength(0);
    gw.faults.staleStatus = false;
    expect((await gwJson('/api/channels/pixel'))[1]['channel']).toMatchObject({ status: 'disconnected' });
  });

  it('GET /api/channels/:id is case-sensitive and 404s on unknown ids', async () => {
    gw.seedChannel('FrontDesk', 'qr_required');
    expect(await gwJson('/api/channels/frontdesk')).toEqual([404, NOT_FOUND]);
    expect((await gwJson('/api/channels/FrontDesk'))[0]).toBe(200);
  });

  it('re-generates its WPPConnect token once after a 401 (secret key rotation)', async () => {
    wpp.seed('a', { status: 'CONNECTED' });
    gw.seedChannel('a', 'x');
    await gwJson('/api/channels/a');
    wpp.rotateSecretKey('ROTATED');
    expect((await gwJson('/api/channels/a'))[1]['channel']).toMatchObject({ status: 'connected' });
    expect(wpp.calls.map((c) => [c.route, c.status])).toEqual([
      ['/api/{session}/{secretkey}/generate-token', 201],
      ['/api/{session}/status-session', 200],
      ['/api/{session}/status-session', 401],
      ['/api/{session}/{secretkey}/generate-token', 201],
      ['/api/{session}/status-session', 200],
    ]);
  });
});

describe('GET /api/channels/:id/qr', () => {
  it('QRCODE: the base64 PNG without the data: prefix', async () => {
    await gwJson('/api/channels', { body: { channel: 'a' } });
    clock.advance(2_000);
    const [status, body] = await gwJson('/api/channels/a/qr');
    expect(status).toBe(200);
    expect(body['status']).toBe('QRCODE');
    expect(body['qr']).not.toMatch(/^data:/);
    expect([...Buffer.from(body['qr'] as string, 'base64').subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('CONNECTED: qr null with the patched message, or the 500 with qrConnectedBug', async () => {
    wpp.seed('a', { status: 'CONNECTED', staleQr: true });
    gw.seedChannel('a', 'connected');
    expect(await gwJson('/api/channels/a/qr')).toEqual([
      200,
      {
        success: true,
        qr: null,
        status: 'CONNECTED',
        message: 'Session is connected. Restart session to generate new QR code.',
      },
    ]);
    gw.faults.qrConnectedBug = true;
    expect(await gwJson('/api/channels/a/qr')).toEqual([
      500,
      { success: false, error: 'WPPConnect getQRCode failed: Invalid QR code response from server' },
    ]);
  });

  it('INITIALIZING: qr null', async () => {
    await gwJson('/api/channels', { body: { channel: 'a' } });
    expect(await gwJson('/api/channels/a/qr')).toEqual([
      200,
      { success: true, qr: null, status: 'INITIALIZING' },
    ]);
  });

  it('CLOSED but known to WPPConnect: restarts it with the saved auth (field notes §7.4)', async () => {
    wpp.seed('a', { status: 'CONNECTED' });
    gw.seedChannel('a', 'connected');
    await fetch(`${wpp.baseUrl}/api/a/close-session`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${wpp.issueToken('a')}` },
    });
    expect(await gwJson('/api/channels/a/qr')).toEqual([200, { success: true, qr: null, status: 'CLOSED' }]);
    expect(wpp.countCalls('/api/{session}/start-session', 'a')).toBe(1);
    clock.advance(2_000);
    expect(wpp.session('a')?.status).toBe('CONNECTED');
  });

  it('404 for an unknown channel', async () => {
    expect(await gwJson('/api/channels/zzz/qr')).toEqual([404, NOT_FOUND]);
  });
});

describe('other channel routes', () => {
  it('start-session relays the WPPConnect status and the channel webhook', async () => {
    gw.seedChannel('a', 'disconnected');
    expect(
      await gwJson('/api/channels/a/webhook', { body: { url: 'https://hooks.test/a', secret: 's' } }),
    ).toEqual([200, { success: true }]);
    expect(gw.channelWebhook('a')).toEqual({ url: 'https://hooks.test/a', secret: 's' });
    const [status, body] = await gwJson('/api/channels/a/start-session', { method: 'POST' });
    expect([status, body]).toEqual([
      200,
      { success: true, status: 'CLOSED', message: 'Session start requested' },
    ]);
    expect(wpp.session('a')).toMatchObject({ status: 'INITIALIZING', webhook: 'https://hooks.test/a' });
    expect(await gwJson('/api/channels/b/start-session', { method: 'POST' })).toEqual([404, NOT_FOUND]);
  });

  it('DELETE removes the channel and closes the WPPConnect session', async () => {
    wpp.seed('a', { status: 'CONNECTED' });
    gw.seedChannel('a', 'connected');
    expect(await gwJson('/api/channels/a', { method: 'DELETE' })).toEqual([
      200,
      { success: true, message: 'Channel deleted' },
    ]);
    expect(gw.channels()).toEqual([]);
    expect(wpp.countCalls('/api/{session}/close-session', 'a')).toBe(1);
    expect(wpp.session('a')).toMatchObject({ status: 'CLOSED', hasAuth: true });
    expect(await gwJson('/api/channels/a', { method: 'DELETE' })).toEqual([404, NOT_FOUND]);
  });

  it('POST /api/webhooks stores the global webhook', async () => {
    expect(gw.globalWebhook).toBeNull();
    await gwJson('/api/webhooks', { body: { url: 'https://hooks.test/all' } });
    expect(gw.globalWebhook).toEqual({ url: 'https://hooks.test/all' });
    expect((await gwJson('/api/webhooks', { body: {} }))[0]).toBe(400);
  });
});

describe('POST /api/messages', () => {
  it('sends through a live session, and answers 404 "não está ativa" on a zombie', async () => {
    wpp.seed('a', { status: 'CONNECTED' });
    const [status, body] = await gwJson('/api/messages', {
      body: { channel: 'a', to: '5511988887777', text: 'oi' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, messageId: 'true_5511988887777_1' });
    expect(body['correlationId']).toMatch(/^[0-9a-f-]{36}$/);
    wpp.killPage('a');
    const [deadStatus, dead] = await gwJson('/api/messages', {
      body: { channel: 'a', to: '5511988887777', text: 'oi' },
    });
    expect(deadStatus).toBe(404);
    expect(dead).toMatchObject({ success: false, error: 'A sessão do WhatsApp não está ativa.' });
    expect(typeof dead['correlationId']).toBe('string');
  });

  it('answers 400 to a bad body', async () => {
    const [status, body] = await gwJson('/api/messages', { body: { channel: 'a' } });
    expect(status).toBe(400);
    expect(body['success']).toBe(false);
  });
});

describe('latency fault', () => {
  it('delays on a real timer that the request signal cancels', async () => {
    gw.faults.latencyMs = 5_000;
    const started = Date.now();
    await expect(gwFetch('/api/channels', { signal: AbortSignal.timeout(30) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(gw.calls.at(-1)).toMatchObject({ route: '/api/channels', status: 0 });
  });
});
