/**
 * The transport's retry loop (design §3.7): which answers are retried, for which requests, how long it waits.
 * Every wait goes through an injected `sleep` that records the delay, so nothing here sleeps for real.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  type WhatsAppSdkError,
} from '../../src/errors.js';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Fixed delays (no jitter) so every recorded wait can be asserted exactly. */
const FIXED = { limit: 2, baseDelayMs: 100, maxDelayMs: 8_000, jitter: false } as const;

/** A handler for `method path` that answers with `answers[i]` on the i-th attempt (the last one repeats). */
function sequence(
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  answers: Array<() => Response>,
): { attempts: () => number } {
  let count = 0;
  server.use(
    http[method](`${BASE}${path}`, () => {
      const answer = answers[Math.min(count, answers.length - 1)]!;
      count++;
      return answer();
    }),
  );
  return { attempts: () => count };
}

const ok = () => HttpResponse.json({ success: true });
const networkError = () => HttpResponse.error();
const status = (code: number) => () =>
  HttpResponse.json({ success: false, error: `status ${code}` }, { status: code });

describe('retryable failures on idempotent requests', () => {
  const cases: Array<[string, () => Response, new (...args: never[]) => WhatsAppSdkError, number]> = [
    ['a network error', networkError, ConnectionError, 0],
    ['408', status(408), ApiError, 408],
    ['429', status(429), RateLimitError, 429],
    ['500', status(500), ServerError, 500],
    ['502', status(502), ServerError, 502],
    ['503', status(503), ServerError, 503],
    ['504', status(504), ServerError, 504],
  ];

  it.each(cases)(
    'GET on %s is tried 3 times, then fails with retryCount 2',
    async (_, answer, Class, code) => {
      const handler = sequence('get', '/api/channels', [answer]);
      const { transport, delays } = makeTransport({ retry: FIXED });

      const error = (await rejectionOf(
        transport.send({ method: 'GET', route: '/api/channels' }),
      )) as WhatsAppSdkError;

      expect(error).toBeInstanceOf(Class);
      expect(error.status).toBe(code);
      expect(error.retryCount).toBe(2);
      expect(error.path).toBe('/api/channels');
      expect(error.method).toBe('GET');
      expect(error.service).toBe('gateway');
      expect(error.message).toContain('after 2 retries');
      expect(handler.attempts()).toBe(3);
      expect(delays).toEqual([100, 200]);
    },
  );

  it.each(cases)('GET on %s twice, then 200, succeeds on the 3rd attempt', async (_, answer) => {
    const handler = sequence('get', '/api/channels', [answer, answer, ok]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const result = await transport.send({ method: 'GET', route: '/api/channels' });

    expect(result.status).toBe(200);
    expect(result.retryCount).toBe(2);
    expect(result.body).toMatchObject({ kind: 'json', value: { success: true } });
    expect(handler.attempts()).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('PUT and DELETE are idempotent by default and retried', async () => {
    const put = sequence('put', '/api/x', [status(503), ok]);
    const del = sequence('delete', '/api/y', [status(503), ok]);
    const { transport } = makeTransport({ retry: FIXED });

    await expect(transport.send({ method: 'PUT', route: '/api/x', json: {} })).resolves.toMatchObject({
      retryCount: 1,
    });
    await expect(transport.send({ method: 'DELETE', route: '/api/y' })).resolves.toMatchObject({
      retryCount: 1,
    });
    expect(put.attempts()).toBe(2);
    expect(del.attempts()).toBe(2);
  });
});

describe('failures that are not retried', () => {
  const cases: Array<[number, new (...args: never[]) => WhatsAppSdkError, string]> = [
    [400, ApiError, 'api_error'],
    [401, AuthenticationError, 'bad_secret'],
    [404, NotFoundError, 'not_found'],
    [501, ServerError, 'server_error'],
  ];

  it.each(cases)('GET answered %i is tried once', async (code, Class, errorCode) => {
    const handler = sequence('get', '/api/channels', [status(code)]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels' }),
    )) as WhatsAppSdkError;

    expect(error).toBeInstanceOf(Class);
    expect(error.code).toBe(errorCode);
    expect(error.status).toBe(code);
    expect(error.retryCount).toBe(0);
    expect(handler.attempts()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('400 is a plain ApiError, not one of its subclasses', async () => {
    sequence('get', '/api/channels', [status(400)]);
    const { transport } = makeTransport({ retry: FIXED });
    const error = await rejectionOf(transport.send({ method: 'GET', route: '/api/channels' }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).constructor).toBe(ApiError);
  });
});

describe('POST', () => {
  it.each([
    ['503', status(503), ServerError],
    ['a network error', networkError, ConnectionError],
    ['429', status(429), RateLimitError],
  ] as const)('is not retried on %s', async (_, answer, Class) => {
    const handler = sequence('post', '/api/channels', [answer, ok]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const error = (await rejectionOf(
      transport.send({ method: 'POST', route: '/api/channels', json: { id: 'x' } }),
    )) as WhatsAppSdkError;

    expect(error).toBeInstanceOf(Class);
    expect(error.retryCount).toBe(0);
    expect(handler.attempts()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('is not retried even when the call asks for maxRetries', async () => {
    const handler = sequence('post', '/api/channels', [status(503), ok]);
    const { transport } = makeTransport({ retry: FIXED });

    await expect(
      transport.send({ method: 'POST', route: '/api/channels', call: { maxRetries: 5 } }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(handler.attempts()).toBe(1);
  });

  it('is retried when marked idempotent', async () => {
    const handler = sequence('post', '/api/status', [status(503), networkError, ok]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const result = await transport.send({ method: 'POST', route: '/api/status', idempotent: true });

    expect(result.retryCount).toBe(2);
    expect(handler.attempts()).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('GET marked idempotent: false is not retried', async () => {
    const handler = sequence('get', '/api/once', [status(503), ok]);
    const { transport } = makeTransport({ retry: FIXED });
    await expect(
      transport.send({ method: 'GET', route: '/api/once', idempotent: false }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(handler.attempts()).toBe(1);
  });
});

describe('maxRetries per call', () => {
  it('0 turns retries off for that call', async () => {
    const handler = sequence('get', '/api/channels', [status(503), ok]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels', call: { maxRetries: 0 } }),
    )) as WhatsAppSdkError;

    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryCount).toBe(0);
    expect(handler.attempts()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('a higher value than the client limit is honoured', async () => {
    const handler = sequence('get', '/api/channels', [status(503)]);
    const { transport, delays } = makeTransport({ retry: FIXED });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels', call: { maxRetries: 4 } }),
    )) as WhatsAppSdkError;

    expect(error.retryCount).toBe(4);
    expect(handler.attempts()).toBe(5);
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('a client-level retry number is the limit', async () => {
    const handler = sequence('get', '/api/channels', [status(503)]);
    const { transport } = makeTransport({ retry: 1 });
    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels' }),
    )) as WhatsAppSdkError;
    expect(error.retryCount).toBe(1);
    expect(handler.attempts()).toBe(2);
  });
});

describe('backoff', () => {
  it('doubles at each retry and is capped by maxDelayMs', async () => {
    sequence('get', '/api/channels', [status(500)]);
    const { transport, delays } = makeTransport({
      retry: { limit: 6, baseDelayMs: 100, maxDelayMs: 500, jitter: false },
    });

    await expect(transport.send({ method: 'GET', route: '/api/channels' })).rejects.toBeInstanceOf(
      ServerError,
    );

    expect(delays).toEqual([100, 200, 400, 500, 500, 500]);
  });

  it('jitter keeps each delay within [50 %, 100 %] of the exponential value', async () => {
    sequence('get', '/api/channels', [status(500)]);
    const randoms = [0, 0.999999, 0.5, 0.25];
    let i = 0;
    const { transport, delays } = makeTransport({
      retry: { limit: 4, baseDelayMs: 1000, maxDelayMs: 100_000, jitter: true },
      random: () => randoms[i++ % randoms.length]!,
    });

    await expect(transport.send({ method: 'GET', route: '/api/channels' })).rejects.toBeInstanceOf(
      ServerError,
    );

    // exponential values: 1000, 2000, 4000, 8000
    expect(delays).toEqual([500, 2000, 3000, 5000]);
    const exponential = [1000, 2000, 4000, 8000];
    delays.forEach((d, k) => {
      expect(d).toBeGreaterThanOrEqual(exponential[k]! * 0.5);
      expect(d).toBeLessThanOrEqual(exponential[k]!);
    });
  });

  it('jitter is on by default (random drives the delay)', async () => {
    sequence('get', '/api/channels', [status(500)]);
    const { transport, delays } = makeTransport({ retry: { limit: 1 }, random: () => 0 });
    await expect(transport.send({ method: 'GET', route: '/api/channels' })).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(delays).toEqual([150]); // default base 300 ms, at 50 %
  });
});

describe('Retry-After', () => {
  it('in seconds is waited exactly, without jitter', async () => {
    const handler = sequence('get', '/api/channels', [
      () => HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '2' } }),
      ok,
    ]);
    const { transport, delays } = makeTransport({ retry: { limit: 2 }, random: () => 0 });

    const result = await transport.send({ method: 'GET', route: '/api/channels' });

    expect(result.retryCount).toBe(1);
    expect(handler.attempts()).toBe(2);
    expect(delays).toEqual([2000]);
  });

  it('as an HTTP date about 3 s ahead waits about 3000 ms', async () => {
    const handler = sequence('get', '/api/channels', [
      () =>
        HttpResponse.json(
          {},
          { status: 503, headers: { 'Retry-After': new Date(Date.now() + 3_000).toUTCString() } },
        ),
      ok,
    ]);
    const { transport, delays } = makeTransport({ retry: { limit: 2 } });

    await transport.send({ method: 'GET', route: '/api/channels' });

    expect(handler.attempts()).toBe(2);
    expect(delays).toHaveLength(1);
    // HTTP dates have a one-second resolution, so the wait is in (2000, 3000].
    expect(delays[0]).toBeGreaterThan(1_900);
    expect(delays[0]).toBeLessThanOrEqual(3_000);
  });

  it('above maxRetryAfterMs is not waited: RateLimitError at once, carrying retryAfterMs', async () => {
    const handler = sequence('get', '/api/channels', [
      () =>
        HttpResponse.json(
          { success: false, error: 'slow down' },
          { status: 429, headers: { 'Retry-After': '120' } },
        ),
      ok,
    ]);
    const { transport, delays } = makeTransport({ retry: { limit: 2, maxRetryAfterMs: 60_000 } });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels' }),
    )) as RateLimitError;

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.retryCount).toBe(0);
    expect(handler.attempts()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('a 429 that outlives the retries still reports the last Retry-After', async () => {
    sequence('get', '/api/channels', [
      () => HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '1' } }),
    ]);
    const { transport, delays } = makeTransport({ retry: { limit: 2 } });

    const error = (await rejectionOf(
      transport.send({ method: 'GET', route: '/api/channels' }),
    )) as RateLimitError;

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(1000);
    expect(error.retryCount).toBe(2);
    expect(delays).toEqual([1000, 1000]);
  });
});
