import { InvalidArgumentError } from '../errors.js';

/**
 * Shortest secret a client accepts from its caller. Below this a secret cannot be redacted from errors and
 * logs without blanking ordinary words out of every message, and it is guessable anyway.
 * @internal
 */
export const MIN_CONFIGURED_SECRET_LENGTH = 8;

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
  // A bare trailing `?` or `#` leaves `search` and `hash` empty, yet every route appended to the URL would land
  // in the query or the fragment: look at the text, not only the parsed URL.
  if (url.search || url.hash || /[?#]/.test(value))
    throw new InvalidArgumentError(argument, 'must not contain a query or a fragment (nor a bare ? or #)');
  return url.toString().replace(/\/+$/, '');
}

/** Where a secret travels, which decides the characters it may hold. @internal */
export type SecretCarrier = 'header' | 'path';

/**
 * Checks a secret option, without ever echoing it (nor any of its characters, nor where they are).
 *
 * - Shorter than {@link MIN_CONFIGURED_SECRET_LENGTH}: refused, because it could not be redacted from errors
 *   and logs without blanking ordinary words, and is guessable anyway.
 * - Blank, or with whitespace at either end: refused, because fetch trims header values, so the secret sent
 *   would not be the one configured (a stray newline from a file is the usual cause).
 * - `header`: only printable ASCII (and inner spaces), since that is what an HTTP header carries everywhere;
 *   otherwise every call fails as "could not reach" and undici's message names the bad character.
 * - `path`: no control characters, and not `.` or `..`, which a URL resolves as a dot-segment.
 * @internal
 */
export function assertSecret(value: unknown, argument: string, carrier: SecretCarrier = 'header'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(argument, 'is required (a non-empty string)');
  }
  if (value.trim() === '') throw new InvalidArgumentError(argument, 'must not be blank');
  if (/[\r\n]/.test(value)) throw new InvalidArgumentError(argument, 'must not contain line breaks');
  if (value.trim() !== value) {
    throw new InvalidArgumentError(
      argument,
      'must not start or end with whitespace (it would be trimmed when sent; check the file or variable it came from)',
    );
  }
  if (value === '.' || value === '..') {
    throw new InvalidArgumentError(argument, 'must not be "." or "..", which a URL path resolves away');
  }
  if (value.length < MIN_CONFIGURED_SECRET_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `is too short to be kept out of errors and logs (at least ${MIN_CONFIGURED_SECRET_LENGTH} characters)`,
    );
  }
  if (carrier === 'header' && !/^[\x20-\x7e]+$/.test(value)) {
    throw new InvalidArgumentError(
      argument,
      'contains a character an HTTP header cannot carry (use printable ASCII only)',
    );
  }
  if (carrier === 'path' && /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new InvalidArgumentError(argument, 'must not contain control characters');
  }
  return value;
}

/** Longest timer Node can hold (2^31 − 1 ms, about 24.8 days); a longer one fires at once. @internal */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Checks a timeout in milliseconds: a finite number above zero that a timer can hold. @internal */
export function assertTimeoutMs(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(
      argument,
      `must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS} (got ${describe(value)})`,
    );
  }
  return value;
}

/**
 * Most retries a call may ask for. More is never what anyone means: at the 8 s backoff cap, 20 retries already
 * keep a call going for minutes.
 * @internal
 */
export const MAX_RETRIES = 20;

/** Checks a retry count: an integer from 0 to {@link MAX_RETRIES}. @internal */
export function assertRetryCount(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RETRIES) {
    throw new InvalidArgumentError(
      argument,
      `must be an integer from 0 to ${MAX_RETRIES} (got ${describe(value)})`,
    );
  }
  return value;
}

/** Checks a non-negative, finite number of milliseconds (a delay). @internal */
export function assertDelayMs(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(
      argument,
      `must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS} (got ${describe(value)})`,
    );
  }
  return value;
}

/** Checks a positive integer (a size or a count). @internal */
export function assertPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(argument, `must be a positive integer (got ${describe(value)})`);
  }
  return value;
}

/** A value shown in an error about a number option: numbers as they are, anything else by its type only. */
function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : `a ${typeof value}`;
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
