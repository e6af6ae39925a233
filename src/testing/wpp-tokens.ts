/**
 * WPPConnect's tokens, faked without bcrypt but with the same observable rules.
 * @internal
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** bcrypt's base64 alphabet after the server's `/` → `_` rewrite (bcrypt never emits `+`). */
const ALPHABET = '._ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX = '$2b$10$';
const SALT_LENGTH = 22;
const HASH_LENGTH = 31;

function encode(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 63];
  return out;
}

function hash(salt: string, session: string, secretKey: string): string {
  return encode(createHash('sha256').update(`${salt}\u0000${session}${secretKey}`).digest(), HASH_LENGTH);
}

/**
 * Issues a token shaped like the real one: `$2b$10$` + 53 characters of `[A-Za-z0-9._]`. Each call draws a
 * new salt, so two calls give two different tokens and both stay valid; the hash binds the token to
 * `session + secretKey`, like `bcrypt.hash(session + secretKey, 10)` does.
 */
export function issueToken(session: string, secretKey: string): string {
  const salt = encode(randomBytes(SALT_LENGTH), SALT_LENGTH);
  return PREFIX + salt + hash(salt, session, secretKey);
}

/**
 * Checks a token the way `bcrypt.compare(session + secretKey, token)` would after the server's
 * `_` → `/` and `-` → `+` rewrite: a token verifies only for its own session name and only while the secret
 * key that issued it is unchanged. Tokens carry no expiry.
 */
export function verifyToken(session: string, secretKey: string, token: string): boolean {
  // The server turns `_` into `/` before comparing, so a client may send either; `-` becomes `+`, which
  // bcrypt never produces, so it can only fail.
  const canonical = token.replace(/\//g, '_');
  if (!canonical.startsWith(PREFIX) || /[+-]/.test(canonical)) return false;
  const body = canonical.slice(PREFIX.length);
  if (body.length !== SALT_LENGTH + HASH_LENGTH) return false;
  const salt = body.slice(0, SALT_LENGTH);
  return body.slice(SALT_LENGTH) === hash(salt, session, secretKey);
}
