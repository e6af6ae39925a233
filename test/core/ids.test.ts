/** Session ids (design §3.4): case-sensitive, used in URL paths, so the rule is strict and says what it is. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { assertSessionId, findCaseOnlyMatch, MAX_SESSION_ID_LENGTH } from '../../src/ids.js';

function rejection(value: unknown, argument?: string): InvalidArgumentError {
  try {
    assertSessionId(value, argument);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

describe('assertSessionId accepts', () => {
  it.each(['frontdesk', 'FrontDesk', 'Marketing Team', 'a-b_c.d', 'x', 'x'.repeat(MAX_SESSION_ID_LENGTH)])(
    '%j and returns it unchanged',
    (id) => {
      expect(assertSessionId(id)).toBe(id);
    },
  );
});

describe('assertSessionId rejects', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['empty', '', /must not be empty/],
    ['a leading space', ' x', /must not start or end with a space/],
    ['a trailing space', 'x ', /must not start or end with a space/],
    ['a traversal', '../x', /must not contain '\/'/],
    ['a bare ..', '..', /must not contain '\.\.'/],
    ['.. inside', 'a..b', /must not contain '\.\.'/],
    ['a slash', 'a/b', /must not contain '\/'/],
    ['a backslash', 'a\\b', /must not contain '\\'/],
    ['an encoded slash', '%2F', /must not contain '%'/],
    ['a colon (name:token)', 'a:b', /must not contain ':'.*name:token/],
    ['a question mark', 'a?b', /must not contain '\?'/],
    ['a hash', 'a#b', /must not contain '#'/],
    ['NUL', 'a\u0000b', /control characters/],
    ['BEL', '\u0007', /control characters/],
    ['DEL', 'a\u007fb', /control characters/],
    ['a newline', 'a\nb', /control characters/],
    ['101 characters', 'x'.repeat(101), /at most 100 characters \(got 101\)/],
    ['10 kB', 'y'.repeat(10_240), /at most 100 characters \(got 10240\)/],
    ['a Cyrillic look-alike', 'imobѕites', /printable ASCII/],
    ['a fullwidth slash', 'a／b', /printable ASCII/],
    ['an accented letter', 'sessão', /printable ASCII/],
  ];

  it.each(cases)('%s', (_, value, rule) => {
    const error = rejection(value);
    expect(error.argument).toBe('sessionId');
    expect(error.code).toBe('invalid_argument');
    expect(error.service).toBe('sdk');
    expect(error.message).toMatch(/^Invalid sessionId: /);
    expect(error.message).toMatch(rule);
    // The message never echoes a huge input.
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    [42, 'number'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ id: 'x' }, 'object'],
    [['x'], 'object'],
    [Symbol('x'), 'symbol'],
  ])('non-string %s', (value, type) => {
    const error = rejection(value);
    expect(error.argument).toBe('sessionId');
    expect(error.message).toContain(`expected a string, got ${type}`);
  });

  it('names the argument it was given', () => {
    expect(rejection('a/b', 'channelId').argument).toBe('channelId');
    expect(rejection('a/b', 'channelId').message).toMatch(/^Invalid channelId: /);
  });
});

describe('findCaseOnlyMatch', () => {
  it('finds the id that differs only by case', () => {
    expect(findCaseOnlyMatch('frontdesk', ['other', 'FrontDesk'])).toBe('FrontDesk');
    expect(findCaseOnlyMatch('FRONTDESK', new Set(['frontdesk']))).toBe('frontdesk');
  });

  it('is undefined when nothing matches, or only the exact id exists', () => {
    expect(findCaseOnlyMatch('frontdesk', ['pixel12', 'imob'])).toBeUndefined();
    expect(findCaseOnlyMatch('frontdesk', ['frontdesk'])).toBeUndefined();
    expect(findCaseOnlyMatch('frontdesk', [])).toBeUndefined();
  });

  it('accepts any iterable (a generator)', () => {
    function* ids() {
      yield 'a';
      yield 'PIXEL12';
    }
    expect(findCaseOnlyMatch('pixel12', ids())).toBe('PIXEL12');
  });
});
