/**
 * Content-type aware reading of response bodies: JSON, PNG, HTML, text or nothing at all.
 * @module
 */

/** A response body, classified by what it really is. @internal */
export type Body =
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'invalid-json'; text: string }
  | { kind: 'png'; bytes: Uint8Array }
  | { kind: 'html'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array; contentType: string }
  | { kind: 'empty' }
  | { kind: 'too-large'; limit: number }
  | { kind: 'too-deep'; limit: number; text: string };

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
/** One decoder for every body: `decode()` without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder();

/**
 * Deepest JSON nesting accepted. `JSON.parse` copes with any depth, but the parsed value is kept (a channel's
 * `raw`) and handed to the user's code, whose `JSON.stringify`, `structuredClone` or logger recurses: 100 000
 * levels overflow the stack there. No answer of either API nests beyond a handful of levels.
 * @internal
 */
export const MAX_JSON_DEPTH = 128;

/** Whether `text` nests arrays and objects deeper than `limit` (strings are skipped, escapes honoured). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function isPng(bytes: Uint8Array): boolean {
  return PNG_MAGIC.every((b, i) => bytes[i] === b);
}

/** The body was not read within the time left to its attempt. @internal */
export class BodyDeadlineError extends Error {
  constructor() {
    super('The body was not read in time');
    this.name = 'BodyDeadlineError';
  }
}

/**
 * Reads at most `maxBytes` of a body. A larger body is cancelled (not buffered) and reported as `too-large`,
 * so a 50 MB answer cannot exhaust memory. When `signal` aborts, the read is cancelled and rejects with its
 * reason: not every `fetch` ties the body stream to the request's signal (mocks and custom fetches may not).
 * After `deadlineMs` the read is cancelled and rejects with a {@link BodyDeadlineError} (a plain timer: an
 * AbortSignal per call would cost more than the read).
 */
async function readBytes(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
  deadlineMs?: number,
): Promise<Uint8Array | 'too-large'> {
  signal?.throwIfAborted();
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined); // not awaited: some stream sources never settle a cancel
    return 'too-large';
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  let late = false;
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          late = true;
          void reader.cancel().catch(() => undefined);
        }, deadlineMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader reports `done`: without these checks a cut-off read would pass for a whole body.
      signal?.throwIfAborted();
      if (late) throw new BodyDeadlineError();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        void reader.cancel().catch(() => undefined); // not awaited, as above
        return 'too-large';
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (timer !== undefined) clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** @internal */
export async function readBody(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
  deadlineMs?: number,
): Promise<Body> {
  const bytes = await readBytes(response, maxBytes, signal, deadlineMs);
  if (bytes === 'too-large') return { kind: 'too-large', limit: maxBytes };
  if (bytes.byteLength === 0) return { kind: 'empty' };
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();

  if (contentType.startsWith('image/png') || isPng(bytes)) return { kind: 'png', bytes };
  if (contentType.startsWith('image/') || contentType.startsWith('application/octet-stream')) {
    return { kind: 'binary', bytes, contentType };
  }
  const text = UTF8.decode(bytes);
  const trimmed = text.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (contentType.includes('json') || (looksJson && !contentType.includes('html'))) {
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { kind: 'too-deep', limit: MAX_JSON_DEPTH, text };
    try {
      return { kind: 'json', value: JSON.parse(text), text };
    } catch {
      return contentType.includes('json') || looksJson
        ? { kind: 'invalid-json', text }
        : { kind: 'text', text };
    }
  }
  if (contentType.includes('html') || trimmed.startsWith('<')) return { kind: 'html', text };
  return { kind: 'text', text };
}

/**
 * A one-line description of a body for error messages: its message, its HTML title, or its first characters.
 * `redact` runs before the text is cut to `max`: cutting first could leave half a secret that no longer
 * matches, and half a secret is still a leak.
 * @internal
 */
export function bodyExcerpt(
  body: Body,
  max = 200,
  redact: (text: string) => string = (text) => text,
): string | undefined {
  let text: string;
  switch (body.kind) {
    case 'empty':
      return undefined;
    case 'png':
      return `<PNG image, ${body.bytes.byteLength} bytes>`;
    case 'binary':
      return `<${body.contentType || 'binary'} body, ${body.bytes.byteLength} bytes>`;
    case 'too-large':
      return `<body larger than ${body.limit} bytes, not read>`;
    case 'too-deep':
      return `<JSON nested deeper than ${body.limit} levels, not parsed>`;
    case 'html': {
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body.text)?.[1];
      text = title ?? body.text.replace(/<[^>]*>/g, ' ');
      break;
    }
    default:
      text = body.text;
  }
  const oneLine = redact(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * The human message inside a JSON error body, trying the keys both APIs use
 * (`error`, `message`, `error_message`, `details`, `data.error`), as the PHP client does.
 * @internal
 */
export function messageOf(body: Body): string | undefined {
  if (body.kind !== 'json' || body.value === null || typeof body.value !== 'object') return undefined;
  const value = body.value as Record<string, unknown>;
  const data = value['data'];
  const candidates = [
    value['error'],
    value['message'],
    value['error_message'],
    value['details'],
    data && typeof data === 'object' ? (data as Record<string, unknown>)['error'] : undefined,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return undefined;
}
