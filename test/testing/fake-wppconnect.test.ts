import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeWppConnect, ManualClock, pngFor } from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw.js';
import { activeTimers, generateToken, statusOf, wppCall, wppJson } from './helpers.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const clock = new ManualClock(T0);
const wpp = new FakeWppConnect({ clock });
const server = setupServer(...mswHandlers(wpp));
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  clock.set(T0);
  wpp.reset();
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const dataUrl = (urlcode: string) =>
  `data:image/png;base64,${Buffer.from(pngFor(urlcode)).toString('base64')}`;

/** Starts `id` and advances to its first QR. */
async function toFirstQr(id: string): Promise<void> {
  await wppCall(wpp, id, 'start-session', { body: { webhook: '', waitQrCode: false } });
  clock.advance(2_000);
}

describe('generate-token (contract §1.1)', () => {
  it('answers 201 with a bcrypt-looking token, a new one each call, all valid', async () => {
    const res = await fetch(`${wpp.baseUrl}/api/frontdesk/THISISMYSECURETOKEN/generate-token`, {
      method: 'POST',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as Record<string, string>;
    expect(body['status']).toBe('success');
    expect(body['session']).toBe('frontdesk');
    expect(body['token']).toMatch(/^\$2b\$10\$[A-Za-z0-9._-]{53}$/);
    expect(body['full']).toBe(`frontdesk:${body['token']}`);
    const second = await generateToken(wpp, 'frontdesk');
    expect(second).not.toBe(body['token']);
    for (const token of [body['token'], second]) {
      expect(
        (await wppCall(wpp, 'frontdesk', 'status-session', { authorization: `Bearer ${token}` })).status,
      ).toBe(200);
    }
    expect(wpp.sessionNames()).toEqual([]); // a token does not list the name (transcript §9.1.8)
  });

  it('answers 400 (not 401) to a wrong secret key, without the session key quirk', async () => {
    const res = await fetch(`${wpp.baseUrl}/api/frontdesk/WRONG/generate-token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ response: false, message: 'The SECRET_KEY is incorrect' });
  });
});

describe('token auth (contract §1.2, transcript §2)', () => {
  const notPresent = { message: 'Token is not present. Check your header and try again' };
  const wrong = { error: 'Check that the Session and Token are correct' };

  it.each([
    ['no header', null, notPresent],
    ['"Bearer" alone', 'Bearer', notPresent],
    ['a bare token without scheme', 'TOKEN', notPresent],
    ['a wrong token', 'Bearer wrongtoken', wrong],
    ['name:token in the header', 'Bearer frontdesk:TOKEN', wrong],
    ["another session's token", 'Bearer OTHER', wrong],
  ])('401 for %s', async (_name, header, body) => {
    const token = wpp.issueToken('frontdesk');
    const authorization =
      header === null ? null : header.replace('OTHER', wpp.issueToken('marketing')).replace('TOKEN', token);
    const [status, json] = await wppJson(wpp, 'frontdesk', 'status-session', {
      authorization,
      contentType: 'application/json',
    });
    expect(status).toBe(401);
    expect(json).toEqual(body); // never a "session" key on a 401
  });

  it('does not check the scheme word', async () => {
    const token = wpp.issueToken('frontdesk');
    const res = await wppCall(wpp, 'frontdesk', 'status-session', { authorization: `Basic ${token}` });
    expect(res.status).toBe(200);
  });

  it('accepts name:token in the path, which wins over a valid header', async () => {
    const good = wpp.issueToken('frontdesk');
    const path = (token: string) => `${wpp.baseUrl}/api/frontdesk:${token}/status-session`;
    expect((await fetch(path(good))).status).toBe(200);
    const res = await fetch(path(wpp.issueToken('marketing')), {
      headers: { Authorization: `Bearer ${good}` },
    });
    expect(res.status).toBe(401);
    expect(wpp.countCalls('/api/{session}/status-session', 'frontdesk')).toBe(2);
  });

  it('rejects every old token after rotateSecretKey, until a new one is generated with the new key', async () => {
    const old = await generateToken(wpp, 'frontdesk');
    wpp.rotateSecretKey('NEWKEY');
    const [status, body] = await wppJson(wpp, 'frontdesk', 'status-session', {
      authorization: `Bearer ${old}`,
    });
    expect([status, body]).toEqual([401, { error: 'Check that the Session and Token are correct' }]);
    const res = await fetch(`${wpp.baseUrl}/api/frontdesk/THISISMYSECURETOKEN/generate-token`, {
      method: 'POST',
    });
    expect(res.status).toBe(400);
    const fresh = await generateToken(wpp, 'frontdesk');
    expect(
      (await wppCall(wpp, 'frontdesk', 'status-session', { authorization: `Bearer ${fresh}` })).status,
    ).toBe(200);
  });
});

describe('start-session and the lifecycle timeline (contract §2.1, §3.4)', () => {
  it('answers CLOSED to the first start (and starts anyway), INITIALIZING to the second', async () => {
    const first = await wppJson(wpp, 'frontdesk', 'start-session', {
      body: { webhook: '', waitQrCode: false },
    });
    expect(first).toEqual([200, { status: 'CLOSED', qrcode: null }]);
    const second = await wppJson(wpp, 'frontdesk', 'start-session', {
      body: { webhook: '', waitQrCode: false },
    });
    expect(second).toEqual([200, { status: 'INITIALIZING', qrcode: null, version: '2.10.4' }]);
    expect(wpp.session('frontdesk')?.startCount).toBe(1);
    expect(wpp.sessionNames()).toEqual(['frontdesk']);
  });

  it('goes INITIALIZING → QRCODE exactly at initializingMs, and rotates the QR every qrRotateMs', async () => {
    await wppCall(wpp, 's1', 'start-session', { body: {} });
    clock.advance(1_999);
    expect(await statusOf(wpp, 's1')).toEqual({ status: 'INITIALIZING', qrcode: null, version: '2.10.4' });
    clock.advance(1);
    expect(await statusOf(wpp, 's1')).toEqual({
      status: 'QRCODE',
      qrcode: dataUrl('2@s1-0'),
      urlcode: '2@s1-0',
      version: '2.10.4',
    });
    clock.advance(19_999);
    expect((await statusOf(wpp, 's1'))['urlcode']).toBe('2@s1-0');
    clock.advance(1);
    expect((await statusOf(wpp, 's1'))['urlcode']).toBe('2@s1-1');
  });

  it('serves the QR as PNG bytes from qrcode-session, different after a rotation', async () => {
    await toFirstQr('s1');
    const res = await wppCall(wpp, 's1', 'qrcode-session');
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
    clock.advance(20_000);
    const rotated = new Uint8Array(await (await wppCall(wpp, 's1', 'qrcode-session')).arrayBuffer());
    expect(Buffer.from(rotated).equals(Buffer.from(bytes))).toBe(false);
  });

  it('autoCloses 60 s after the first QR into a CLOSED placeholder that keeps the stale QR', async () => {
    await toFirstQr('s1');
    clock.advance(59_999);
    expect((await statusOf(wpp, 's1'))['status']).toBe('QRCODE');
    clock.advance(1);
    expect(await statusOf(wpp, 's1')).toEqual({
      status: 'CLOSED',
      qrcode: dataUrl('2@s1-2'),
      urlcode: '2@s1-2',
      version: '2.10.4',
    });
    // The stale QR is still served as a PNG (contract §0.6).
    expect((await wppCall(wpp, 's1', 'qrcode-session')).headers.get('content-type')).toBe('image/png');
    // start-session on the placeholder answers the stale state and restarts.
    const [, answer] = await wppJson(wpp, 's1', 'start-session', { body: {} });
    expect(answer).toEqual({
      status: 'CLOSED',
      qrcode: dataUrl('2@s1-2'),
      urlcode: '2@s1-2',
      version: '2.10.4',
    });
    expect(wpp.session('s1')).toMatchObject({ status: 'INITIALIZING', startCount: 2 });
  });

  it('goes to PHONECODE when the start body has a phone', async () => {
    await wppCall(wpp, 'p1', 'start-session', { body: { phone: '5521999999999' } });
    clock.advance(2_000);
    expect(await statusOf(wpp, 'p1')).toEqual({ status: 'PHONECODE', qrcode: null, version: '2.10.4' });
    expect((await wppJson(wpp, 'p1', 'qrcode-session'))[1]).toEqual({
      status: 'PHONECODE',
      message: 'QRCode is not available...',
    });
  });

  it('keeps the stale QR on CONNECTED after a scan, and answers CONNECTED to a no-op start', async () => {
    await toFirstQr('s1');
    wpp.scan('s1');
    const status = await statusOf(wpp, 's1');
    expect(status).toEqual({
      status: 'CONNECTED',
      qrcode: dataUrl('2@s1-0'),
      urlcode: '2@s1-0',
      version: '2.10.4',
    });
    expect((await wppCall(wpp, 's1', 'qrcode-session')).headers.get('content-type')).toBe('image/png');
    expect((await wppJson(wpp, 's1', 'check-connection-session'))[1]).toEqual({
      status: true,
      message: 'Connected',
    });
    expect(await wppJson(wpp, 's1', 'get-phone-number')).toEqual([
      200,
      { status: 'success', response: '5511999990000@c.us', mapper: 'device' },
    ]);
    expect((await wppJson(wpp, 's1', 'start-session', { body: {} }))[1]['status']).toBe('CONNECTED');
    expect(wpp.session('s1')).toMatchObject({ startCount: 1, hasAuth: true });
  });

  it('refuses scan outside QRCODE', async () => {
    expect(() => wpp.scan('nobody')).toThrow(/not started/);
    await wppCall(wpp, 's1', 'start-session', { body: {} });
    expect(() => wpp.scan('s1')).toThrow(/INITIALIZING/);
  });

  it('stores the webhook of the start body; a non-empty body without webhook drops it (contract §2.9)', async () => {
    await wppCall(wpp, 'w1', 'start-session', {
      body: { webhook: 'https://hooks.test/w1', waitQrCode: false },
    });
    expect(wpp.session('w1')?.webhook).toBe('https://hooks.test/w1');
    await wppCall(wpp, 'w1', 'start-session', { body: { waitQrCode: false } }); // no-op start: nothing stored
    expect(wpp.session('w1')?.webhook).toBe('https://hooks.test/w1');
    clock.advance(2_000);
    await wppCall(wpp, 'w1', 'close-session'); // QRCODE placeholder: 500, reset to {status:null}
    await wppCall(wpp, 'w1', 'start-session', { body: { waitQrCode: false } });
    expect(wpp.session('w1')?.webhook).toBeNull();
  });
});

describe('close-session and logout-session (contract §2.5, §2.6, transcript §9.1.3)', () => {
  const closeFailed = { status: false, message: 'Error closing session', error: { level: 'error' } };
  const closedOk = { status: true, message: 'Session successfully closed' };
  const notActive = {
    response: null,
    status: 'Disconnected',
    message: 'A sessão do WhatsApp não está ativa.',
  };

  it('answers 500 to a never-started session', async () => {
    expect(await wppJson(wpp, 'ghost', 'close-session')).toEqual([500, closeFailed]);
  });

  it('answers 500 on a placeholder but still resets it to CLOSED; a second close answers 200', async () => {
    await wppCall(wpp, 's1', 'start-session', { body: {} });
    expect(await wppJson(wpp, 's1', 'close-session')).toEqual([500, closeFailed]);
    expect(await statusOf(wpp, 's1')).toEqual({ status: 'CLOSED', qrcode: null });
    expect(await wppJson(wpp, 's1', 'close-session')).toEqual([200, closedOk]);
    expect((await wppJson(wpp, 's1', 'qrcode-session'))[1]).toEqual({
      status: null,
      message: 'QRCode is not available...',
    });
  });

  it('closes CONNECTED with 200 and keeps the auth: the next start reconnects without a QR', async () => {
    wpp.seed('c1', { status: 'CONNECTED', staleQr: true });
    expect(await wppJson(wpp, 'c1', 'close-session')).toEqual([200, closedOk]);
    expect(await statusOf(wpp, 'c1')).toEqual({ status: 'CLOSED', qrcode: null });
    expect(wpp.sessionNames()).toEqual(['c1']);
    expect((await wppJson(wpp, 'c1', 'start-session', { body: {} }))[1]).toEqual({
      status: 'CLOSED',
      qrcode: null,
    });
    clock.advance(2_000);
    expect(await statusOf(wpp, 'c1')).toEqual({ status: 'CONNECTED', qrcode: null, version: '2.10.4' });
  });

  it('logs out a live session (auth removed, name kept) and answers 404 when there is no live client', async () => {
    expect(await wppJson(wpp, 'l1', 'logout-session')).toEqual([404, notActive]);
    wpp.seed('l1', { status: 'CONNECTED' });
    expect(await wppJson(wpp, 'l1', 'logout-session')).toEqual([200, closedOk]);
    expect(wpp.session('l1')).toMatchObject({ status: 'CLOSED', hasAuth: false });
    expect(wpp.sessionNames()).toEqual(['l1']);
    await wppCall(wpp, 'l1', 'start-session', { body: {} });
    clock.advance(2_000);
    expect((await statusOf(wpp, 'l1'))['status']).toBe('QRCODE');
  });
});

describe('failure modes', () => {
  const notActive = {
    response: null,
    status: 'Disconnected',
    message: 'A sessão do WhatsApp não está ativa.',
  };

  it('killPage leaves a zombie: CONNECTED, but check-connection false and the device routes 404', async () => {
    wpp.seed('z1', { status: 'CONNECTED' });
    wpp.killPage('z1');
    expect((await statusOf(wpp, 'z1'))['status']).toBe('CONNECTED');
    expect((await wppJson(wpp, 'z1', 'check-connection-session'))[1]).toEqual({
      status: false,
      message: 'Disconnected',
    });
    expect(await wppJson(wpp, 'z1', 'get-phone-number')).toEqual([404, notActive]);
    expect(await wppJson(wpp, 'z1', 'logout-session')).toEqual([404, notActive]);
  });

  it('unlinkPhone removes the entry: CLOSED with no QR and no auth', async () => {
    await toFirstQr('u1');
    wpp.scan('u1');
    wpp.unlinkPhone('u1');
    expect(await statusOf(wpp, 'u1')).toEqual({ status: 'CLOSED', qrcode: null });
    expect(wpp.session('u1')).toMatchObject({ status: 'CLOSED', hasAuth: false, urlcode: null });
    expect((await wppJson(wpp, 'u1', 'qrcode-session'))[1]['status']).toBeNull();
  });

  it('stuck INITIALIZING survives close-session + start-session until restartProcess (transcript §9.1.4)', async () => {
    wpp.setStuck('frontdesk');
    await wppCall(wpp, 'frontdesk', 'start-session', { body: {} });
    clock.advance(10 * 60_000);
    expect((await statusOf(wpp, 'frontdesk'))['status']).toBe('INITIALIZING');
    expect((await wppCall(wpp, 'frontdesk', 'close-session')).status).toBe(500);
    expect(await statusOf(wpp, 'frontdesk')).toEqual({ status: 'CLOSED', qrcode: null });
    wpp.setStuck('frontdesk', false); // the cause is gone, but the orphan browser still holds the profile
    expect((await wppJson(wpp, 'frontdesk', 'start-session', { body: {} }))[1]['status']).toBe('CLOSED');
    clock.advance(10 * 60_000);
    expect((await statusOf(wpp, 'frontdesk'))['status']).toBe('INITIALIZING');
    expect(wpp.session('frontdesk')?.stuck).toBe(true);
    wpp.restartProcess();
    expect((await statusOf(wpp, 'frontdesk'))['status']).toBe('INITIALIZING');
    clock.advance(2_000);
    expect((await statusOf(wpp, 'frontdesk'))['status']).toBe('QRCODE');
    expect(wpp.session('frontdesk')?.stuck).toBe(false);
  });

  it('the stuck option applies per id', async () => {
    const stuckWpp = new FakeWppConnect({ clock, baseUrl: 'http://stuck.test', stuck: (id) => id === 'bad' });
    server.use(...mswHandlers(stuckWpp));
    await wppCall(stuckWpp, 'bad', 'start-session', { body: {} });
    await wppCall(stuckWpp, 'good', 'start-session', { body: {} });
    clock.advance(5_000);
    expect(stuckWpp.session('bad')?.status).toBe('INITIALIZING');
    expect(stuckWpp.session('good')?.status).toBe('QRCODE');
  });

  it('restartProcess auto-starts every stored name: saved auth → CONNECTED, none → QRCODE; tokens survive', async () => {
    const token = await generateToken(wpp, 'a');
    wpp.seed('a', { status: 'CONNECTED', webhook: 'https://hooks.test/a' });
    await wppCall(wpp, 'b', 'start-session', { body: { webhook: 'https://hooks.test/b' } });
    wpp.restartProcess();
    expect(wpp.session('a')).toMatchObject({ status: 'INITIALIZING', webhook: 'https://hooks.test/a' });
    clock.advance(2_000);
    const res = await wppCall(wpp, 'a', 'status-session', { authorization: `Bearer ${token}` });
    expect(await res.json()).toEqual({ status: 'CONNECTED', qrcode: null, version: '2.10.4' });
    expect(wpp.session('b')).toMatchObject({
      status: 'QRCODE',
      webhook: 'https://hooks.test/b',
      startCount: 2,
    });
  });

  it('start-all with a wrong key answers 400 but still starts the stored sessions (contract §1.3)', async () => {
    wpp.seed('a', { status: 'CLOSED' });
    const res = await fetch(`${wpp.baseUrl}/api/WRONG/start-all`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ response: 'error', message: 'The token is incorrect' });
    expect(wpp.session('a')?.status).toBe('INITIALIZING');
  });
});

describe('the "session" key quirk (transcript §9.1.1)', () => {
  const json = { contentType: 'application/json' };

  it('adds "" without an entry, the name with one, nothing after a close-session', async () => {
    expect((await wppJson(wpp, 'q1', 'status-session', json))[1]).toEqual({
      status: 'CLOSED',
      qrcode: null,
      session: '',
    });
    const first = await wppJson(wpp, 'q1', 'start-session', { ...json, body: {} });
    expect(first[1]).toEqual({ status: 'CLOSED', qrcode: null, session: '' });
    expect((await wppJson(wpp, 'q1', 'check-connection-session', json))[1]).toEqual({
      status: false,
      message: 'Disconnected',
      session: 'q1',
    });
    const close = await wppJson(wpp, 'q1', 'close-session', json);
    expect(close).toEqual([
      500,
      { status: false, message: 'Error closing session', error: { level: 'error' }, session: 'q1' },
    ]);
    expect((await wppJson(wpp, 'q1', 'status-session', json))[1]).toEqual({ status: 'CLOSED', qrcode: null });
    await wppCall(wpp, 'q1', 'start-session', { ...json, body: {} });
    expect((await wppJson(wpp, 'q1', 'status-session', json))[1]).toEqual({
      status: 'INITIALIZING',
      qrcode: null,
      version: '2.10.4',
    });
  });

  it('adds nothing with "; charset=utf-8" or without a content type', async () => {
    const withCharset = await wppJson(wpp, 'q2', 'status-session', {
      contentType: 'application/json; charset=utf-8',
    });
    expect(withCharset[1]).toEqual({ status: 'CLOSED', qrcode: null });
    expect(await statusOf(wpp, 'q2')).toEqual({ status: 'CLOSED', qrcode: null });
  });
});

describe('other routes', () => {
  it('show-all-sessions lists names from their first start; 400 on a wrong key', async () => {
    await generateToken(wpp, 'x');
    const list = async (key: string) => {
      const res = await fetch(`${wpp.baseUrl}/api/${key}/show-all-sessions`);
      return [res.status, await res.json()];
    };
    expect(await list('THISISMYSECURETOKEN')).toEqual([200, { response: [] }]);
    await wppCall(wpp, 'x', 'start-session', { body: {} });
    await wppCall(wpp, 'x', 'close-session');
    expect(await list('THISISMYSECURETOKEN')).toEqual([200, { response: ['x'] }]);
    expect(await list('WRONG')).toEqual([400, { response: false, message: 'The token is incorrect' }]);
  });

  it('qrcode-session on a never-started session says to use /start-session', async () => {
    expect(await wppJson(wpp, 'n1', 'qrcode-session')).toEqual([
      200,
      {
        status: null,
        message: 'Session not started. Please, use the /start-session route, for initialization your session',
      },
    ]);
  });

  it('answers unknown routes with the Express 404 HTML page', async () => {
    const res = await wppCall(wpp, 'frontdesk', 'no-such-route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<pre>Cannot GET /api/frontdesk/no-such-route</pre>');
    expect(Buffer.byteLength(html)).toBe(166); // transcript §2.14
    const wrongMethod = await fetch(`${wpp.baseUrl}/api/x/start-session`);
    expect(await wrongMethod.text()).toContain('Cannot GET /api/x/start-session');
  });

  it('records every call with its route template, session and status', async () => {
    await wppCall(wpp, 'r1', 'status-session');
    await wppCall(wpp, 'r1', 'status-session', { authorization: null });
    await wppCall(wpp, 'r2', 'close-session');
    expect(wpp.calls.map((c) => [c.method, c.route, c.session, c.status, c.at])).toEqual([
      ['GET', '/api/{session}/status-session', 'r1', 200, T0],
      ['GET', '/api/{session}/status-session', 'r1', 401, T0],
      ['POST', '/api/{session}/close-session', 'r2', 500, T0],
    ]);
    expect(wpp.countCalls('/api/{session}/status-session', 'r1')).toBe(2);
    expect(wpp.countCalls('/api/{session}/status-session', 'r2')).toBe(0);
  });
});

describe('/healthz and latency', () => {
  it('answers normally without the JSON content type', async () => {
    clock.advance(7_500);
    const res = await fetch(`${wpp.baseUrl}/healthz`, {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(await res.json()).toEqual({ uptime: 7.5, message: 'OK', timestamp: T0 + 7_500 });
  });

  it('never answers with Content-Type: application/json, until the caller aborts; no timer is left', async () => {
    const before = activeTimers();
    const controller = new AbortController();
    const pending = fetch(`${wpp.baseUrl}/healthz`, {
      headers: { 'Content-Type': 'application/json' },
      signal: controller.signal,
    });
    let settled = false;
    void pending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    expect(activeTimers()).toBeLessThanOrEqual(before);
    controller.abort(new Error('client timeout'));
    await expect(pending).rejects.toThrow();
    expect(wpp.calls.at(-1)).toMatchObject({ route: '/healthz', status: 0 });
  });

  it('delays answers by latencyMs on a real timer that an abort cancels', async () => {
    wpp.latencyMs = 5_000;
    const before = activeTimers();
    const started = Date.now();
    await expect(wppCall(wpp, 'l1', 'status-session', { signal: AbortSignal.timeout(30) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(activeTimers()).toBeLessThanOrEqual(before);
    expect(wpp.calls.at(-1)).toMatchObject({ route: '/api/{session}/status-session', status: 0 });
    wpp.latencyMs = () => 20;
    const t = Date.now();
    expect((await wppCall(wpp, 'l1', 'status-session')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(15);
  });
});

describe('seed', () => {
  it('seeds the stale-QR CONNECTED, a QRCODE whose autoClose starts now, and the CLOSED placeholder', async () => {
    wpp.seed('a', { status: 'CONNECTED', staleQr: true });
    expect(await statusOf(wpp, 'a')).toMatchObject({ status: 'CONNECTED', urlcode: '2@a-stale' });
    wpp.seed('b', { status: 'QRCODE' });
    expect(await statusOf(wpp, 'b')).toMatchObject({ status: 'QRCODE', urlcode: '2@b-0' });
    clock.advance(60_000);
    expect((await statusOf(wpp, 'b'))['status']).toBe('CLOSED');
    wpp.seed('c', { status: 'CLOSED', staleQr: true });
    expect(await statusOf(wpp, 'c')).toMatchObject({
      status: 'CLOSED',
      urlcode: '2@c-stale',
      version: '2.10.4',
    });
    wpp.seed('d', { status: 'CONNECTED', pageAlive: false });
    expect(wpp.session('d')).toMatchObject({ status: 'CONNECTED', pageAlive: false });
    expect(wpp.session('never')).toBeUndefined();
  });

  it('setRawStatus overrides the status-session status only', async () => {
    wpp.seed('r', { status: 'CONNECTED' });
    wpp.setRawStatus('r', 'DISCONNECTED');
    expect((await statusOf(wpp, 'r'))['status']).toBe('DISCONNECTED');
    expect((await wppJson(wpp, 'r', 'check-connection-session'))[1]['status']).toBe(true);
    wpp.setRawStatus('r', undefined);
    expect((await statusOf(wpp, 'r'))['status']).toBe('CONNECTED');
  });
});
