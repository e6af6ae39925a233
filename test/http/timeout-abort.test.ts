/**
 * Per-attempt timeouts and the caller's AbortSignal (design §3.7). Timeouts are real (50 ms) because the
 * transport times out a real fetch; retry waits are recorded except in the abort-timing test, which needs a
 * `sleep` that honours the signal.
 */
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, ServerError, TimeoutError } from '../../src/errors.js';
import { sleep as realSleep } from '../../src/http/delay.js';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
let requests = 0;
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  server.events.on('request:start', () => {
    requests++;
  });
});
afterEach(() => {
  server.resetHandlers();
  requests = 0;
});
afterAll(() => server.close());

function hangForever(method: 'get' | 'post', path: string): { attempts: () => number } {
  let count = 0;
  server.use(
    http[method](`${BASE}${path}`, async () => {
      count++;
      await delay('infinite');
      return HttpResponse.json({});
    }),
  );
  return { attempts: () => count };
}

describe('timeout', () => {
  it('a GET with no answer becomes TimeoutError after every attempt timed out', async () => {
    const handler = hangForever('get', '/api/slow');
    const { transport, delays } = makeTransport({ timeoutMs: 50, retry: { limit: 2, jitter: false } });

    const error = (await rejectionOf(transport.send({ method: 'GET', route: '/api/slow' }))) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('timeout');
    expect(error.status).toBe(0);
    expect(error.timeoutMs).toBe(50);
    expect(error.retryCount).toBe(2);
    expect(error.path).toBe('/api/slow');
    expect(error.message).toContain('50 ms');
    expect(handler.attempts()).toBe(3);
    expect(delays).toEqual([300, 600]);
  });

  it('a GET that times out once and then answers succeeds', async () => {
    let count = 0;
    server.use(
      http.get(`${BASE}/api/flaky`, async () => {
        count++;
        if (count === 1) await delay('infinite');
        return HttpResponse.json({ ok: true });
      }),
    );
    const { transport } = makeTransport({ timeoutMs: 50, retry: { limit: 2 } });

    const result = await transport.send({ method: 'GET', route: '/api/flaky' });

    expect(result.retryCount).toBe(1);
    expect(count).toBe(2);
  });

  it('a POST that times out is not retried', async () => {
    const handler = hangForever('post', '/api/send');
    const { transport, delays } = makeTransport({ timeoutMs: 50, retry: { limit: 2 } });

    const error = (await rejectionOf(
      transport.send({ method: 'POST', route: '/api/send', json: { text: 'hi' } }),
    )) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(50);
    expect(error.retryCount).toBe(0);
    expect(handler.attempts()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('the per-call timeoutMs overrides the client default', async () => {
    hangForever('get', '/api/slow');
    const { transport } = makeTransport({ timeoutMs: 10_000, retry: 0 });

    const started = performance.now();
    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/slow', call: { timeoutMs: 40 } }),
    )) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(40);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a body that stalls after the headers still times out', async () => {
    server.use(
      http.get(`${BASE}/api/stall`, () => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"channels":['));
            // never closed: the server sent the headers and part of the body, then went silent
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const { transport } = makeTransport({ timeoutMs: 50, retry: 0 });

    const started = performance.now();
    const error = (await rejectionOf(transport.send({ method: 'GET', route: '/api/stall' }))) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(50);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a GET whose body stalls is retried like one that got no answer', async () => {
    let attempts = 0;
    server.use(
      http.get(`${BASE}/api/stall-once`, () => {
        attempts++;
        if (attempts > 1) return HttpResponse.json({ ok: true });
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"ok":'));
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const { transport, delays } = makeTransport({ timeoutMs: 50, retry: 2 });
    const result = await transport.send({ method: 'GET', route: '/api/stall-once' });
    expect(result.body).toMatchObject({ kind: 'json', value: { ok: true } });
    expect(result.retryCount).toBe(1);
    expect(attempts).toBe(2);
    expect(delays).toHaveLength(1);
  });
});

describe('abort', () => {
  it('a signal aborted before sending rejects with AbortError and sends nothing', async () => {
    server.use(http.get(`${BASE}/api/channels`, () => HttpResponse.json([])));
    const { transport } = makeTransport();
    const controller = new AbortController();
    controller.abort();

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels', call: { signal: controller.signal } }),
    )) as AbortError;

    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('aborted');
    expect(error.path).toBe('/api/channels');
    expect(requests).toBe(0);
  });

  it('aborting while the request hangs rejects with AbortError, not TimeoutError, and is not retried', async () => {
    const controller = new AbortController();
    let count = 0;
    server.use(
      http.get(`${BASE}/api/slow`, async () => {
        count++;
        setTimeout(() => controller.abort(), 10);
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const { transport, delays } = makeTransport({ timeoutMs: 5_000, retry: { limit: 2 } });

    const started = performance.now();
    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/slow', call: { signal: controller.signal } }),
    )) as AbortError;

    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('aborted');
    expect(count).toBe(1);
    expect(delays).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('aborting while the body stalls rejects with AbortError', async () => {
    const controller = new AbortController();
    server.use(
      http.get(`${BASE}/api/stall`, () => {
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"channels":['));
            setTimeout(() => controller.abort(), 10);
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const { transport } = makeTransport({ timeoutMs: 10_000, retry: 0 });

    const started = performance.now();
    const error = await rejectionOf(
      transport.send({ method: 'GET', route: '/api/stall', call: { signal: controller.signal } }),
    );

    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('aborting during the wait between retries stops at once, with no further attempt', async () => {
    let count = 0;
    server.use(
      http.get(`${BASE}/api/channels`, () => {
        count++;
        return HttpResponse.json({ success: false }, { status: 503 });
      }),
    );
    const { transport } = makeTransport({
      sleep: realSleep,
      retry: { limit: 2, baseDelayMs: 60_000, jitter: false },
    });
    const controller = new AbortController();
    let abortedAt = 0;
    server.events.on('response:mocked', () => {
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, 20);
    });

    try {
      const error = (await rejectionOf(
        transport.send({ method: 'GET', route: '/api/channels', call: { signal: controller.signal } }),
      )) as AbortError;
      const rejectedAt = performance.now();

      expect(error).toBeInstanceOf(AbortError);
      expect(error.code).toBe('aborted');
      expect(error.message).toContain('waiting to retry');
      expect(error.retryCount).toBe(0);
      expect(abortedAt).toBeGreaterThan(0);
      expect(rejectedAt - abortedAt).toBeLessThan(50);
      expect(count).toBe(1);
    } finally {
      server.events.removeAllListeners('response:mocked');
    }
  });

  it('an abort between attempts of a network-error retry is an AbortError, not a ConnectionError', async () => {
    server.use(http.get(`${BASE}/api/channels`, () => HttpResponse.error()));
    const controller = new AbortController();
    const { transport } = makeTransport({
      retry: { limit: 2 },
      sleep: async () => {
        controller.abort();
        throw new DOMException('aborted', 'AbortError');
      },
    });

    const error = await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels', call: { signal: controller.signal } }),
    );

    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(ServerError);
    expect(requests).toBe(1);
  });
});
