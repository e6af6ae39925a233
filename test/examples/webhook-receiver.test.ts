import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningReceiver, startWebhookReceiver } from '../../examples/webhook-receiver.js';
import { ActivityTracker, type WebhookEvent } from '../../src/index.js';

// Real bodies, verbatim from field notes §9 (the gateway's envelope and the WPPConnect payload inside it).
const gatewayMessage = {
  spec_version: '1.0',
  event: 'message',
  session: { id: 'FrontDesk', name: 'FrontDesk' },
  message: {
    id: 'false_208989199560861@lid_3EB0461725FC1E698AD069',
    from: '208989199560861@lid',
    to: '554797146908@c.us',
    text: 'teste1827_frontdesk',
    timestamp: 1768512935,
  },
  ack: null,
  connection: null,
  raw: {
    provider: 'wppconnect',
    payload: {
      event: 'onmessage',
      session: 'FrontDesk',
      id: 'false_208989199560861@lid_3EB0461725FC1E698AD069',
      body: 'teste1827_frontdesk',
      type: 'chat',
      t: 1768512935,
      clientReceivedTsMillis: 1768512934852,
      notifyName: 'Charles Dietrich',
      from: '208989199560861@lid',
      to: '554797146908@c.us',
      ack: 1,
      isNewMsg: true,
    },
  },
  event_id: '9d85ff62-c78b-47d2-9022-c09107c60aef',
  correlation_id: '2d421e63-6ede-4fe8-8c88-a607f5412853',
  timestamp: 1768512935,
};

const gatewayConnectionUpdate = {
  spec_version: '1.0',
  event: 'connection.update',
  session: { id: 'Marketing Team', name: 'Marketing Team' },
  message: null,
  ack: null,
  connection: { status: 'unavailable' },
  raw: {
    provider: 'wppconnect',
    payload: {
      event: 'onpresencechanged',
      session: 'Marketing Team',
      id: '5524988237604@c.us',
      isOnline: false,
      isGroup: false,
      isUser: true,
      shortName: '+55 24 98823-7604',
      state: 'unavailable',
      t: 1768504026490,
      isContact: false,
    },
  },
  event_id: '27400d7a-9091-40ff-9ccb-5216c18fb958',
  correlation_id: '7c993d74-d0d3-44bd-9407-a2af98d17f28',
  timestamp: '2026-01-15T19:07:06.497Z',
};

// What WPPConnect itself posts (`{event, session, ...data}`, wppconnect.md §4).
const wppOnmessage = gatewayMessage.raw.payload;
const wppPresence = gatewayConnectionUpdate.raw.payload;
const wppAck = {
  event: 'onack',
  session: 'FrontDesk',
  id: {
    fromMe: true,
    remote: '208989199560861@lid',
    id: '3EB0',
    _serialized: 'true_208989199560861@lid_3EB0',
  },
  ack: 3,
  t: 1768513000,
};
const wppQrcode = {
  event: 'qrcode',
  session: 'frontdesk',
  qrcode: 'iVBORw0KGgoAAAANSUhEUg==',
  urlcode: '2@abc',
};
const wppStatusFind = { event: 'status-find', status: 'browserClose' }; // no `session` after a close-session

const NOW = Date.UTC(2026, 1, 1); // the tracker's clock: after every body above

let receiver: RunningReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(options: Partial<Parameters<typeof startWebhookReceiver>[0]> = {}) {
  const tracker = new ActivityTracker({ clock: { now: () => NOW } });
  const events: WebhookEvent[] = [];
  receiver = await startWebhookReceiver({ tracker, onEvent: (e) => void events.push(e), ...options });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${receiver!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { tracker, events, post };
}

describe('examples/webhook-receiver.ts', () => {
  it('records a gateway message envelope under the URL’s session, at the body’s time', async () => {
    const { tracker, events, post } = await start();
    const res = await post('/hooks/wpp/FrontDesk', gatewayMessage);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, event: 'message', kind: 'message', counted: true });
    expect(tracker.get('FrontDesk')?.toISOString()).toBe('2026-01-15T21:35:35.000Z');
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({ sessionId: 'FrontDesk', source: 'gateway', isMessage: true });
  });

  it('lets the URL’s session win over the body’s (aliases, missing `session`)', async () => {
    const { tracker, post } = await start();
    await post('/hooks/wpp/frontdesk', gatewayMessage);
    expect(tracker.get('frontdesk')).not.toBeNull();
    expect(tracker.get('FrontDesk')).toBeNull(); // the body said FrontDesk; the URL said frontdesk

    // The gateway calls this session "Marketing Team"; the URL names it as the SDK does.
    const res = await post('/hooks/wpp/marketing', gatewayConnectionUpdate);
    expect(await res.json()).toEqual({
      ok: true,
      event: 'connection.update',
      kind: 'presence',
      counted: false,
    });
    // A space in an id travels encoded.
    await post('/hooks/wpp/Marketing%20Team', wppOnmessage);
    expect(tracker.get('Marketing Team')?.toISOString()).toBe('2026-01-15T21:35:35.000Z');

    const status = await post('/hooks/wpp/frontdesk', wppStatusFind);
    expect(await status.json()).toMatchObject({ kind: 'status_find', counted: false });
  });

  it('counts WPPConnect messages, never presence or acks (field notes §7.3)', async () => {
    const { tracker, post } = await start();
    for (const body of [wppPresence, wppAck, gatewayConnectionUpdate]) {
      const res = await post('/hooks/wpp/marketing', body);
      expect((await res.json()).counted).toBe(false);
    }
    expect(tracker.get('marketing')).toBeNull();

    const res = await post('/hooks/wpp/marketing', wppOnmessage);
    expect(await res.json()).toEqual({ ok: true, event: 'onmessage', kind: 'message', counted: true });
    expect(tracker.get('marketing')?.toISOString()).toBe('2026-01-15T21:35:35.000Z');

    const qr = await post('/hooks/wpp/frontdesk', wppQrcode);
    expect(await qr.json()).toMatchObject({ kind: 'qrcode', counted: false });
  });

  it('rejects what is not a JSON webhook with 400', async () => {
    const { post, events } = await start();
    const text = await post('/hooks/wpp/frontdesk', 'event=onmessage', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(await text.json()).toMatchObject({ error: 'NOT_JSON' });
    for (const body of ['{"event": "onmessage"', '[1, 2]', '{"session": "frontdesk"}', '']) {
      const res = await post('/hooks/wpp/frontdesk', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'INVALID_WEBHOOK' });
    }
    expect(events).toHaveLength(0);
  });

  it('caps the body: 413 on a declared or a streamed size over the limit', async () => {
    const { post, tracker } = await start({ maxBodyBytes: 1024 });
    const big = { ...wppOnmessage, body: 'x'.repeat(4096) };
    const declared = await post('/hooks/wpp/frontdesk', big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'TOO_LARGE', limit: 1024 });

    // Chunked, without Content-Length: the cap applies while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${receiver!.url}/hooks/wpp/frontdesk`);
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write(`{"pad":"${'y'.repeat(1000)}",`);
      req.end('"event":"onmessage"}');
    });
    expect(streamed).toBe(413);
    expect(tracker.get('frontdesk')).toBeNull();
  });

  it('answers 404, 405 and 400 for the wrong path, method or session id', async () => {
    const { post } = await start();
    expect((await post('/hooks/other/frontdesk', wppOnmessage)).status).toBe(404);
    expect((await fetch(`${receiver!.url}/hooks/wpp/frontdesk`)).status).toBe(405);
    const colon = await post('/hooks/wpp/frontdesk%3Atoken', wppOnmessage);
    expect(colon.status).toBe(400);
    expect(await colon.json()).toMatchObject({ error: 'INVALID_SESSION' });
    expect((await post('/hooks/wpp/..', wppOnmessage)).status).toBe(404); // normalised away by the URL parser
  });

  it('with a secret, requires it as ?token= or a header (WPPConnect signs nothing)', async () => {
    const { post, tracker } = await start({ secret: 's3cret' });
    expect((await post('/hooks/wpp/frontdesk', wppOnmessage)).status).toBe(403);
    expect((await post('/hooks/wpp/frontdesk?token=wrong', wppOnmessage)).status).toBe(403);
    expect(tracker.get('frontdesk')).toBeNull();
    expect((await post('/hooks/wpp/frontdesk?token=s3cret', wppOnmessage)).status).toBe(200);
    expect((await post('/hooks/wpp/other', wppOnmessage, { 'x-gateway-secret': 's3cret' })).status).toBe(200);
    expect(tracker.get('frontdesk')).not.toBeNull();
  });

  it('answers before onEvent finishes, and survives an onEvent that fails', async () => {
    let release: () => void = () => undefined;
    const pending = new Promise<void>((resolve) => {
      release = resolve;
    });
    const errors: unknown[] = [];
    let calls = 0;
    const { post } = await start({
      onEvent: async () => {
        calls++;
        if (calls === 1)
          await pending; // a slow database insert
        else throw new Error('insert failed');
      },
      onError: (error) => errors.push(error),
    });
    const first = await post('/hooks/wpp/frontdesk', wppOnmessage);
    expect(first.status).toBe(200); // answered while onEvent is still waiting
    expect(calls).toBe(1);
    release();
    const second = await post('/hooks/wpp/frontdesk', wppOnmessage);
    expect(second.status).toBe(200);
    await expect.poll(() => errors.length).toBe(1);
    expect((errors[0] as Error).message).toBe('insert failed');
  });
});
