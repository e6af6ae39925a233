/**
 * The `headers` and `hooks` client options: extra headers reach the wire, hooks see every attempt, and
 * neither can read a secret or replace the client's own credential header.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AfterResponseInfo,
  type BeforeRequestInfo,
  InvalidArgumentError,
  ServerError,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../../src/index.js';
import { FakeWppConnect } from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GATEWAY = 'http://gateway.hooks.test';
const SECRET = 'gateway-secret-9f8e7d6c5b4a';
const noSleep = async () => undefined;

/** A gateway answering one channel, recording the headers of every request. */
function gatewayServer(status: () => number = () => 200) {
  const seen: Headers[] = [];
  server.use(
    http.get(`${GATEWAY}/api/channels/:id`, ({ request, params }) => {
      seen.push(request.headers);
      const code = status();
      if (code !== 200) return HttpResponse.json({ success: false, error: 'busy' }, { status: code });
      return HttpResponse.json({ success: true, channel: { id: params['id'], status: 'connected' } });
    }),
  );
  return seen;
}

/** Everything a value reachable from `value` holds, as text, to look for a secret in it. */
function everything(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || v === undefined) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
    else if (v instanceof Headers)
      v.forEach((val, key) => {
        parts.push(`${key}: ${val}`);
      });
    else if (typeof v === 'object')
      for (const [k, inner] of Object.entries(v)) {
        parts.push(k);
        walk(inner, depth + 1);
      }
  };
  walk(value, 0);
  return parts.join('\n');
}

describe('headers option', () => {
  it('sends fixed headers and headers computed per request', async () => {
    const seen = gatewayServer();
    const fixed = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      headers: { 'X-Tenant': 'sales' },
    });
    await fixed.getChannel('support-team');
    expect(seen[0]?.get('x-tenant')).toBe('sales');
    expect(seen[0]?.get('x-gateway-secret')).toBe(SECRET);

    const asked: unknown[] = [];
    const computed = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      headers: (request) => {
        asked.push(request);
        return { 'x-route': request.route };
      },
    });
    await computed.getChannel('support-team');
    expect(seen[1]?.get('x-route')).toBe('/api/channels/{id}');
    expect(asked).toEqual([
      { service: 'gateway', method: 'GET', route: '/api/channels/{id}', sessionId: 'support-team' },
    ]);
  });

  it('refuses to replace the client’s credential header, at construction or on the call', async () => {
    const seen = gatewayServer();
    expect(
      () =>
        new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, headers: { 'X-Gateway-Secret': 'x' } }),
    ).toThrow(InvalidArgumentError);
    const late = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      headers: () => ({ 'x-gateway-secret': 'other-secret-value' }),
    });
    const error = await late.getChannel('sales').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String((error as Error).message)).not.toContain('other-secret-value');
    expect(seen).toHaveLength(0); // refused before any request
    expect(
      () =>
        new WppConnectClient({
          baseUrl: 'http://wpp.hooks.test',
          secretKey: 'wpp-secret-key-1234',
          headers: { authorization: 'Bearer mine' },
        }),
    ).toThrow(InvalidArgumentError);
  });

  it('lets a gateway behind a proxy carry its own Authorization, redacted from errors', async () => {
    const proxyAuth = 'Basic cHJveHk6cHJveHktcGFzc3dvcmQ=';
    server.use(
      http.get(`${GATEWAY}/api/channels/:id`, ({ request }) =>
        HttpResponse.json(
          { success: false, error: `bad auth ${request.headers.get('authorization')}` },
          { status: 500 },
        ),
      ),
    );
    const client = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      retry: 0,
      headers: { Authorization: proxyAuth },
    });
    const error = (await client.getChannel('sales').catch((e: unknown) => e)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(
      'cHJveHk6cHJveHktcGFzc3dvcmQ=',
    );
  });
});

describe('hooks option', () => {
  it('runs beforeRequest and afterResponse on every attempt, with figures and without secrets', async () => {
    let calls = 0;
    const seen = gatewayServer(() => (++calls === 1 ? 503 : 200));
    const before: BeforeRequestInfo[] = [];
    const after: AfterResponseInfo[] = [];
    const client = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      sleep: noSleep,
      hooks: {
        beforeRequest: [
          (request) => {
            before.push({ ...request, headers: new Headers(request.headers) });
            request.headers.set('traceparent', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-0${request.attempt}`);
          },
        ],
        afterResponse: [(response) => void after.push(response)],
      },
    });
    const channel = await client.getChannel('sales', { requestId: 'req-42' });
    expect(channel.status).toBe('connected');
    expect(before.map((b) => b.attempt)).toEqual([0, 1]);
    expect(after.map((a) => [a.attempt, a.status])).toEqual([
      [0, 503],
      [1, 200],
    ]);
    expect(after[1]).toMatchObject({
      service: 'gateway',
      method: 'GET',
      route: '/api/channels/{id}',
      sessionId: 'sales',
      requestId: 'req-42',
    });
    expect(after[1]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen.map((h) => h.get('traceparent')?.slice(-2))).toEqual(['00', '01']);
    expect(before[0]?.headers.get('x-gateway-secret')).toBeNull();
    expect(everything(before)).not.toContain(SECRET);
    expect(everything(after)).not.toContain(SECRET);
  });

  it('never shows WPPConnect’s secret key or tokens to a hook', async () => {
    const wpp = new FakeWppConnect({ baseUrl: 'http://wpp.hooks.test', secretKey: 'wpp-secret-key-5678' });
    server.use(...mswHandlers(wpp));
    wpp.seed('sales', { status: 'CONNECTED' });
    const views: unknown[] = [];
    const client = new WppConnectClient({
      baseUrl: wpp.baseUrl,
      secretKey: wpp.secretKey,
      hooks: {
        beforeRequest: [(request) => void views.push({ ...request, headers: new Headers(request.headers) })],
        afterResponse: [(response) => void views.push(response)],
      },
    });
    await client.getStatus('sales'); // generate-token (key in the path), then status-session (Bearer token)
    await client.listSessionNames(); // key in the path
    const routes = views.map((v) => (v as { route: string }).route);
    expect(routes).toContain('/api/{session}/{secretkey}/generate-token');
    expect(routes).toContain('/api/{session}/status-session');
    const text = everything(views);
    expect(text).not.toContain('wpp-secret-key-5678');
    const token = wpp.issueToken('sales').slice(0, 20);
    expect(text).not.toContain(token.slice(7)); // no part of a bcrypt token either
    expect(text.toLowerCase()).not.toContain('bearer');
  });

  it('fails the call when a hook tries to set a credential header, before it is sent', async () => {
    const seen = gatewayServer();
    const client = new WhatsAppGatewayClient({
      baseUrl: GATEWAY,
      secret: SECRET,
      hooks: { beforeRequest: [(request) => request.headers.set('X-Gateway-Secret', 'hijack-value-123')] },
    });
    const error = await client.getChannel('sales').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(seen).toHaveLength(0);
  });

  it('refuses hooks that are not lists of functions', () => {
    expect(
      () =>
        new WhatsAppGatewayClient({
          baseUrl: GATEWAY,
          secret: SECRET,
          hooks: { beforeRequest: ['nope'] as never },
        }),
    ).toThrow(InvalidArgumentError);
  });
});
