import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  InvalidArgumentError,
  NotFoundError,
  ResponseValidationError,
  ServerError,
  SessionNotStartedError,
  WhatsAppGatewayClient,
} from '../../src/index.js';
import { createWorld, noSleep, useMsw } from '../helpers/harness.js';

const server = useMsw();
const BASE = 'http://gateway.test';
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function client(options: Partial<ConstructorParameters<typeof WhatsAppGatewayClient>[0]> = {}) {
  return new WhatsAppGatewayClient({
    baseUrl: BASE,
    secret: 'gateway-secret-for-tests',
    sleep: noSleep,
    ...options,
  });
}

describe('WhatsAppGatewayClient against the fake gateway', () => {
  it('creates, lists, reads and deletes channels', async () => {
    const world = createWorld(server);
    const created = await world.gateway.createChannel('frontdesk');
    expect(created).toMatchObject({
      qrRequired: true,
      message: 'Session created successfully',
      channel: { id: 'frontdesk' },
    });
    const list = await world.gateway.listChannels();
    expect(list.map((c) => c.id)).toEqual(['frontdesk']);
    const one = await world.gateway.getChannel('frontdesk');
    expect(one.id).toBe('frontdesk');
    expect(one.raw).toHaveProperty('status');
    await world.gateway.deleteChannel('frontdesk');
    await expect(world.gateway.getChannel('frontdesk')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends X-Gateway-Secret and an X-Request-Id when asked', async () => {
    createWorld(server);
    const seen: Headers[] = [];
    server.events.on('request:start', ({ request }) => seen.push(request.headers));
    await client({ requestId: () => 'req-42' }).listChannels();
    server.events.removeAllListeners();
    expect(seen[0]?.get('x-gateway-secret')).toBe('gateway-secret-for-tests');
    expect(seen[0]?.get('x-request-id')).toBe('req-42');
    expect(seen[0]?.get('content-type')).toBeNull();
  });

  it('throws NotFoundError for "Canal não encontrado"', async () => {
    const world = createWorld(server);
    const error = await world.gateway.getChannel('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      service: 'gateway',
      path: '/api/channels/{id}',
      code: 'not_found',
    });
    expect((error as Error).message).toMatch(/Canal não encontrado/);
  });

  it('tells a bad secret from an nginx Basic-auth 401', async () => {
    const world = createWorld(server);
    const bad = await client({ secret: 'wrong-secret' })
      .listChannels()
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AuthenticationError);
    expect(bad).toMatchObject({ source: 'application', code: 'bad_secret' });
    world.fakeGateway.faults.proxyBasicAuth = true;
    const proxy = await world.gateway.listChannels().catch((e: unknown) => e);
    expect(proxy).toMatchObject({ source: 'proxy', code: 'proxy_auth', status: 401 });
    expect((proxy as Error).message).toMatch(/proxy/);
  });

  it('turns nginx HTML 502/504 pages into ServerError, after retrying the GET', async () => {
    const world = createWorld(server);
    world.fakeGateway.faults.htmlError = 504;
    const error = await world.gateway.listChannels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 504, fromProxy: true, retryCount: 2 });
    expect((error as ServerError).bodyExcerpt).toMatch(/504 Gateway Time-out/);
  });

  it('does not retry a create on 502', async () => {
    const world = createWorld(server);
    world.fakeGateway.faults.htmlError = 502;
    await expect(world.gateway.createChannel('x')).rejects.toMatchObject({ status: 502, retryCount: 0 });
    expect(world.fakeGateway.calls).toHaveLength(1);
  });

  it('getQr: a QR while QRCODE, null when connected or initializing, SessionNotStartedError before any start', async () => {
    const world = createWorld(server, { gateway: { faults: { dropPropagation: true } } });
    await world.gateway.createChannel('frontdesk');
    const notStarted = await world.gateway.getQr('frontdesk').catch((e: unknown) => e);
    expect(notStarted).toBeInstanceOf(SessionNotStartedError);
    await world.gateway.startSession('frontdesk');
    expect(await world.gateway.getQr('frontdesk')).toBeNull(); // INITIALIZING
    world.clock.advance(2_500);
    const qr = await world.gateway.getQr('frontdesk');
    expect(qr?.dataUrl).toBe(`data:image/png;base64,${qr?.base64}`);
    world.fakeWpp.scan('frontdesk');
    expect(await world.gateway.getQr('frontdesk')).toBeNull();
    expect(await world.gateway.inspectQr('frontdesk')).toMatchObject({ qr: null, status: 'CONNECTED' });
  });

  it('sends text through a connected channel; "não está ativa" otherwise', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('a', 'connected');
    world.fakeWpp.seed('a', { status: 'CONNECTED' });
    const sent = await world.gateway.sendText('a', '5511999990000', 'olá');
    expect(sent.messageId).toMatch(/^true_/);
    expect(sent.correlationId).toBeTruthy();
    world.fakeWpp.killPage('a');
    const error = await world.gateway.sendText('a', '5511999990000', 'olá').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'session_not_active', retryCount: 0 });
  });

  it('sets webhooks, and never leaks the webhook secret', async () => {
    const world = createWorld(server);
    world.fakeGateway.seedChannel('a', 'connected');
    await world.gateway.setChannelWebhook('a', { url: 'https://app.test/hook', secret: 'hook-secret-123' });
    await world.gateway.setGlobalWebhook({ url: 'https://app.test/all' });
    expect(world.fakeGateway.channelWebhook('a')?.url).toBe('https://app.test/hook');
    await expect(world.gateway.setGlobalWebhook({ url: 'ftp://x' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('WhatsAppGatewayClient tolerant readers (shapes recorded in the field notes)', () => {
  const answer = (route: string, body: unknown, status = 200) =>
    server.use(http.get(`${BASE}${route}`, () => HttpResponse.json(body as never, { status })));

  it('reads a bare array, `data.channels`, `name`/`channel_id` ids and a boolean `connected`', async () => {
    answer('/api/channels', [{ id: 'a', status: 'CONNECTED' }]);
    expect(await client().listChannels()).toEqual([
      { id: 'a', status: 'connected', raw: { id: 'a', status: 'CONNECTED' } },
    ]);
    answer('/api/channels', {
      data: {
        channels: [
          { channel_id: 'b', connected: false },
          { name: 'Marketing Team', connected: true },
        ],
      },
    });
    const list = await client().listChannels();
    expect(list.map((c) => [c.id, c.status])).toEqual([
      ['b', 'disconnected'],
      ['Marketing Team', 'connected'],
    ]);
  });

  it('reads a channel nested under `channel` and a flat one', async () => {
    answer('/api/channels/marketing', {
      success: true,
      channel: { id: 'marketing', name: 'marketing', status: 'connected' },
    });
    expect(await client().getChannel('marketing')).toMatchObject({
      id: 'marketing',
      name: 'marketing',
      status: 'connected',
    });
    answer('/api/channels/flat', { id: 'flat', status: 'QR_REQUIRED', connected: false });
    expect(await client().getChannel('flat')).toMatchObject({ id: 'flat', status: 'qr_required' });
  });

  it('throws on success:false with HTTP 200', async () => {
    answer('/api/channels/x', { success: false, error: 'Canal não encontrado' });
    await expect(client().getChannel('x')).rejects.toMatchObject({ name: 'NotFoundError', status: 200 });
    answer('/api/channels', { success: false, error: 'boom' });
    await expect(client().listChannels()).rejects.toBeInstanceOf(ApiError);
  });

  it.each([
    ['qr', { success: true, qr: PNG_B64 }],
    ['qr with data: prefix', { success: true, qr: `data:image/png;base64,${PNG_B64}` }],
    ['qr_base64', { qr_base64: PNG_B64 }],
    ['qrcode', { qrcode: PNG_B64 }],
    ['base64Qrimg', { base64Qrimg: PNG_B64 }],
    ['data.qr', { data: { qr: PNG_B64 } }],
    ['data as string', { data: PNG_B64 }],
    ['result.base64', { result: { base64: PNG_B64 } }],
  ])('finds the QR under %s', async (_name, body) => {
    answer('/api/channels/a/qr', body);
    const qr = await client().getQr('a');
    expect(qr?.base64).toBe(PNG_B64);
  });

  it('returns null for success without a QR, and throws the patched 500 "Invalid QR code response"', async () => {
    answer('/api/channels/a/qr', { success: true });
    expect(await client().getQr('a')).toBeNull();
    answer(
      '/api/channels/a/qr',
      { success: false, error: 'WPPConnect getQRCode failed: Invalid QR code response from server' },
      500,
    );
    await expect(client().getQr('a')).rejects.toBeInstanceOf(ServerError);
  });

  it('rejects a QR that is not image data, and a list without channels', async () => {
    answer('/api/channels/a/qr', { success: true, qr: 'not base64 at all!' });
    await expect(client().getQr('a')).rejects.toBeInstanceOf(ResponseValidationError);
    answer('/api/channels', { success: true, total: 0 });
    await expect(client().listChannels()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe('WhatsAppGatewayClient input checks', () => {
  it('rejects bad options and ids before any request', async () => {
    expect(() => new WhatsAppGatewayClient({ baseUrl: 'nope', secret: 'x' })).toThrow(InvalidArgumentError);
    expect(() => new WhatsAppGatewayClient({ baseUrl: BASE, secret: '' })).toThrow(/options.secret/);
    const requests: string[] = [];
    server.events.on('request:start', ({ request }) => requests.push(request.url));
    await expect(client().getChannel('../x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client().sendText('a', '', 'x')).rejects.toThrow(/Invalid to/);
    server.events.removeAllListeners();
    expect(requests).toEqual([]);
  });
});
