import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionsHandler, type SessionsHandler } from '../../src/handler/index.js';
import { ActivityTracker, SessionManager, WhatsAppGatewayClient, WppConnectClient } from '../../src/index.js';
import { type FakeServers, startFakeServers } from '../../src/testing/index.js';
import { type Mounted, mounts } from './mounts.js';

const PREFIX = '/api/wa';
const ADMIN = { authorization: 'Bearer admin-token' };
const JSON_ADMIN = { ...ADMIN, 'content-type': 'application/json' };

let fakes: FakeServers;
let tracker: ActivityTracker;
let handler: SessionsHandler;

beforeAll(async () => {
  fakes = await startFakeServers({
    wppconnect: { initializingMs: 40, qrRotateMs: 250, autoCloseMs: 60_000 },
  });
});
afterAll(() => fakes.close());

beforeEach(() => {
  fakes.gateway.reset();
  fakes.wppconnect.reset();
  tracker = new ActivityTracker();
  const manager = new SessionManager({
    gateway: new WhatsAppGatewayClient({ baseUrl: fakes.gatewayUrl, secret: fakes.secret }),
    wppconnect: new WppConnectClient({ baseUrl: fakes.wppconnectUrl, secretKey: fakes.secretKey }),
    activity: tracker,
    pollIntervalsMs: [10, 20],
    webhookUrl: (id) => `https://app.example/api/wa/webhooks/${id}?token=hook-token`,
  });
  handler = createSessionsHandler(manager, {
    prefix: PREFIX,
    webhooks: tracker,
    heartbeatMs: 50,
    authorize: (request) => {
      const url = new URL(request.url);
      if (url.pathname.includes('/webhooks/')) return url.searchParams.get('token') === 'hook-token';
      const auth = request.headers.get('authorization');
      if (!auth) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
      return auth === ADMIN.authorization;
    },
  });
});

function upstreamCalls(): number {
  return fakes.gateway.calls.length + fakes.wppconnect.calls.length;
}

// biome-ignore lint/suspicious/noExplicitAny: test-side view of arbitrary JSON event data
type Json = any;
interface SseMessage {
  event: string;
  data: Json;
}

/** Reads SSE events from a fetch answer until `stop` says so; returns them in order. */
async function readEvents(response: Response, stop: (event: SseMessage) => boolean): Promise<SseMessage[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseMessage[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    buffer += value;
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || data === undefined) continue;
      const parsed = { event, data: JSON.parse(data) };
      events.push(parsed);
      if (stop(parsed)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(fakes.secret);
  expect(text).not.toContain(fakes.secretKey);
  expect(text).not.toContain(fakes.wppconnect.issueToken('sales'));
}

describe.each(Object.keys(mounts))('createSessionsHandler mounted in %s', (name) => {
  let app: Mounted;
  let base: string;
  beforeEach(async () => {
    app = await mounts[name]!((request) => handler(request), PREFIX);
    base = `${app.url}${PREFIX}`;
  });
  afterEach(() => app.close());

  it('runs nothing for a request authorize refuses: 401 without credentials, 403 with wrong ones', async () => {
    const calls = upstreamCalls();
    const anonymous = await fetch(`${base}/sessions`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'sales' }),
    });
    expect(wrong.status).toBe(403);
    const hook = await fetch(`${base}/webhooks/sales?token=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'onmessage', session: 'sales' }),
    });
    expect(hook.status).toBe(403);
    expect(upstreamCalls()).toBe(calls);
    expect(tracker.get('sales')).toBeNull();
  });

  it('answers 415 to a write that is not JSON, before any upstream request', async () => {
    const calls = upstreamCalls();
    const form = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=sales',
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const text = await fetch(`${base}/sessions/sales/reconnect`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/plain' },
      body: '{"force":true}',
    });
    expect(text.status).toBe(415);
    expect(upstreamCalls()).toBe(calls);
  });

  it('answers 400 to a hostile id before any upstream request', async () => {
    const calls = upstreamCalls();
    for (const path of ['/sessions/a%2Fb', '/sessions/name%3Atoken', '/sessions/%00x', '/sessions/a%5Cb']) {
      const response = await fetch(`${base}${path}`, { headers: ADMIN });
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_argument');
    }
    for (const id of ['../etc', 'a/b', 'x'.repeat(101), '', 'a:b']) {
      const response = await fetch(`${base}/sessions`, {
        method: 'POST',
        headers: JSON_ADMIN,
        body: JSON.stringify({ id }),
      });
      expect(response.status, id).toBe(400);
    }
    const events = await fetch(`${base}/sessions/a%2F..%2Fb/events`, { headers: ADMIN });
    expect(events.status).toBe(400);
    expect(upstreamCalls()).toBe(calls);
  });

  it('creates a session and answers the report with its QR, then lists and reads it; no secret anywhere', async () => {
    const created = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: JSON_ADMIN,
      body: JSON.stringify({ id: 'sales' }),
    });
    expect(created.status).toBe(200);
    const createdText = await created.text();
    const report = JSON.parse(createdText);
    expect(report).toMatchObject({ id: 'sales', status: 'qr_required', verifiedOnWppconnect: true });
    expect(report.qr.base64).toMatch(/^iVBOR/);
    expect(report.qr.dataUrl).toBe(`data:image/png;base64,${report.qr.base64}`);
    expect(report.actions.length).toBeGreaterThan(0);

    const list = await fetch(`${base}/sessions`, { headers: ADMIN });
    const listText = await list.text();
    const { sessions } = JSON.parse(listText);
    expect(sessions).toEqual([
      expect.objectContaining({ id: 'sales', status: 'qr_required', isZombie: false, inconsistent: false }),
    ]);
    const one = await fetch(`${base}/sessions/sales`, { headers: ADMIN });
    const oneText = await one.text();
    expect(JSON.parse(oneText)).toMatchObject({ id: 'sales', wppconnectStatus: 'QRCODE' });
    for (const text of [createdText, listText, oneText]) expectNoSecret(text);
  });

  it('streams the QR and then connected over SSE to a real client', async () => {
    await fetch(`${base}/sessions`, { method: 'POST', headers: JSON_ADMIN, body: '{"id":"sales"}' });
    const response = await fetch(`${base}/sessions/sales/events`, { headers: ADMIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seenQrs: string[] = [];
    const events = await readEvents(response, (message) => {
      if (message.event === 'qr') {
        seenQrs.push(message.data.qr.urlcode);
        // Scan the second QR: the stream must have followed a rotation first.
        if (seenQrs.length === 2) fakes.wppconnect.scan('sales');
      }
      return message.event === 'end';
    });
    const names = events.map((e) => e.event);
    expect(names.slice(-2)).toEqual(['connected', 'end']);
    expect(new Set(seenQrs).size).toBe(seenQrs.length);
    expect(seenQrs.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-2)?.data).toMatchObject({ type: 'connected', sessionId: 'sales' });
  });

  it('stops the watch when the client goes away mid-stream', async () => {
    fakes.wppconnect.seed('idle', { status: 'CONNECTED' });
    const controller = new AbortController();
    const response = await fetch(`${base}/sessions/idle/events?follow=1`, {
      headers: ADMIN,
      signal: controller.signal,
    });
    const first = await readEvents(response, (message) => message.event === 'connected');
    expect(first.map((e) => e.event)).toEqual(['connected']);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reads = fakes.wppconnect.countCalls('/api/{session}/status-session', 'idle');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fakes.wppconnect.countCalls('/api/{session}/status-session', 'idle')).toBe(reads);
  });

  it('reconnects with force, and maps a reconnect of an unknown id to 404', async () => {
    fakes.wppconnect.seed('support-team', { status: 'CONNECTED' });
    await fakes.gateway.handle(
      new Request(`${fakes.gatewayUrl}/api/channels`, {
        method: 'POST',
        headers: { 'x-gateway-secret': fakes.secret, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'support-team' }),
      }),
    );
    const forced = await fetch(`${base}/sessions/support-team/reconnect`, {
      method: 'POST',
      headers: JSON_ADMIN,
      body: JSON.stringify({ force: true }),
    });
    const report = await forced.json();
    expect(forced.status).toBe(200);
    expect(report.repaired).toBe(true);
    expect(report.actions.map((a: { step: string }) => a.step)).toContain(
      'rung 3: close-session + start-session',
    );

    const unknown = await fetch(`${base}/sessions/nobody/reconnect`, { method: 'POST', headers: ADMIN });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
    const badForce = await fetch(`${base}/sessions/support-team/reconnect`, {
      method: 'POST',
      headers: JSON_ADMIN,
      body: JSON.stringify({ force: 'yes' }),
    });
    expect(badForce.status).toBe(400);
  });

  it('feeds webhooks to the tracker, and a qrcode webhook reaches an open SSE stream at once', async () => {
    const message = await fetch(`${base}/webhooks/sales?token=hook-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'onmessage', session: 'other', t: Math.floor(Date.now() / 1000) }),
    });
    expect(message.status).toBe(204);
    // The route's id wins over the body's.
    expect(tracker.get('sales')).not.toBeNull();
    expect(tracker.get('other')).toBeNull();
    const bad = await fetch(`${base}/webhooks/sales?token=hook-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(bad.status).toBe(400);
  });

  it('answers 404 to an unknown route and 405 to a wrong method', async () => {
    expect((await fetch(`${base}/nothing`, { headers: ADMIN })).status).toBe(404);
    const wrong = await fetch(`${base}/sessions/sales`, { method: 'DELETE', headers: ADMIN });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});

describe('createSessionsHandler options', () => {
  it('requires authorize', () => {
    const manager = new SessionManager({
      gateway: new WhatsAppGatewayClient({ baseUrl: fakes.gatewayUrl, secret: fakes.secret }),
    });
    expect(() => createSessionsHandler(manager, {} as never)).toThrow(/options.authorize/);
    expect(() => createSessionsHandler(manager, { authorize: () => true, prefix: 'api' })).toThrow(
      /options.prefix/,
    );
  });

  it('answers the { success, qr_base64?, error } shape with legacyCreateResponse', async () => {
    const manager = new SessionManager({
      gateway: new WhatsAppGatewayClient({ baseUrl: fakes.gatewayUrl, secret: fakes.secret }),
      wppconnect: new WppConnectClient({ baseUrl: fakes.wppconnectUrl, secretKey: fakes.secretKey }),
      pollIntervalsMs: [10],
      stuckAfterMs: 100,
      qrWaitMs: 3_000,
    });
    const legacy = createSessionsHandler(manager, { authorize: () => true, legacyCreateResponse: true });
    const ok = await legacy(
      new Request('http://app.test/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'sales' }),
      }),
    );
    const body = await ok.json();
    expect(body).toMatchObject({ success: true, status: 'qr_required' });
    expect(body.qr_base64).toMatch(/^iVBOR/);
    fakes.wppconnect.setStuck('stuck');
    const failed = await legacy(
      new Request('http://app.test/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'stuck' }),
      }),
    );
    expect(failed.status).toBe(502);
    const failure = await failed.json();
    expect(failure.success).toBe(false);
    expect(failure.error).toMatch(/stuck INITIALIZING/);
  }, 20_000);
});
