/**
 * Undoes every encoding a server or a proxy may have applied to text it echoes, so that redaction searches
 * for a secret in one form (decoded) instead of guessing every encoded one: PHP's `json_encode` writes `/` as
 * `\/` (and every base64 secret has a `/` or `+`), proxies write `%2f` in lower case, forms write a space as
 * `+`, templates write `&#x2F;` or `&sol;`, and some servers write every character as `\u00XX`. The error
 * excerpts are built from this decoded text, so what a person reads is what was searched.
 * @module
 */

/** Named HTML entities for the ASCII characters an escaper may encode (plus the usual five). */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  excl: '!',
  num: '#',
  dollar: '$',
  percnt: '%',
  lpar: '(',
  rpar: ')',
  ast: '*',
  midast: '*',
  plus: '+',
  comma: ',',
  period: '.',
  sol: '/',
  colon: ':',
  semi: ';',
  equals: '=',
  quest: '?',
  commat: '@',
  lsqb: '[',
  lbrack: '[',
  bsol: '\\',
  rsqb: ']',
  rbrack: ']',
  hat: '^',
  lowbar: '_',
  grave: '`',
  lcub: '{',
  lbrace: '{',
  verbar: '|',
  vert: '|',
  rcub: '}',
  rbrace: '}',
  tilde: '~',
  hyphen: '-',
  dash: '-',
};

const HTML_ENTITY = /&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});?/gi;
const JSON_ESCAPE = /\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g;
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;
/** Quick test: text without any of these characters has nothing to decode. */
const MAY_BE_ENCODED = /[%\\&]/;

const JSON_SIMPLE: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function codePoint(value: number): string | undefined {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : undefined;
}

function decodeEntities(text: string): string {
  return text.replace(HTML_ENTITY, (whole, name: string) => {
    if (name.startsWith('#')) {
      const value =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return codePoint(value) ?? whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function decodeJsonEscapes(text: string): string {
  return text.replace(JSON_ESCAPE, (_, sequence: string) =>
    sequence.length === 5
      ? String.fromCharCode(Number.parseInt(sequence.slice(1), 16))
      : JSON_SIMPLE[sequence]!,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function decodePercent(text: string): string {
  return text.replace(PERCENT_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return utf8.decode(bytes);
  });
}

/**
 * Rounds of decoding before giving up. Each round undoes one layer of every encoding at once (mixed forms
 * decode together); a body encoded more than this many times over is not something a server does by accident.
 */
const MAX_ROUNDS = 8;

/**
 * Decodes JSON escapes, `\uXXXX`, `%xx` (either case) and HTML entities, repeatedly, until nothing changes.
 * `+` is left alone: it is a plus as often as a space; the redactor searches for the `+` form of a secret
 * that has spaces instead.
 * @internal
 */
export function decodeEchoed(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_ROUNDS && MAY_BE_ENCODED.test(current); round++) {
    const next = decodePercent(decodeJsonEscapes(decodeEntities(current)));
    if (next === current) break;
    current = next;
  }
  return current;
}

/** C0 and C1 control characters except tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Shows control characters as `\xNN`: decoding can turn `%1b` into a real ESC, and an error message must not
 * clear a terminal or retitle it when someone logs it.
 * @internal
 */
export function showControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
