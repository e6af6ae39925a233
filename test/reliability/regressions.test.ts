/**
 * One focused test per bug the reliability suite found, each failing before its fix (the matrix, fuzz,
 * secrets, hostile-id and load tests found them; these pin them down deterministically).
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  NotFoundError,
  ResponseValidationError,
  SessionManager,
  WhatsAppGatewayClient,
} from '../../src/index.js';
import { createWorld, GATEWAY_URL, WPP_URL } from './support/world.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('WPPConnect: an answer without `status` is not CLOSED', () => {
  it.each([
    ['status-session', (w: ReturnType<typeof createWorld>) => w.wppconnect.getStatus('alpha')],
    ['start-session', (w: ReturnType<typeof createWorld>) => w.wppconnect.startSession('alpha')],
    ['qrcode-session', (w: ReturnType<typeof createWorld>) => w.wppconnect.getQrCode('alpha')],
  ])('%s answering {"success":false} is a ResponseValidationError', async (route, call) => {
    const w = createWorld(server);
    server.use(
      http.all(`${WPP_URL}/api/:session/${route}`, () =>
        HttpResponse.json({ success: false, error: 'Internal failure' }),
      ),
    );
    expect(await rejection(call(w))).toBeInstanceOf(ResponseValidationError);
  });

  it('`status: null` still reads as CLOSED (the close-session placeholder)', async () => {
    const w = createWorld(server);
    server.use(http.get(`${WPP_URL}/api/:session/status-session`, () => HttpResponse.json({ status: null })));
    expect((await w.wppconnect.getStatus('alpha')).status).toBe('CLOSED');
  });
});

describe('WPPConnect: a bad QR is an error that says where it came from', () => {
  it.each([
    ['status-session', 'GET', (w: ReturnType<typeof createWorld>) => w.wppconnect.getStatus('alpha')],
    ['start-session', 'POST', (w: ReturnType<typeof createWorld>) => w.wppconnect.startSession('alpha')],
  ])('%s: QRCODE with a qrcode that is not a PNG', async (route, method, call) => {
    const w = createWorld(server);
    server.use(
      http.all(`${WPP_URL}/api/:session/${route}`, () =>
        HttpResponse.json({ status: 'QRCODE', qrcode: 'data:image/png;base64,bm90IGEgcG5n' }),
      ),
    );
    const error = (await rejection(call(w))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect({ method: error.method, path: error.path, status: error.status }).toEqual({
      method,
      path: `/api/{session}/${route}`,
      status: 200,
    });
  });

  it('qrcode-session: image/png bytes that are not a PNG', async () => {
    const w = createWorld(server);
    server.use(
      http.get(`${WPP_URL}/api/:session/qrcode-session`, () =>
        HttpResponse.arrayBuffer(new TextEncoder().encode('not a png').buffer as ArrayBuffer, {
          headers: { 'Content-Type': 'image/png' },
        }),
      ),
    );
    const error = (await rejection(w.wppconnect.getQrCode('alpha'))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect({ method: error.method, path: error.path, status: error.status }).toEqual({
      method: 'GET',
      path: '/api/{session}/qrcode-session',
      status: 200,
    });
  });
});

describe('WPPConnect: a token that cannot travel in a header is refused when issued', () => {
  it('generate-token answering a token with a control character is a ResponseValidationError', async () => {
    const w = createWorld(server, { preloadTokens: false });
    server.use(
      http.post(`${WPP_URL}/api/:session/:key/generate-token`, () =>
        HttpResponse.json({ status: 'success', token: '$2b$10$abc\ndef' }, { status: 201 }),
      ),
    );
    expect(await rejection(w.wppconnect.generateToken('alpha'))).toBeInstanceOf(ResponseValidationError);
    // …rather than a ConnectionError on the next call, when the header cannot be built.
    expect(await rejection(w.wppconnect.getStatus('alpha'))).toBeInstanceOf(ResponseValidationError);
    expect(w.requests.filter((r) => r.path.endsWith('/status-session'))).toEqual([]);
  });
});

describe('gateway: a flat channel answer is validated like a list item', () => {
  it('`channel_id` of the wrong type is a ResponseValidationError, not a Channel whose id is an object', async () => {
    const w = createWorld(server);
    server.use(http.get(`${GATEWAY_URL}/api/channels/:id`, () => HttpResponse.json({ channel_id: {} })));
    expect(await rejection(w.gateway.getChannel('alpha'))).toBeInstanceOf(ResponseValidationError);
  });

  it('a flat answer with a string `channel_id` still works', async () => {
    const w = createWorld(server);
    server.use(
      http.get(`${GATEWAY_URL}/api/channels/:id`, () =>
        HttpResponse.json({ success: true, channel_id: 'alpha', status: 'connected' }),
      ),
    );
    expect(await w.gateway.getChannel('alpha')).toMatchObject({ id: 'alpha', status: 'connected' });
  });
});

describe('ids', () => {
  it("'.' is refused: a URL parser would turn /api/channels/. into /api/channels/", async () => {
    const w = createWorld(server);
    expect(await rejection(w.gateway.getChannel('.'))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(w.wppconnect.generateToken('.'))).toBeInstanceOf(InvalidArgumentError);
    expect(w.requests).toEqual([]);
  });

  it('the manager refuses a bad id by rejecting, so .catch() sees it', async () => {
    const w = createWorld(server);
    const calls = [
      () => w.manager.createSession('../x'),
      () => w.manager.ensureSession('../x'),
      () => w.manager.reconnect('../x'),
      () => w.manager.getSession('../x'),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      expect(await rejection(promise!)).toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe('server messages handed on by the clients are redacted', () => {
  it('a create message echoing the secret reaches neither the result nor the manager’s log', async () => {
    const lines: string[] = [];
    const w = createWorld(server, {
      manager: {
        logger: { info: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields)}`) },
      },
    });
    server.use(
      http.post(`${GATEWAY_URL}/api/channels`, ({ request }) =>
        HttpResponse.json({
          success: true,
          message: `created with secret ${request.headers.get('x-gateway-secret')}`,
          channel: { id: 'beta' },
        }),
      ),
    );
    const created = await w.gateway.createChannel('beta');
    expect(created.message).toBe('created with secret [REDACTED]');
    await w.manager.createSession('beta');
    expect(lines.join('\n')).not.toContain(w.secrets.gatewaySecret);
  });

  it('close-session and qrcode-session messages are redacted too', async () => {
    const w = createWorld(server);
    server.use(
      http.post(`${WPP_URL}/api/:session/close-session`, ({ request }) =>
        HttpResponse.json({ status: true, message: `closed ${request.headers.get('authorization')}` }),
      ),
      http.get(`${WPP_URL}/api/:session/qrcode-session`, ({ request }) =>
        HttpResponse.json({
          status: 'INITIALIZING',
          message: `no QR for ${request.headers.get('authorization')}`,
        }),
      ),
    );
    const closed = await w.wppconnect.closeSession('gamma');
    const qr = await w.wppconnect.getQrCode('alpha');
    for (const text of [closed.message, qr.message ?? '']) {
      expect(text).toContain('[REDACTED]');
      for (const token of w.tokens()) expect(text).not.toContain(token.slice(7));
    }
  });
});

describe('reconnect never creates a session', () => {
  it('an id nobody knows is a NotFoundError, and nothing is started on WPPConnect', async () => {
    const w = createWorld(server);
    const error = await rejection(w.manager.reconnect('nobody'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(w.fakeWpp.session('nobody')).toBeUndefined();
    expect(w.fakeWpp.countCalls('/api/{session}/start-session', 'nobody')).toBe(0);
  });

  it('a case-only miss names the id that exists', async () => {
    const w = createWorld(server);
    const error = (await rejection(w.manager.reconnect('Alpha'))) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.existingId).toBe('alpha');
  });

  it('in gateway-only mode too: no channel is created', async () => {
    const w = createWorld(server);
    const manager = new SessionManager({ gateway: w.gateway, clock: w.clock });
    expect(await rejection(manager.reconnect('nobody'))).toBeInstanceOf(NotFoundError);
    expect(w.fakeGateway.channels().map((c) => c.id)).not.toContain('nobody');
  });

  it('a session only on the gateway (never propagated) is still reconnected', async () => {
    const w = createWorld(server);
    w.fakeGateway.seedChannel('lost', 'qr_required');
    const report = await w.manager.reconnect('lost');
    expect(report.status).toBe('qr_required');
  });

  it('an ensureSession that joins a reconnect of an unknown id still creates the session on both sides', async () => {
    const w = createWorld(server);
    const [reconnected, ensured] = await Promise.all([
      rejection(w.manager.reconnect('fresh')),
      w.manager.ensureSession('fresh'),
    ]);
    expect(reconnected).toBeInstanceOf(NotFoundError);
    expect(ensured.status).toBe('qr_required');
    expect(ensured.gatewayStatus).not.toBeNull();
    expect(w.fakeGateway.channels().map((c) => c.id)).toContain('fresh');
  });
});

// Keeps the gateway client import honest when this file is run alone.
it('the gateway client used above is the public one', () => {
  expect(typeof WhatsAppGatewayClient).toBe('function');
});
