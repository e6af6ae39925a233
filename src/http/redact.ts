/**
 * Removes secrets from text before it can reach an error, a log line or a `cause`.
 *
 * The transport knows every secret it sends (the gateway secret header, WPPConnect's secret key in paths,
 * bearer tokens), so redaction happens when an error is *built*: nothing downstream ever sees the raw value
 * (the octokit/request-error approach).
 *
 * Servers echo what they received in many encodings (`\/`, `%2f`, `&#x2F;`, `\u0041`, `+` for a space,
 * base64). Rather than guess every encoded form of each secret, the text is decoded first ({@link decodeEchoed})
 * and searched for the secret's few plain forms: what comes out is the decoded text, redacted.
 * @module
 */
import { decodeEchoed, showControls } from './decode.js';

/** What a secret is replaced with. @internal */
export const REDACTED = '[REDACTED]';

/**
 * Secrets shorter than this are not searched for: redacting every "a" would destroy messages, not protect.
 * Secrets a caller configures must be longer still (`MIN_CONFIGURED_SECRET_LENGTH`, refused at construction);
 * this floor is for tokens a server issues.
 */
const MIN_SECRET_LENGTH = 4;

/** From this length on a plain secret has no form shorter than itself (see `shortestForm`). */
const LONG_SECRET = 16;
/** An `Authorization` value: its bare token is a form shorter than the whole. */
const CREDENTIAL = /^(?:bearer|basic|token)\s+(\S{4,})$/i;

/** Fewest base64 characters searched for: shorter runs occur by chance in any base64 text (a QR image). */
const MIN_BASE64_NEEDLE = 8;

/**
 * The base64 forms of a secret, standard and URL-safe. A secret inside a larger encoded value
 * (`Basic base64(user:secret)`) sits at any of three byte alignments; for each, only the characters that the
 * secret's own bytes decide are kept, so the needle matches whatever surrounds it.
 */
function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.set(bytes, shift);
    const encoded = Buffer.from(padded).toString('base64');
    const whole = Math.floor(padded.length / 3) * 4;
    const core = encoded.slice(shift === 0 ? 0 : 4, whole);
    if (core.length >= MIN_BASE64_NEEDLE) out.push(core);
    if (shift === 0) out.push(encoded, encoded.replace(/=+$/, ''));
  }
  return out.flatMap((form) => [form, form.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]);
}

/**
 * The forms a secret takes in text after {@link decodeEchoed}: raw, decoded (a secret that itself looks
 * encoded), with `+` for its spaces (form encoding), its base64; the bare token of a credential; and, for
 * text that is searched before decoding, its URL- and JSON-encoded forms.
 * @internal
 */
export function formsOf(secret: string): string[] {
  // An `Authorization: Bearer <token>` value is known whole, but servers echo the bare token.
  const credential = CREDENTIAL.exec(secret)?.[1];
  const values = credential ? [secret, credential] : [secret];
  return values.flatMap((value) => {
    const forms = [value, decodeEchoed(value), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    if (value.includes(' ')) forms.push(value.replace(/ /g, '+'));
    if (value.length >= MIN_BASE64_NEEDLE - 2) forms.push(...base64Forms(value));
    return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
  });
}

/**
 * The shortest a secret's forms can be, when that is cheap to know without building them: a secret of at least
 * `LONG_SECRET` characters with nothing to decode (no `%`, backslash or `&`) that is not a credential
 * (`Bearer …`) has no form shorter than itself. Its URL and JSON escapes only lengthen it, its `+` form keeps its
 * length, and its base64 forms hold at least (4 × bytes − 16) / 3 characters, which is at least its length from
 * 16 characters on (a UTF-8 byte count is never below the UTF-16 length). Any other secret: 0 (always indexed).
 * @internal
 */
export function shortestForm(secret: string): number {
  if (secret.length < LONG_SECRET || /[%\\&]/.test(secret) || CREDENTIAL.test(secret)) return 0;
  return secret.length;
}

/**
 * Needles grouped by length. Finding them in a text costs at most one lookup per window of the text for each
 * length, whatever the number of secrets: the WPPConnect client knows one token per session, and searching a
 * probe's short message for each of them, rebuilt and sorted on every call, made a 10,000-session listing
 * take minutes (docs/benchmarks.md).
 *
 * A secret none of whose forms can fit in the texts redacted so far is not indexed yet: it waits, grouped by
 * its length, until a text as long as it comes. The short messages of the success path (a probe's
 * `Connected`) never build the forms of the 60-character tokens of a fleet; an error's excerpt does.
 */
class NeedleIndex {
  readonly byLength = new Map<number, Set<string>>();
  /** Secrets not indexed yet, by the length of their shortest form. */
  readonly #waiting = new Map<number, string[]>();
  #shortestWaiting = Number.POSITIVE_INFINITY;

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    const shortest = shortestForm(secret);
    if (shortest === 0) {
      this.#index(secret);
      return;
    }
    const group = this.#waiting.get(shortest);
    if (group) group.push(secret);
    else this.#waiting.set(shortest, [secret]);
    if (shortest < this.#shortestWaiting) this.#shortestWaiting = shortest;
  }

  /** Indexes every waiting secret with a form that fits in `length` characters. */
  fit(length: number): this {
    if (length < this.#shortestWaiting) return this;
    let shortestLeft = Number.POSITIVE_INFINITY;
    for (const [shortest, secrets] of this.#waiting) {
      if (shortest <= length) {
        for (const secret of secrets) this.#index(secret);
        this.#waiting.delete(shortest);
      } else if (shortest < shortestLeft) shortestLeft = shortest;
    }
    this.#shortestWaiting = shortestLeft;
    return this;
  }

  #index(secret: string): void {
    for (const form of formsOf(secret)) {
      const bucket = this.byLength.get(form.length);
      if (bucket) bucket.add(form);
      else this.byLength.set(form.length, new Set([form]));
    }
  }
}

/** The number of values a Set or an array holds; `undefined` for other iterables (never cached). */
function countOf(values: Iterable<string>): number | undefined {
  if (values instanceof Set) return values.size;
  return Array.isArray(values) ? values.length : undefined;
}

/** The needles of `bucket` (all `length` long) that occur in `text`. */
function found(bucket: ReadonlySet<string>, length: number, text: string): string[] {
  const windows = text.length - length + 1;
  if (bucket.size <= windows) return [...bucket].filter((needle) => text.includes(needle));
  const hits = new Set<string>();
  for (let i = 0; i < windows; i++) {
    const window = text.slice(i, i + length);
    if (bucket.has(window)) hits.add(window);
  }
  return [...hits];
}

/** Replaces every needle of `indexes` found in `text` with `[REDACTED]`. */
function redactWith(indexes: readonly NeedleIndex[], text: string): string {
  for (const index of indexes) index.fit(text.length);
  // Longest first, so a secret that contains another is removed whole. Needles longer than the text
  // cannot occur in it, which rules out every token for the short messages of the success path.
  const lengths = [...new Set(indexes.flatMap((index) => [...index.byLength.keys()]))]
    .filter((length) => length <= text.length)
    .sort((a, b) => b - a);
  let out = text;
  for (const length of lengths) {
    if (length > out.length) continue;
    for (const index of indexes) {
      const bucket = index.byLength.get(length);
      if (!bucket) continue;
      for (const needle of found(bucket, length, out)) out = out.split(needle).join(REDACTED);
    }
  }
  return out;
}

/** A set of secret values and the ways they may appear in text (raw, URL-encoded). @internal */
export class Redactor {
  readonly #sources: Array<() => Iterable<string>>;
  /** The redactor this one extends ({@link Redactor.with}); its index is kept, not copied. */
  #base: Redactor | undefined;
  #index = new NeedleIndex();
  /** What each source returned when last indexed, and how many of its values are in the index. */
  #indexed: Array<{ from: Iterable<string>; count: number }> = [];

  /**
   * @param sources - Functions returning the secrets, read at each redaction. A source may return the same Set
   *   or array every time, growing it (the clients' token and webhook-secret sets do): only the new values are
   *   indexed then. Removing a value from such a collection is not supported (it would stay redacted, and a
   *   value added in its place could be missed); return a new collection instead.
   */
  constructor(...sources: Array<() => Iterable<string>>) {
    this.#sources = sources;
  }

  /** A redactor that also knows `extra` values (the headers of one request). */
  with(extra: Iterable<string>): Redactor {
    const values = [...extra];
    const redactor = new Redactor(() => values);
    redactor.#base = this;
    return redactor;
  }

  /** Brings the index up to date with the sources, indexing only what they added since last time. */
  #refresh(): NeedleIndex {
    const current = this.#sources.map((source) => source());
    const onlyGrew = current.every((from, i) => {
      const before = this.#indexed[i];
      const count = countOf(from);
      return before !== undefined && before.from === from && count !== undefined && count >= before.count;
    });
    if (!onlyGrew) {
      this.#index = new NeedleIndex();
      this.#indexed = current.map((from) => ({ from, count: 0 }));
    }
    current.forEach((from, i) => {
      const entry = this.#indexed[i]!;
      if (countOf(from) === entry.count) return;
      let position = 0;
      for (const secret of from) {
        if (position++ >= entry.count && typeof secret === 'string') this.#index.add(secret);
      }
      entry.count = position;
    });
    return this.#index;
  }

  /**
   * Replaces every known secret in `text`, in any encoding a server may have applied, with `[REDACTED]`.
   * Returns the decoded text (so an excerpt reads as plain text), with control characters shown as `\xNN`.
   */
  text(text: string): string {
    const indexes: NeedleIndex[] = [];
    for (let redactor: Redactor | undefined = this; redactor; redactor = redactor.#base) {
      indexes.push(redactor.#refresh());
    }
    // The raw text first: a secret that itself contains `%41` or `&amp;` would no longer match once decoded.
    const raw = redactWith(indexes, text);
    const decoded = decodeEchoed(raw);
    return showControls(decoded === raw ? raw : redactWith(indexes, decoded));
  }

  /** Redacts every string inside a JSON-like value (for log fields). Depth-limited, cycle-safe. */
  deep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 6 || seen.has(value)) return '[…]';
    seen.add(value);
    if (value instanceof Error) return this.text(`${value.name}: ${value.message}`);
    if (value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = isSensitiveKey(key) ? REDACTED : this.deep(v, depth + 1, seen);
    }
    return out;
  }

  /**
   * Turns any thrown value into a plain `Error` whose name, message and code are redacted, keeping one level of
   * `cause` (e.g. undici's `fetch failed` → `ECONNREFUSED`). The original object, whose message or options may
   * hold a URL with a secret (ky's errors do), is dropped.
   */
  cause(error: unknown, depth = 0): Error {
    const source = error instanceof Error ? error : new Error(String(error));
    const nested =
      depth < 2 && source.cause !== undefined ? { cause: this.cause(source.cause, depth + 1) } : undefined;
    const clean = new Error(this.text(source.message), nested);
    clean.name = this.text(source.name);
    const code = (source as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(clean, { code: this.text(code) });
    return clean;
  }
}

/** Header or field names whose values are secrets whatever they contain. @internal */
export function isSensitiveKey(key: string): boolean {
  return /^(authorization|x-gateway-secret|secret|secretkey|secret_key|token|password|cookie|set-cookie)$/i.test(
    key,
  );
}
