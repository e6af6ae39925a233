/**
 * What goes on the wire: `Content-Type: application/json` only with a JSON body (design §3.6: the real
 * WPPConnect `/healthz` never answers a GET that carries it), default and per-request headers, request ids,
 * and URL-encoded path parameters.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ServerError, type WhatsAppSdkError } from '../../src/errors.js';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** Records every request to `path` (any method) and answers `respond()`. */
function capture(path: string, respond: () => Response = () => HttpResponse.json({ success: true })): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.all(`${BASE}${path}`, async ({ request }) => {
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: await request.text(),
      });
      return respond();
    }),
  );
  return seen;
}

describe('Content-Type', () => {
  it('is absent on a GET', async () => {
    const seen = capture('/healthz');
    const { transport } = makeTransport();

    await transport.send({ method: 'GET', route: '/healthz' });

    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.has('content-type')).toBe(false);
  });

  it('is absent on a POST without a body', async () => {
    const seen = capture('/api/frontdesk/close-session');
    const { transport } = makeTransport();

    await transport.send({
      method: 'POST',
      route: '/api/{session}/close-session',
      params: { session: 'frontdesk' },
    });

    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.has('content-type')).toBe(false);
    expect(seen[0]!.body).toBe('');
  });

  it('is application/json on a POST with a JSON body, which is sent as JSON', async () => {
    const seen = capture('/api/frontdesk/start-session');
    const { transport } = makeTransport();

    await transport.send({
      method: 'POST',
      route: '/api/{session}/start-session',
      params: { session: 'frontdesk' },
      json: { webhook: 'https://hooks.example/wpp', waitQrCode: false },
    });

    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ webhook: 'https://hooks.example/wpp', waitQrCode: false });
  });

  it('is absent on every retry of a GET too', async () => {
    let n = 0;
    const seen = capture('/healthz', () =>
      ++n < 3 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ ok: true }),
    );
    const { transport } = makeTransport({ retry: 2 });

    await transport.send({ method: 'GET', route: '/healthz' });

    expect(seen).toHaveLength(3);
    for (const request of seen) expect(request.headers.has('content-type')).toBe(false);
  });
});

describe('headers', () => {
  it('default headers are sent, and per-request headers are added to them', async () => {
    const seen = capture('/api/channels');
    const { transport } = makeTransport({
      headers: { 'X-Gateway-Secret': 'gw-secret-1234', 'X-Client': 'sdk' },
    });

    await transport.send({
      method: 'GET',
      route: '/api/channels',
      headers: { Authorization: 'Bearer tok-5678' },
    });

    expect(seen[0]!.headers.get('x-gateway-secret')).toBe('gw-secret-1234');
    expect(seen[0]!.headers.get('x-client')).toBe('sdk');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer tok-5678');
  });

  it('x-request-id is sent only when the call sets requestId', async () => {
    const seen = capture('/api/channels');
    const { transport } = makeTransport();

    await transport.send({ method: 'GET', route: '/api/channels' });
    await transport.send({ method: 'GET', route: '/api/channels', call: { requestId: 'req-abc-1' } });

    expect(seen[0]!.headers.has('x-request-id')).toBe(false);
    expect(seen[1]!.headers.get('x-request-id')).toBe('req-abc-1');
  });

  it("the server's x-request-id lands in the error's requestId", async () => {
    capture('/api/channels/x', () =>
      HttpResponse.json(
        { success: false, error: 'Canal não encontrado' },
        { status: 404, headers: { 'X-Request-Id': 'srv-req-42' } },
      ),
    );
    const { transport } = makeTransport();

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels/x', call: { requestId: 'req-abc-1' } }),
    )) as WhatsAppSdkError;

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toBe('srv-req-42');
    expect(error.toJSON()['requestId']).toBe('srv-req-42');
  });

  it("without a server id, the call's own requestId is in the error", async () => {
    capture('/api/channels', () => HttpResponse.json({}, { status: 500 }));
    const { transport } = makeTransport({ retry: 0 });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels', call: { requestId: 'req-abc-2' } }),
    )) as WhatsAppSdkError;

    expect(error).toBeInstanceOf(ServerError);
    expect(error.requestId).toBe('req-abc-2');
  });

  it('the response x-request-id is returned on success', async () => {
    capture('/api/channels', () => HttpResponse.json([], { headers: { 'x-request-id': 'srv-ok-7' } }));
    const { transport } = makeTransport();
    const result = await transport.send({ method: 'GET', route: '/api/channels' });
    expect(result.requestId).toBe('srv-ok-7');
  });
});

describe('path parameters', () => {
  it('are URL-encoded into the route, while errors keep the template', async () => {
    const seen = capture('/api/channels/*', () => HttpResponse.json({}, { status: 404 }));
    const { transport } = makeTransport();

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels/{id}', params: { id: 'Marketing Team' } }),
    )) as WhatsAppSdkError;

    expect(new URL(seen[0]!.url).pathname).toBe('/api/channels/Marketing%20Team');
    expect(error.path).toBe('/api/channels/{id}');
    expect(error.message).not.toContain('Marketing');
  });
});
