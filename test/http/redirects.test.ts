/**
 * Redirects are never followed (design §3.11). Before this, a 3xx with a `Location` on another origin made
 * fetch send `X-Gateway-Secret` there (fetch strips only Authorization/Cookie), carried WPPConnect's secret
 * key (in the path of generate-token) wherever `Location` pointed, and a 301/302/303 turned createChannel,
 * sendText and startSession into GETs that "succeeded".
 *
 * Every status 300–308, same- and cross-origin, for both clients, reads and writes, generate-token included;
 * the other origin has a handler that counts what reaches it, and it must count nothing.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { RedirectError, WhatsAppGatewayClient, WppConnectClient } from '../../src/index.js';
import { noSleep, useMsw } from '../helpers/harness.js';
import { rejectionOf } from './helpers.js';

const server = useMsw();

const GATEWAY = 'http://gateway.test';
const WPP = 'http://wpp.test:21465';
const ELSEWHERE = 'https://elsewhere.test:9443';
const SECRET = 'gw-secret-5f1c9a7e2b';
const KEY = 'wpp-key-3d8e0b6a41';
const STATUSES = [300, 301, 302, 303, 304, 305, 306, 307, 308];

/** Counts everything that reaches the other origin, and answers as if it were a real service. */
function plantElsewhere() {
  const seen: Request[] = [];
  server.use(
    http.all(`${ELSEWHERE}/*`, ({ request }) => {
      seen.push(request.clone());
      return HttpResponse.json({
        success: true,
        token: 'planted-token',
        status: 'CONNECTED',
        channels: [{ id: 'planted', status: 'connected' }],
        id: 'planted-message',
      });
    }),
  );
  return seen;
}

/** Every request to `origin` answers `status` with a Location on `target` (same path and query). */
function redirectAll(origin: string, status: number, target: 'same' | 'cross') {
  const hits: Request[] = [];
  server.use(
    http.all(`${origin}/*`, ({ request }) => {
      const url = new URL(request.url);
      if (target === 'same' && url.searchParams.has('moved')) {
        // Only a follower would come here.
        hits.push(request.clone());
        return HttpResponse.json({ success: true, token: 'followed', status: 'CONNECTED', channels: [] });
      }
      hits.push(request.clone());
      const location =
        target === 'same'
          ? `${url.pathname}?moved=1`
          : `${ELSEWHERE}${url.pathname}?key=${KEY}&secret=${SECRET}`;
      return new HttpResponse(null, { status, headers: { Location: location } });
    }),
  );
  return hits;
}

const gateway = () => new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, sleep: noSleep });
const wpp = () => new WppConnectClient({ baseUrl: WPP, secretKey: KEY, sleep: noSleep });

const calls: Array<{ name: string; origin: string; run: () => Promise<unknown>; method: string }> = [
  { name: 'gateway listChannels', origin: GATEWAY, method: 'GET', run: () => gateway().listChannels() },
  {
    name: 'gateway createChannel',
    origin: GATEWAY,
    method: 'POST',
    run: () => gateway().createChannel('sales'),
  },
  {
    name: 'gateway sendText',
    origin: GATEWAY,
    method: 'POST',
    run: () => gateway().sendText('sales', '5511999990000', 'hello'),
  },
  { name: 'wppconnect generateToken', origin: WPP, method: 'POST', run: () => wpp().generateToken('sales') },
  { name: 'wppconnect startSession', origin: WPP, method: 'POST', run: () => wpp().startSession('sales') },
];

function allText(error: unknown): string {
  const e = error as Error;
  return [e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 5 }), String(e.cause)].join('\n');
}

describe.each(STATUSES)('HTTP %i is never followed', (status) => {
  it.each(calls)(
    '$name, cross-origin: RedirectError naming the origin only; nothing reaches it',
    async (call) => {
      const seen = plantElsewhere();
      // WPPConnect calls need a token first: generate-token is itself redirected, so nothing gets further.
      const hits = redirectAll(call.origin, status, 'cross');
      const error = await rejectionOf(call.run());
      expect(error).toBeInstanceOf(RedirectError);
      const redirect = error as RedirectError;
      expect(redirect).toMatchObject({ status, code: 'redirected', sameOrigin: false });
      // 304 and 300 get a Location too here: whatever the status, the target is reported, never followed.
      expect(redirect.targetOrigin).toBe(ELSEWHERE);
      expect(redirect.message).toContain(ELSEWHERE);
      expect(redirect.message).toMatch(/fix the base URL/);
      const text = allText(error);
      expect(text).not.toContain('?key=');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
      expect(seen).toEqual([]);
      // One request, no retry, and a write stayed a write.
      expect(hits).toHaveLength(1);
      expect(hits[0]!.method).toBe(call.method);
    },
  );

  it.each(calls)('$name, same origin: RedirectError, the write is not re-sent as a read', async (call) => {
    const hits = redirectAll(call.origin, status, 'same');
    const error = await rejectionOf(call.run());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error).toMatchObject({ status, sameOrigin: true, targetOrigin: new URL(call.origin).origin });
    expect(hits.map((r) => r.method)).toEqual([call.method]);
  });
});

describe('redirect edge cases', () => {
  it('a 3xx without a Location is still a RedirectError, with no origin', async () => {
    server.use(http.get(`${GATEWAY}/api/channels`, () => new HttpResponse(null, { status: 302 })));
    const error = await rejectionOf(gateway().listChannels());
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).targetOrigin).toBeUndefined();
  });

  it('http → https on the same host names https:// in the hint', async () => {
    server.use(
      http.get(
        `${GATEWAY}/api/channels`,
        () =>
          new HttpResponse(null, { status: 301, headers: { Location: 'https://gateway.test/api/channels' } }),
      ),
    );
    const error = (await rejectionOf(gateway().listChannels())) as RedirectError;
    expect(error.targetOrigin).toBe('https://gateway.test');
    expect(error.message).toMatch(/use https:\/\//);
  });

  it('a Location with credentials in it reports the origin without them', async () => {
    server.use(
      http.get(
        `${GATEWAY}/api/channels`,
        () =>
          new HttpResponse(null, {
            status: 307,
            headers: { Location: `http://user:${SECRET}@evil.test:81/x` },
          }),
      ),
    );
    const error = (await rejectionOf(gateway().listChannels())) as RedirectError;
    expect(error.targetOrigin).toBe('http://evil.test:81');
    expect(allText(error)).not.toContain(SECRET);
  });

  it('an answer that a custom fetch followed anyway is refused, not used', async () => {
    const fetch: typeof globalThis.fetch = async () => {
      const response = HttpResponse.json({
        success: true,
        channels: [{ id: 'planted', status: 'connected' }],
      });
      Object.defineProperty(response, 'redirected', { value: true });
      Object.defineProperty(response, 'url', { value: `${ELSEWHERE}/api/channels` });
      return response;
    };
    const client = new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, fetch, sleep: noSleep });
    const error = await rejectionOf(client.listChannels());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error).toMatchObject({ targetOrigin: ELSEWHERE });
  });
});

/** The same through real sockets and Node's own fetch (undici), not MSW's interception. */
describe('redirects over real loopback sockets', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function listen(
    handler: (request: IncomingMessage, body: string) => [number, Record<string, string>, string],
  ) {
    const requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];
    const s = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push({ method: request.method!, url: request.url!, headers: request.headers });
        const [status, headers, text] = handler(request, body);
        response.writeHead(status, headers).end(text);
      });
    });
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    servers.push(s);
    return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests };
  }

  it.each([301, 302, 303, 307, 308])(
    '%i to another port: the secret and the key stay home',
    async (status) => {
      server.close(); // let real sockets through for this block
      try {
        const other = await listen(() => [
          200,
          { 'content-type': 'application/json' },
          '{"success":true,"token":"planted"}',
        ]);
        const home = await listen((request) => [status, { location: `${other.origin}${request.url}` }, '']);
        const gw = new WhatsAppGatewayClient({ baseUrl: home.origin, secret: SECRET, sleep: noSleep });
        const wp = new WppConnectClient({ baseUrl: home.origin, secretKey: KEY, sleep: noSleep });
        expect(await rejectionOf(gw.createChannel('sales'))).toBeInstanceOf(RedirectError);
        expect(await rejectionOf(wp.generateToken('sales'))).toBeInstanceOf(RedirectError);
        expect(other.requests).toEqual([]);
        expect(home.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
      } finally {
        server.listen({ onUnhandledRequest: 'error' });
      }
    },
  );
});
