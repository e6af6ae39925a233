/**
 * Reading a JSON request body: JSON only (415 otherwise), bounded in size (413), an object (400).
 * @module
 * @internal
 */

/** A request the handler refuses before doing anything. @internal */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

/** Reads at most `limit` bytes, so a huge body is refused without being buffered. */
async function readLimited(request: Request, limit: number): Promise<string | Refusal> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(limit: number): Refusal {
  return new Refusal(413, 'payload_too_large', `The body must be at most ${limit} bytes`);
}

/**
 * The body as a JSON object. An empty body reads as `{}` when `allowEmpty` (a reconnect needs no options).
 * @internal
 */
export async function readJsonObject(
  request: Request,
  limit: number,
  allowEmpty: boolean,
): Promise<Record<string, unknown> | Refusal> {
  const hasBody = request.headers.get('content-length') !== '0' && request.body !== null;
  if (!isJson(request.headers.get('content-type'))) {
    if (allowEmpty && !hasBody) return {};
    return new Refusal(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  const text = await readLimited(request, limit);
  if (text instanceof Refusal) return text;
  if (text.trim() === '') {
    return allowEmpty ? {} : new Refusal(400, 'invalid_body', 'The body must be a JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new Refusal(400, 'invalid_body', 'The body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return new Refusal(400, 'invalid_body', 'The body must be a JSON object');
  return value as Record<string, unknown>;
}
