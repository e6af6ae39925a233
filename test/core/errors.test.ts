/** The error hierarchy: names, codes, defaults, message context and `toJSON()`. */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  NotFoundError,
  PropagationError,
  QrTimeoutError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  SessionNotStartedError,
  TimeoutError,
  WhatsAppSdkError,
} from '../../src/errors.js';

const ctx = { service: 'gateway', method: 'GET', path: '/api/channels/{id}' } as const;

describe('names, codes and ancestry', () => {
  const cases: Array<[WhatsAppSdkError, string, string, Array<abstract new (...args: never[]) => unknown>]> =
    [
      [new ApiError('x', { ...ctx, status: 400 }), 'ApiError', 'api_error', [WhatsAppSdkError]],
      [
        new AuthenticationError('x', { ...ctx, status: 401, source: 'proxy' }),
        'AuthenticationError',
        'proxy_auth',
        [ApiError, WhatsAppSdkError],
      ],
      [
        new AuthenticationError('x', { ...ctx, status: 401, source: 'application' }),
        'AuthenticationError',
        'bad_secret',
        [ApiError],
      ],
      [new NotFoundError('x', { ...ctx, status: 404 }), 'NotFoundError', 'not_found', [ApiError]],
      [
        new NotFoundError('x', { ...ctx, status: 404, code: 'session_not_active' }),
        'NotFoundError',
        'session_not_active',
        [ApiError],
      ],
      [
        new SessionNotStartedError('x', { ...ctx, status: 500 }),
        'SessionNotStartedError',
        'session_not_started',
        [ApiError],
      ],
      [new RateLimitError('x', { ...ctx, status: 429 }), 'RateLimitError', 'rate_limited', [ApiError]],
      [new ServerError('x', { ...ctx, status: 502 }), 'ServerError', 'server_error', [ApiError]],
      [new ConnectionError('x', ctx), 'ConnectionError', 'connection_failed', [WhatsAppSdkError]],
      [new TimeoutError('x', ctx), 'TimeoutError', 'timeout', [ConnectionError, WhatsAppSdkError]],
      [new AbortError(), 'AbortError', 'aborted', [WhatsAppSdkError]],
      [new ResponseValidationError('x'), 'ResponseValidationError', 'invalid_response', [WhatsAppSdkError]],
      [
        new InvalidArgumentError('sessionId', 'bad'),
        'InvalidArgumentError',
        'invalid_argument',
        [WhatsAppSdkError],
      ],
      [
        new PropagationError('x', { sessionId: 's', actions: [] }),
        'PropagationError',
        'propagation_failed',
        [WhatsAppSdkError],
      ],
      [
        new QrTimeoutError('x', { sessionId: 's', waitedMs: 1 }),
        'QrTimeoutError',
        'qr_timeout',
        [WhatsAppSdkError],
      ],
    ];

  it.each(cases)('%s', (error, name, code, ancestors) => {
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(Error);
    for (const ancestor of ancestors) expect(error).toBeInstanceOf(ancestor);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
    expect(error.stack).toMatch(new RegExp(`^${name}: `));
    expect(error.toJSON()['name']).toBe(name);
    expect(error.toJSON()['code']).toBe(code);
  });

  it('siblings are not mistaken for each other', () => {
    expect(new ServerError('x', { status: 500 })).not.toBeInstanceOf(NotFoundError);
    expect(new ConnectionError('x')).not.toBeInstanceOf(ApiError);
    expect(new AbortError()).not.toBeInstanceOf(ConnectionError);
    expect(new TimeoutError('x')).not.toBeInstanceOf(AbortError);
  });
});

describe('message and fields', () => {
  it('appends the request context to the message', () => {
    const error = new ServerError('The gateway failed', { ...ctx, status: 502, retryCount: 2 });
    expect(error.message).toBe(
      'The gateway failed (gateway, GET /api/channels/{id}, HTTP 502, after 2 retries)',
    );
    expect(new ServerError('x', { ...ctx, status: 500, retryCount: 1 }).message).toContain('after 1 retry)');
  });

  it('leaves out the HTTP part when no answer arrived, and everything for sdk errors', () => {
    expect(new ConnectionError('Could not reach the gateway', ctx).message).toBe(
      'Could not reach the gateway (gateway, GET /api/channels/{id})',
    );
    expect(new InvalidArgumentError('sessionId', 'must not be empty').message).toBe(
      'Invalid sessionId: must not be empty',
    );
  });

  it('has safe defaults', () => {
    const error = new WhatsAppSdkError('x');
    expect(error.service).toBe('sdk');
    expect(error.retryCount).toBe(0);
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeUndefined();
    expect(new ConnectionError('x').status).toBe(0);
    expect(new TimeoutError('x').status).toBe(0);
    expect(new ServerError('x', { status: 500 }).fromProxy).toBe(false);
    expect(new ResponseValidationError('x').issues).toEqual([]);
    expect(new AbortError().message).toBe('The operation was aborted');
  });

  it('keeps the cause (not in toJSON)', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ConnectionError('x', { ...ctx, cause });
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).not.toHaveProperty('cause');
  });
});

describe('toJSON', () => {
  it('holds every public field, and JSON.stringify uses it', () => {
    const error = new NotFoundError('Not here', {
      ...ctx,
      status: 404,
      requestId: 'req-1',
      bodyExcerpt: '{"success":false}',
      retryCount: 0,
      existingId: 'FrontDesk',
    });
    const json = {
      name: 'NotFoundError',
      code: 'not_found',
      message: 'Not here (gateway, GET /api/channels/{id}, HTTP 404)',
      service: 'gateway',
      method: 'GET',
      path: '/api/channels/{id}',
      status: 404,
      requestId: 'req-1',
      bodyExcerpt: '{"success":false}',
      retryCount: 0,
      existingId: 'FrontDesk',
    };
    expect(error.toJSON()).toEqual(json);
    expect(JSON.parse(JSON.stringify(error))).toEqual(json);
  });

  it.each([
    [new AuthenticationError('x', { status: 401, source: 'proxy' }), { source: 'proxy' }],
    [new ServerError('x', { status: 502, fromProxy: true }), { fromProxy: true }],
    [
      new ResponseValidationError('x', { issues: [{ path: 'a.0', message: 'expected string' }] }),
      { issues: [{ path: 'a.0', message: 'expected string' }] },
    ],
    [new InvalidArgumentError('options.baseUrl', 'bad'), { argument: 'options.baseUrl' }],
    [
      new PropagationError('x', {
        sessionId: 'frontdesk',
        actions: [{ step: 'gateway.createChannel', outcome: 'ok', at: new Date(0) }],
        likelyCause: 'stuck browser',
      }),
      {
        sessionId: 'frontdesk',
        actions: [{ step: 'gateway.createChannel', outcome: 'ok', at: new Date(0) }],
        likelyCause: 'stuck browser',
      },
    ],
    [
      new QrTimeoutError('x', { sessionId: 'frontdesk', waitedMs: 30_000, lastStatus: 'INITIALIZING' }),
      { sessionId: 'frontdesk', waitedMs: 30_000, lastStatus: 'INITIALIZING' },
    ],
  ])('%s adds its own fields', (error, extra) => {
    expect(error.toJSON()).toMatchObject(extra);
  });

  it('RateLimitError keeps retryAfterMs on the instance', () => {
    expect(new RateLimitError('x', { status: 429, retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
    expect(new RateLimitError('x', { status: 429 }).retryAfterMs).toBeUndefined();
  });
});
