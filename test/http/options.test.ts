/**
 * Options and credentials are checked at construction, with an InvalidArgumentError naming the option and never
 * echoing a secret. Before: `timeoutMs` NaN/Infinity/'5000' silently disabled the timeout, `retry` 1e9 was
 * accepted, a base URL ending in a bare `?` or `#` moved every route into the query, a key `.`/`..` became a
 * dot-segment, a secret a header cannot carry failed every call as "could not reach", padded secrets were sent
 * trimmed, secrets under 4 characters were never redacted, and 100k-deep JSON in `raw` made JSON.stringify throw.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ResponseValidationError,
  SessionManager,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../../src/index.js';
import { noSleep, useMsw } from '../helpers/harness.js';
import { rejectionOf } from './helpers.js';

const server = useMsw();
const GATEWAY = 'http://gateway.test';
const WPP = 'http://wpp.test:21465';
const SECRET = 'gateway-secret-for-tests';

function thrownBy(make: () => unknown): InvalidArgumentError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected InvalidArgumentError, nothing was thrown');
}

const gateway = (options: Record<string, unknown>) =>
  new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, ...options } as never);
const wpp = (options: Record<string, unknown>) =>
  new WppConnectClient({ baseUrl: WPP, secretKey: 'wpp-secret-key', ...options } as never);

describe('number options', () => {
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['timeoutMs NaN', { timeoutMs: Number.NaN }, 'options.timeoutMs'],
    ['timeoutMs Infinity', { timeoutMs: Number.POSITIVE_INFINITY }, 'options.timeoutMs'],
    ['timeoutMs as a string', { timeoutMs: '5000' }, 'options.timeoutMs'],
    ['timeoutMs 0', { timeoutMs: 0 }, 'options.timeoutMs'],
    ['timeoutMs negative', { timeoutMs: -1 }, 'options.timeoutMs'],
    ['timeoutMs beyond a timer', { timeoutMs: 2 ** 31 }, 'options.timeoutMs'],
    ['retry 1e9', { retry: 1e9 }, 'options.retry'],
    ['retry Infinity', { retry: Number.POSITIVE_INFINITY }, 'options.retry'],
    ['retry 1.5', { retry: 1.5 }, 'options.retry'],
    ['retry -1', { retry: -1 }, 'options.retry'],
    ['retry.limit 1e9', { retry: { limit: 1e9 } }, 'options.retry.limit'],
    ['retry.baseDelayMs NaN', { retry: { baseDelayMs: Number.NaN } }, 'options.retry.baseDelayMs'],
    [
      'retry.maxDelayMs Infinity',
      { retry: { maxDelayMs: Number.POSITIVE_INFINITY } },
      'options.retry.maxDelayMs',
    ],
    ['retry.maxRetryAfterMs -5', { retry: { maxRetryAfterMs: -5 } }, 'options.retry.maxRetryAfterMs'],
    ['retry as a string', { retry: '3' }, 'options.retry'],
    ['maxBodyBytes 0', { maxBodyBytes: 0 }, 'options.maxBodyBytes'],
    ['maxBodyBytes NaN', { maxBodyBytes: Number.NaN }, 'options.maxBodyBytes'],
    ['fetch not a function', { fetch: 'fetch' }, 'options.fetch'],
  ];
  it.each(bad)('%s is refused, naming the option', (_, options, argument) => {
    expect(thrownBy(() => gateway(options)).argument).toBe(argument);
    expect(thrownBy(() => wpp(options)).argument).toBe(argument);
  });

  it('sane values are accepted', () => {
    expect(() =>
      gateway({ timeoutMs: 30_000, retry: { limit: 5, baseDelayMs: 0 }, maxBodyBytes: 1024 }),
    ).not.toThrow();
    expect(() => wpp({ timeoutMs: 1, retry: 0 })).not.toThrow();
  });

  it('per-call timeoutMs and maxRetries are checked before any request', async () => {
    const client = gateway({ sleep: noSleep });
    // No MSW handler: a request would fail the test with "unhandled request".
    for (const call of [
      { timeoutMs: Number.NaN },
      { timeoutMs: Number.POSITIVE_INFINITY },
      { maxRetries: 1e9 },
    ]) {
      const error = await rejectionOf(client.listChannels(call as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('pollIntervalsMs [0] (a tight loop) is refused; a leading 0 is fine', () => {
    const client = gateway({});
    expect(thrownBy(() => new SessionManager({ gateway: client, pollIntervalsMs: [0] })).argument).toBe(
      'options.pollIntervalsMs',
    );
    expect(thrownBy(() => new SessionManager({ gateway: client, pollIntervalsMs: [100, 1] })).argument).toBe(
      'options.pollIntervalsMs',
    );
    expect(() => new SessionManager({ gateway: client, pollIntervalsMs: [0, 500] })).not.toThrow();
  });
});

describe('base URLs', () => {
  it.each([
    'http://gateway.test/?',
    'http://gateway.test/#',
    'http://gateway.test?',
    'http://gateway.test/api#x',
  ])('%s is refused', (baseUrl) => {
    expect(thrownBy(() => gateway({ baseUrl })).argument).toBe('options.baseUrl');
    expect(thrownBy(() => wpp({ baseUrl })).argument).toBe('options.baseUrl');
  });
});

describe('secrets', () => {
  const refused: Array<[string, string]> = [
    ['too short to redact', 'abc'],
    ['seven characters', 'abcdefg'],
    ['whitespace only', '          '],
    ['padded with a space', ' gateway-secret-x'],
    ['padded with a tab', 'gateway-secret-x\t'],
    ['a trailing newline', 'gateway-secret-x\n'],
  ];
  it.each(refused)('a secret %s is refused, naming the option and never echoing it', (_, secret) => {
    const g = thrownBy(() => gateway({ secret }));
    expect(g.argument).toBe('options.secret');
    const w = thrownBy(() => wpp({ secretKey: secret }));
    expect(w.argument).toBe('options.secretKey');
    for (const error of [g, w]) {
      if (secret.trim().length > 2) expect(JSON.stringify(error)).not.toContain(secret.trim());
    }
  });

  it.each([
    ['an accented letter', 'segredo-de-acesso-é'],
    ['a NUL', 'gateway\u0000secret'],
    ['an emoji', 'gateway-secret-🔑'],
    ['DEL', 'gateway-secret\u007f'],
  ])(
    'a gateway secret with %s (a header cannot carry it) is refused without naming the character',
    (_, secret) => {
      const error = thrownBy(() => gateway({ secret }));
      expect(error.argument).toBe('options.secret');
      expect(error.message).toMatch(/header/);
      expect(error.message).not.toMatch(/é|🔑|\\u0000|position/);
    },
  );

  it('a WPPConnect key may hold any printable character (it is URL-encoded) but not . or .. nor controls', () => {
    expect(() => wpp({ secretKey: 'chave secreta é/ok' })).not.toThrow();
    expect(thrownBy(() => wpp({ secretKey: '.' })).argument).toBe('options.secretKey');
    expect(thrownBy(() => wpp({ secretKey: '..' })).argument).toBe('options.secretKey');
    expect(thrownBy(() => wpp({ secretKey: 'key-with-\u001b-escape' })).argument).toBe('options.secretKey');
  });

  it('a webhook secret follows the header rules (the gateway sends it back as X-Gateway-Secret)', async () => {
    const client = gateway({ sleep: noSleep });
    const error = await rejectionOf(
      client.setGlobalWebhook({ url: 'https://hooks.example/wpp', secret: 'short' }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('target.secret');
  });
});

describe('deep JSON', () => {
  it('100 000 levels become a ResponseValidationError, not a raw that JSON.stringify cannot handle', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    server.use(
      http.get(
        `${GATEWAY}/api/channels/sales`,
        () =>
          new HttpResponse(`{"success":true,"channel":{"id":"sales","extra":${deep}}}`, {
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    );
    const error = await rejectionOf(gateway({ sleep: noSleep }).getChannel('sales'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/nested deeper than 128 levels/);
    expect(() => JSON.stringify(error)).not.toThrow();
  });

  it('ordinary nesting (and brackets inside strings) is read as before', async () => {
    server.use(
      http.get(`${GATEWAY}/api/channels/sales`, () =>
        HttpResponse.json({
          success: true,
          channel: {
            id: 'sales',
            status: 'connected',
            note: '[[[[{{{{'.repeat(100),
            a: { b: { c: [[[1]]] } },
          },
        }),
      ),
    );
    const channel = await gateway({ sleep: noSleep }).getChannel('sales');
    expect(channel.status).toBe('connected');
    expect(() => JSON.stringify(channel)).not.toThrow();
  });
});
