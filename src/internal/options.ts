import { InvalidArgumentError } from '../errors.js';

/** Checks a base URL option: absolute http(s), no credentials (they would end up in logs). @internal */
export function assertBaseUrl(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(
      argument,
      'expected an absolute http(s) URL such as https://gateway.example:8443',
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      argument,
      'is not a valid URL (expected e.g. https://gateway.example:8443)',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(argument, `must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError(
      argument,
      'must not contain credentials; pass secrets through their own options',
    );
  }
  if (url.search || url.hash)
    throw new InvalidArgumentError(argument, 'must not contain a query or a fragment');
  return url.toString().replace(/\/+$/, '');
}

/** Checks a secret option is a non-empty string, without ever echoing it. @internal */
export function assertSecret(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(argument, 'is required (a non-empty string)');
  }
  if (/[\r\n]/.test(value)) throw new InvalidArgumentError(argument, 'must not contain line breaks');
  return value;
}

/** Checks a non-empty string argument. @internal */
export function assertText(value: unknown, argument: string, maxLength = 65_536): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(argument, 'must be a non-empty string');
  }
  if (value.length > maxLength)
    throw new InvalidArgumentError(argument, `must be at most ${maxLength} characters`);
  return value;
}

/** Checks an http(s) URL argument (webhook targets). @internal */
export function assertHttpUrl(value: unknown, argument: string): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, 'must be an http(s) URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(argument, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(argument, 'must use http or https');
  }
  return value;
}
