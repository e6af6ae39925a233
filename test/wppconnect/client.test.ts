import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidArgumentError,
  MemoryTokenStore,
  NotFoundError,
  ResponseValidationError,
  ServerError,
  SessionNotStartedError,
  WppConnectClient,
} from '../../src/index.js';
import { createWorld, noSleep, useMsw } from '../helpers/harness.js';

const server = useMsw();

describe('WppConnectClient against the fake WPPConnect', () => {
  it('walks the real lifecycle: CLOSED answer, INITIALIZING, QRCODE with a QR, CONNECTED', async () => {
    const world = createWorld(server);
    const first = await world.wppconnect.startSession('frontdesk', {
      webhook: 'https://app.test/hook/frontdesk',
    });
    expect(first).toMatchObject({ status: 'CLOSED', qr: null });
    expect((await world.wppconnect.getStatus('frontdesk')).status).toBe('INITIALIZING');
    world.clock.advance(2_000);
    const qr = await world.wppconnect.getStatus('frontdesk');
    expect(qr.status).toBe('QRCODE');
    expect(qr.qr?.urlcode).toBe(world.fakeWpp.session('frontdesk')?.urlcode);
    expect(qr.qr?.base64).toMatch(/^iVBOR/);
    world.fakeWpp.scan('frontdesk');
    const connected = await world.wppconnect.getStatus('frontdesk');
    expect(connected).toMatchObject({ status: 'CONNECTED', qr: null, staleQr: true });
    expect(await world.wppconnect.checkConnection('frontdesk')).toEqual({ ok: true, message: 'Connected' });
    expect(await world.wppconnect.getPhoneNumber('frontdesk')).toMatch(/@c\.us$/);
    expect(world.fakeWpp.session('frontdesk')?.webhook).toBe('https://app.test/hook/frontdesk');
  });

  it('caches one token per session and sends it as a Bearer header', async () => {
    const world = createWorld(server);
    const headers: (string | null)[] = [];
    server.events.on('request:start', ({ request }) => headers.push(request.headers.get('authorization')));
    await world.wppconnect.getStatus('a');
    await world.wppconnect.getStatus('a');
    server.events.removeAllListeners();
    expect(world.fakeWpp.countCalls('/api/{session}/{secretkey}/generate-token', 'a')).toBe(1);
    expect(headers.filter((h) => h?.startsWith('Bearer $2b$10$'))).toHaveLength(2);
  });

  it('issues a new token once after a 401 (the server secret changed), through a shared token store', async () => {
    const world = createWorld(server);
    const store = new MemoryTokenStore();
    const options = { baseUrl: world.fakeWpp.baseUrl, tokenStore: store, sleep: noSleep };
    world.fakeWpp.rotateSecretKey('old-secret-key');
    await new WppConnectClient({ ...options, secretKey: 'old-secret-key' }).getStatus('a');
    const oldToken = store.get('a');
    world.fakeWpp.rotateSecretKey('new-secret-key'); // every token issued before stops verifying
    const status = await new WppConnectClient({ ...options, secretKey: 'new-secret-key' }).getStatus('a');
    expect(status.status).toBe('CLOSED');
    expect(store.get('a')).not.toBe(oldToken);
    expect(world.fakeWpp.countCalls('/api/{session}/{secretkey}/generate-token', 'a')).toBe(2);
    expect(
      world.fakeWpp.calls.filter((c) => c.route === '/api/{session}/status-session').map((c) => c.status),
    ).toEqual([200, 401, 200]);
  });

  it('reports a wrong secret key as AuthenticationError, without a retry loop', async () => {
    const world = createWorld(server);
    const wpp = new WppConnectClient({
      baseUrl: world.fakeWpp.baseUrl,
      secretKey: 'wrong-key',
      sleep: noSleep,
    });
    const error = await wpp.getStatus('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 400, path: '/api/{session}/{secretkey}/generate-token' });
    await expect(wpp.listSessionNames()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('getQrCode: PNG while QRCODE; a stale PNG is not returned; "not started" is SessionNotStartedError', async () => {
    const world = createWorld(server);
    await expect(world.wppconnect.getQrCode('fresh')).rejects.toBeInstanceOf(SessionNotStartedError);
    await world.wppconnect.startSession('fresh');
    expect(await world.wppconnect.getQrCode('fresh')).toMatchObject({ qr: null, status: 'INITIALIZING' });
    world.clock.advance(2_000);
    const live = await world.wppconnect.getQrCode('fresh');
    expect(live.status).toBe('QRCODE');
    expect(live.qr?.base64).toMatch(/^iVBOR/);
    world.fakeWpp.scan('fresh');
    expect(await world.wppconnect.getQrCode('fresh')).toMatchObject({ qr: null, status: 'CONNECTED' });
  });

  it('closes (500 while starting, 200 when connected) and logs out only live sessions', async () => {
    const world = createWorld(server);
    await world.wppconnect.startSession('a');
    await expect(world.wppconnect.closeSession('a')).rejects.toMatchObject({
      name: 'ServerError',
      status: 500,
      retryCount: 0,
    });
    expect((await world.wppconnect.getStatus('a')).status).toBe('CLOSED');
    world.fakeWpp.seed('b', { status: 'CONNECTED' });
    expect(await world.wppconnect.closeSession('b')).toEqual({
      ok: true,
      message: 'Session successfully closed',
    });
    const logout = await world.wppconnect.logoutSession('b').catch((e: unknown) => e);
    expect(logout).toBeInstanceOf(NotFoundError);
    expect(logout).toMatchObject({ code: 'session_not_active' });
  });

  it('lists session names from the store and answers healthz without a Content-Type', async () => {
    const world = createWorld(server);
    await world.wppconnect.startSession('one');
    expect(await world.wppconnect.listSessionNames()).toEqual(['one']);
    // The real /healthz never answers a GET carrying Content-Type: application/json; ours must come back.
    expect(await world.wppconnect.healthz({ timeoutMs: 2_000 })).toMatchObject({ message: 'OK' });
  });

  it('tolerates the optional `session` key and null statuses', async () => {
    createWorld(server);
    server.use(
      http.get('http://wppconnect.test/api/x/status-session', () =>
        HttpResponse.json({ status: null, qrcode: null, version: '2.10.4', session: '' }),
      ),
    );
    const status = await new WppConnectClient({
      baseUrl: 'http://wppconnect.test',
      secretKey: 'THISISMYSECURETOKEN',
      sleep: noSleep,
    }).getStatus('x');
    expect(status.status).toBe('CLOSED');
  });

  it('rejects an unknown status, a PNG where JSON was expected, and bad ids', async () => {
    createWorld(server);
    const wpp = new WppConnectClient({
      baseUrl: 'http://wppconnect.test',
      secretKey: 'THISISMYSECURETOKEN',
      sleep: noSleep,
    });
    server.use(
      http.get('http://wppconnect.test/api/x/status-session', () => HttpResponse.json({ status: 'WEIRD' })),
    );
    await expect(wpp.getStatus('x')).rejects.toBeInstanceOf(ResponseValidationError);
    server.use(
      http.get('http://wppconnect.test/api/y/check-connection-session', () =>
        HttpResponse.arrayBuffer(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2]).buffer, {
          headers: { 'content-type': 'image/png' },
        }),
      ),
    );
    await expect(wpp.checkConnection('y')).rejects.toThrow(/PNG/);
    await expect(wpp.getStatus('a:b')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(wpp.startSession('a', { webhook: 'not a url' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('maps a 500 on status-session to ServerError after the GET retries', async () => {
    createWorld(server);
    let calls = 0;
    server.use(
      http.get('http://wppconnect.test/api/z/status-session', () => {
        calls++;
        return HttpResponse.json(
          { status: 'error', message: 'The session is not active', error: {} },
          { status: 500 },
        );
      }),
    );
    const wpp = new WppConnectClient({
      baseUrl: 'http://wppconnect.test',
      secretKey: 'THISISMYSECURETOKEN',
      sleep: noSleep,
    });
    await expect(wpp.getStatus('z')).rejects.toBeInstanceOf(ServerError);
    expect(calls).toBe(3);
  });
});
