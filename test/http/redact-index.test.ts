/**
 * The redactor indexes a long plain secret only once a text as long as it comes, so a probe's short message
 * never builds the forms of every token of a fleet. What that relies on (such a secret has no form shorter
 * than itself) is checked over random secrets, and what it must keep: a secret in any form, as the whole text,
 * is still found after short texts were redacted first.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { formsOf, REDACTED, Redactor, shortestForm } from '../../src/http/redact.js';

/** Secrets of every kind: any Unicode, base64-like with spaces, encoded-looking, credentials. */
const secrets = fc.oneof(
  fc.string({ unit: 'binary', minLength: 4, maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(...'abcXYZ019+/=-_ .$é€😀'.split(/(?:)/u)),
    minLength: 4,
    maxLength: 70,
  }),
  fc.string({ unit: fc.constantFrom(...'aZ9%2F\\u0041&amp;#x2F;'.split('')), minLength: 4, maxLength: 40 }),
  fc
    .tuple(fc.constantFrom('Bearer ', 'basic  ', 'Token '), fc.string({ minLength: 4, maxLength: 60 }))
    .map(([scheme, token]) => `${scheme}${token.replace(/\s/g, 'x')}`),
);

it('a secret said to have no form shorter than N has none, over random secrets', () => {
  let deferred = 0;
  fc.assert(
    fc.property(secrets, (secret) => {
      const shortest = shortestForm(secret);
      if (shortest === 0) return;
      deferred++;
      const lengths = formsOf(secret).map((form) => form.length);
      expect(Math.min(...lengths)).toBeGreaterThanOrEqual(shortest);
    }),
    { numRuns: 3_000 },
  );
  expect(deferred).toBeGreaterThan(500); // the rule was exercised, not skipped
});

/** Tokens as WPPConnect issues them: bcrypt hashes, 60 characters. */
function bcryptLike(i: number): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let body = '';
  for (let n = 0; n < 53; n++) body += alphabet[(i * 7919 + n * 104_729 + n * n * 31) % alphabet.length];
  return `$2b$10$${body}`;
}

it('a token is found in every form, alone as the whole text, after short texts were redacted', () => {
  const tokens = Array.from({ length: 300 }, (_, i) => bcryptLike(i));
  const known = new Set<string>();
  const redactor = new Redactor(() => known);
  for (const token of tokens) known.add(token);
  expect(redactor.text('Connected')).toBe('Connected');
  for (const token of tokens.filter((_, i) => i % 37 === 0)) {
    const b64 = (prefix: string) => Buffer.from(prefix + token).toString('base64');
    const echoed = [
      token,
      encodeURIComponent(token),
      JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
      Buffer.from(token).toString('base64'),
      Buffer.from(token).toString('base64url'),
      b64('a'),
      b64('ab'),
    ];
    for (const text of echoed) {
      const out = redactor.text(text);
      expect(out).toContain(REDACTED);
      expect(out).not.toContain(token);
      expect(out).not.toContain(Buffer.from(token).toString('base64').slice(4, 40));
    }
  }
  // Secrets added after the index was built are found too, short texts first again.
  const late = bcryptLike(1_000);
  known.add(late);
  expect(redactor.text('Disconnected')).toBe('Disconnected');
  expect(redactor.text(late)).toBe(REDACTED);
});
