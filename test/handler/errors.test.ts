import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../src/handler/index.js';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  NotFoundError,
  PropagationError,
  QrTimeoutError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/index.js';

describe('toHttpError', () => {
  it('maps each SDK error to its status and keeps its code', () => {
    const cases: Array<[unknown, number, string]> = [
      [new InvalidArgumentError('id', 'must not contain "/"'), 400, 'invalid_argument'],
      [new NotFoundError('No session "x"', { status: 404, existingId: 'X' }), 404, 'not_found'],
      [new TimeoutError('slow', { service: 'gateway' }), 504, 'timeout'],
      [new QrTimeoutError('no QR', { sessionId: 'x', waitedMs: 1 }), 504, 'qr_timeout'],
      [new RateLimitError('busy', { status: 429, retryAfterMs: 2_500 }), 503, 'rate_limited'],
      [new AuthenticationError('refused', { status: 401, source: 'application' }), 502, 'bad_secret'],
      [new ServerError('down', { status: 502, fromProxy: true }), 502, 'server_error'],
      [new ConnectionError('refused'), 502, 'connection_failed'],
      [
        new PropagationError('stuck', { sessionId: 'x', actions: [], likelyCause: 'restart it' }),
        502,
        'propagation_failed',
      ],
      [new AbortError(), 499, 'aborted'],
    ];
    for (const [error, status, code] of cases) {
      const mapped = toHttpError(error);
      expect(mapped.status, code).toBe(status);
      expect(mapped.body.error.code).toBe(code);
    }
    expect(toHttpError(cases[1]![0]).body.error.existingId).toBe('X');
    expect(toHttpError(cases[4]![0]).headers['retry-after']).toBe('3');
    expect(toHttpError(cases[8]![0]).body.error.likelyCause).toBe('restart it');
  });

  it('says nothing about an unknown error, and never returns the upstream body or route', () => {
    const unknown = toHttpError(new Error('db password is hunter2'));
    expect(unknown).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'Internal error' } },
      headers: {},
    });
    const upstream = toHttpError(
      new ServerError('WPPConnect failed', {
        status: 500,
        service: 'wppconnect',
        path: '/api/{session}/status-session',
        bodyExcerpt: 'stack trace at /srv/app',
      }),
    );
    const text = JSON.stringify(upstream.body);
    expect(text).not.toContain('stack trace');
    expect(upstream.body.error).toMatchObject({ service: 'wppconnect', upstreamStatus: 500 });
  });
});
