import { InvalidArgumentError } from './errors.js';

/** Longest session id accepted; WPPConnect uses the id as a directory name and a URL path segment. */
export const MAX_SESSION_ID_LENGTH = 100;

/**
 * Checks a session (channel) id before it is put in a URL path, and returns it unchanged.
 *
 * Session ids are case-sensitive (`Sales` and `sales` are two sessions) and travel in URL paths of
 * both APIs, so the rule is strict:
 * - a non-empty string of at most 100 printable ASCII characters, without leading or trailing spaces;
 * - no `/` or `\` (path separators), no `..` and not `.` alone (URL dot-segments), no `%` (an encoded
 *   separator such as `%2F` is decoded by some proxies), no `?` or `#`;
 * - no `:` (WPPConnect reads `name:token` in a path segment as credentials);
 * - nothing outside ASCII: Unicode look-alikes (Cyrillic `ѕ`, fullwidth `／`) would name a different session
 *   that looks the same in a log.
 *
 * @param value - The id to check.
 * @param argument - Name used in the error, e.g. `sessionId`.
 * @returns The id, typed as a string.
 * @throws {@link InvalidArgumentError} naming the argument and the rule it broke.
 *
 * @example
 * ```ts
 * assertSessionId('sales');  // 'sales'
 * assertSessionId('../x');       // throws InvalidArgumentError: Invalid sessionId: must not contain '/' …
 * ```
 */
export function assertSessionId(value: unknown, argument = 'sessionId'): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(
      argument,
      `expected a string, got ${value === null ? 'null' : typeof value}`,
    );
  }
  if (value.length === 0) throw new InvalidArgumentError(argument, 'must not be empty');
  if (value.length > MAX_SESSION_ID_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `must be at most ${MAX_SESSION_ID_LENGTH} characters (got ${value.length})`,
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError(argument, 'must not contain control characters');
  }
  if (/[^\u0020-\u007e]/.test(value)) {
    throw new InvalidArgumentError(
      argument,
      'must contain only printable ASCII characters (non-ASCII look-alikes would name another session)',
    );
  }
  if (value.trim() !== value) throw new InvalidArgumentError(argument, 'must not start or end with a space');
  const forbidden = ['/', '\\', ':', '%', '?', '#'].find((c) => value.includes(c));
  if (forbidden !== undefined) {
    const why = forbidden === ':' ? " (WPPConnect reads 'name:token' in paths)" : '';
    throw new InvalidArgumentError(argument, `must not contain '${forbidden}'${why}`);
  }
  if (value.includes('..')) throw new InvalidArgumentError(argument, "must not contain '..'");
  // A path segment that is only `.` is removed by every URL parser: `/api/channels/.` becomes `/api/channels/`
  // (the list), and `/api/./<secretkey>/generate-token` moves the secret key into the session's place.
  if (value === '.') throw new InvalidArgumentError(argument, "must not be '.' (a URL dot-segment)");
  return value;
}

/**
 * Finds an id that differs from `wanted` only by letter case, to explain a miss ("did you mean `Sales`?").
 * @internal
 */
export function findCaseOnlyMatch(wanted: string, existing: Iterable<string>): string | undefined {
  const lower = wanted.toLowerCase();
  for (const id of existing) if (id !== wanted && id.toLowerCase() === lower) return id;
  return undefined;
}
