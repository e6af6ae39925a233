import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServers, ManualClock, startFakeServers } from '../../src/testing/index.js';

let sim: FakeServers | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('startFakeServers (real node:http servers, real fetch)', () => {
  it('serves both fakes on free ports, with the gateway forwarding to WPPConnect over its real URL', async () => {
    const clock = new ManualClock();
    sim = await startFakeServers({ wppconnect: { clock } });
    expect(sim.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.wppconnectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.wppconnect.baseUrl).toBe(sim.wppconnectUrl);
    expect(sim.secretKey).toBe('THISISMYSECURETOKEN');
    const gw = (path: string, init: RequestInit = {}) =>
      fetch(`${sim!.gatewayUrl}${path}`, {
        ...init,
        headers: {
          'X-Gateway-Secret': sim!.secret,
          'Content-Type': 'application/json',
          'X-Request-Id': 'r-1',
        },
      });

    const created = await gw('/api/channels', {
      method: 'POST',
      body: JSON.stringify({ channel: 'frontdesk' }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('x-request-id')).toBe('r-1');
    expect(sim.wppconnect.countCalls('/api/{session}/start-session', 'frontdesk')).toBe(1);

    // WPPConnect directly, with a token from its real generate-token route.
    const tokenRes = await fetch(`${sim.wppconnectUrl}/api/frontdesk/${sim.secretKey}/generate-token`, {
      method: 'POST',
    });
    const { token } = (await tokenRes.json()) as { token: string };
    clock.advance(2_000);
    const png = await fetch(`${sim.wppconnectUrl}/api/frontdesk/qrcode-session`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(Number(png.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x89PNG');

    sim.wppconnect.scan('frontdesk');
    const list = await (await gw('/api/channels')).json();
    expect(list).toEqual({ success: true, channels: [{ id: 'frontdesk', status: 'connected' }], total: 1 });

    const notFound = await fetch(`${sim.wppconnectUrl}/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).toContain('<pre>Cannot GET /nope</pre>');
  });

  it('aborts the /healthz hang when the client disconnects, and close() leaves nothing listening', async () => {
    sim = await startFakeServers();
    const ok = await fetch(`${sim.wppconnectUrl}/healthz`);
    expect((await ok.json()) as object).toMatchObject({ message: 'OK' });

    await expect(
      fetch(`${sim.wppconnectUrl}/healthz`, {
        headers: { 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    // The server saw the disconnect: the hanging call stays recorded without an answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.wppconnect.calls.at(-1)).toMatchObject({ route: '/healthz', status: 0 });

    // A keep-alive connection left open by fetch must not block close().
    const url = new URL(sim.gatewayUrl);
    await fetch(`${sim.gatewayUrl}/api/channels`, { headers: { 'X-Gateway-Secret': sim.secret } });
    const current = sim;
    sim = undefined;
    await current.close();
    const refused = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/' }, () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end();
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('passes options through (secret, faults) and handles a body that is not JSON', async () => {
    sim = await startFakeServers({ gateway: { secret: 's3cret', faults: { htmlError: 502 } } });
    expect(sim.secret).toBe('s3cret');
    const res = await fetch(`${sim.gatewayUrl}/api/channels`, { headers: { 'X-Gateway-Secret': 's3cret' } });
    expect(res.status).toBe(502);
    expect(res.headers.get('server')).toBe('nginx/1.24.0');
    sim.gateway.faults.htmlError = null;
    const bad = await fetch(`${sim.gatewayUrl}/api/channels`, {
      method: 'POST',
      headers: { 'X-Gateway-Secret': 's3cret', 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
  });
});
