/**
 * Removes secrets from text before it can reach an error, a log line or a `cause`.
 *
 * The transport knows every secret it sends (the gateway secret header, WPPConnect's secret key in paths,
 * bearer tokens), so redaction happens when an error is *built*: nothing downstream ever sees the raw value
 * (the octokit/request-error approach).
 * @internal
 */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not searched for: redacting every "a" would destroy messages, not protect. */
const MIN_SECRET_LENGTH = 4;

/** A set of secret values and the ways they may appear in text (raw, URL-encoded). @internal */
export class Redactor {
  readonly #sources: Array<() => Iterable<string>>;

  constructor(...sources: Array<() => Iterable<string>>) {
    this.#sources = sources;
  }

  /** A redactor that also knows `extra` values (the headers of one request). */
  with(extra: Iterable<string>): Redactor {
    const values = [...extra];
    return new Redactor(...this.#sources, () => values);
  }

  #needles(): string[] {
    const needles = new Set<string>();
    for (const source of this.#sources) {
      for (const secret of source()) {
        if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
        // An `Authorization: Bearer <token>` value is known whole, but servers echo the bare token.
        const credential = /^(?:bearer|basic|token)\s+(\S{4,})$/i.exec(secret)?.[1];
        for (const value of credential ? [secret, credential] : [secret]) {
          needles.add(value);
          needles.add(encodeURIComponent(value));
          needles.add(JSON.stringify(value).slice(1, -1));
        }
      }
    }
    // Longest first, so a secret that contains another is removed whole.
    return [...needles].sort((a, b) => b.length - a.length);
  }

  /** Replaces every known secret in `text` with `[REDACTED]`. */
  text(text: string): string {
    let out = text;
    for (const needle of this.#needles()) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
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
