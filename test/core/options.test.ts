/** `assertBaseUrl`: absolute http(s), no credentials, no query; and the error never echoes a secret. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { assertBaseUrl } from '../../src/internal/options.js';

function rejection(value: unknown): InvalidArgumentError {
  try {
    assertBaseUrl(value, 'options.baseUrl');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error(`expected ${String(value)} to be rejected`);
}

describe('assertBaseUrl', () => {
  it.each([
    ['https://gateway.example:8443', 'https://gateway.example:8443'],
    ['https://gateway.example:8443/', 'https://gateway.example:8443'],
    ['http://localhost:21465', 'http://localhost:21465'],
    ['https://gateway.example/wpp///', 'https://gateway.example/wpp'],
  ])('accepts %s as %s', (input, expected) => {
    expect(assertBaseUrl(input, 'options.baseUrl')).toBe(expected);
  });

  it.each([
    ['missing', undefined, /expected an absolute http\(s\) URL/],
    ['empty', '', /expected an absolute http\(s\) URL/],
    ['blank', '   ', /expected an absolute http\(s\) URL/],
    ['a number', 8443, /expected an absolute http\(s\) URL/],
    ['not a URL', 'gateway.example', /is not a valid URL/],
    ['a relative path', '/api', /is not a valid URL/],
    ['ftp', 'ftp://gateway.example', /must use http or https, not ftp/],
    ['file', 'file:///etc/passwd', /must use http or https, not file/],
    ['a query', 'https://gateway.example/?token=abc', /must not contain a query or a fragment/],
    ['a fragment', 'https://gateway.example/#x', /must not contain a query or a fragment/],
  ])('rejects %s', (_, value, rule) => {
    const error = rejection(value);
    expect(error.argument).toBe('options.baseUrl');
    expect(error.message).toMatch(/^Invalid options\.baseUrl: /);
    expect(error.message).toMatch(rule);
  });

  it.each(['https://admin:Sup3rS3cretPass@gateway.example', 'https://Sup3rS3cretPass@gateway.example'])(
    'rejects credentials in %s without echoing them',
    (value) => {
      const error = rejection(value);
      expect(error.message).toMatch(/must not contain credentials/);
      expect(error.message).not.toContain('Sup3rS3cretPass');
      expect(JSON.stringify(error)).not.toContain('Sup3rS3cretPass');
    },
  );

  it('never echoes a rejected URL (it may hold a token in its query)', () => {
    const error = rejection('https://gateway.example/?token=Tok3nValue99');
    expect(error.message).not.toContain('Tok3nValue99');
  });
});
