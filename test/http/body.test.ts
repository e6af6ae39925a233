/**
 * Content-type aware body reading: JSON, truncated JSON, PNG, HTML, empty and oversized bodies, and JSON sent
 * without (or with the wrong) content type. Bodies that are not the JSON a schema expects become
 * ResponseValidationError, never a parse crash.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseValidationError } from '../../src/errors.js';
import { BASE, makeTransport, PNG_BYTES, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const spec = { method: 'GET', route: '/api/thing' } as const;
const anything = z.unknown();
const answer = (response: () => Response) => server.use(http.get(`${BASE}/api/thing`, response));

describe('body kinds', () => {
  it('JSON with a JSON content type', async () => {
    answer(() => HttpResponse.json({ success: true, channels: [{ id: 'frontdesk' }] }));
    const { transport } = makeTransport();

    const result = await transport.send(spec);

    expect(result.body.kind).toBe('json');
    expect(result.body).toMatchObject({ value: { success: true, channels: [{ id: 'frontdesk' }] } });
    const { data } = await transport.json(spec, z.object({ success: z.boolean() }));
    expect(data).toEqual({ success: true });
  });

  it('truncated JSON on a 2xx is invalid-json, and json() throws ResponseValidationError', async () => {
    answer(
      () =>
        new HttpResponse('{"success":true,"channels":[{"id":"imob', {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const { transport } = makeTransport();

    expect((await transport.send(spec)).body.kind).toBe('invalid-json');
    const error = (await rejectionOf(transport.json(spec, anything))) as ResponseValidationError;

    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(200);
    expect(error.path).toBe('/api/thing');
    expect(error.message).toMatch(/malformed or truncated JSON/);
    expect(error.issues).toEqual([{ path: '', message: 'expected JSON, got invalid-json' }]);
  });

  it('PNG bytes with image/png are a png body', async () => {
    answer(() => new HttpResponse(PNG_BYTES, { headers: { 'Content-Type': 'image/png' } }));
    const { transport } = makeTransport();

    const result = await transport.send(spec);

    expect(result.body.kind).toBe('png');
    expect(result.body.kind === 'png' && [...result.body.bytes]).toEqual([...PNG_BYTES]);
  });

  it('PNG bytes are recognised by their magic number whatever the content type says', async () => {
    answer(() => new HttpResponse(PNG_BYTES, { headers: { 'Content-Type': 'application/json' } }));
    const { transport } = makeTransport();

    const result = await transport.send(spec);

    expect(result.body.kind).toBe('png');
    const error = (await rejectionOf(transport.json(spec, anything))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain('a PNG image');
    expect(error.bodyExcerpt).toBe(`<PNG image, ${PNG_BYTES.byteLength} bytes>`);
  });

  it('an HTML page is an html body; json() rejects it as ResponseValidationError', async () => {
    answer(() =>
      HttpResponse.html('<html><head><title>Maintenance</title></head><body>back soon</body></html>'),
    );
    const { transport } = makeTransport();

    expect((await transport.send(spec)).body.kind).toBe('html');
    const error = (await rejectionOf(transport.json(spec, anything))) as ResponseValidationError;

    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain('an HTML page');
    expect(error.bodyExcerpt).toBe('Maintenance');
  });

  it.each([
    ['200 with an empty body', () => new HttpResponse(null, { status: 200 })],
    [
      '200 with an empty JSON-typed body',
      () => new HttpResponse('', { headers: { 'Content-Type': 'application/json' } }),
    ],
    ['204', () => new HttpResponse(null, { status: 204 })],
  ])('%s is empty; json() throws ResponseValidationError', async (_, response) => {
    answer(response);
    const { transport } = makeTransport();

    expect((await transport.send(spec)).body).toEqual({ kind: 'empty' });
    const error = (await rejectionOf(transport.json(spec, anything))) as ResponseValidationError;

    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain('an empty body');
    expect(error.issues[0]).toEqual({ path: '', message: 'expected JSON, got empty' });
  });

  it('plain text is a text body', async () => {
    answer(() => HttpResponse.text('OK'));
    const { transport } = makeTransport();
    expect((await transport.send(spec)).body).toEqual({ kind: 'text', text: 'OK' });
  });
});

describe('JSON without a JSON content type is sniffed', () => {
  it('no content type at all (bytes body)', async () => {
    answer(() => new HttpResponse(new TextEncoder().encode('{"status":"CONNECTED"}')));
    const { transport } = makeTransport();

    const result = await transport.send(spec);

    expect(result.headers.get('content-type')).toBeNull();
    expect(result.body).toMatchObject({ kind: 'json', value: { status: 'CONNECTED' } });
  });

  it('text/plain holding a JSON array', async () => {
    answer(() => HttpResponse.text('  [1,2,3]'));
    const { transport } = makeTransport();
    const { data } = await transport.json(spec, z.array(z.number()));
    expect(data).toEqual([1, 2, 3]);
  });

  it('text/plain holding truncated JSON is invalid-json, not text', async () => {
    answer(() => HttpResponse.text('{"status":'));
    const { transport } = makeTransport();
    expect((await transport.send(spec)).body.kind).toBe('invalid-json');
  });
});

describe('bodies over maxBodyBytes', () => {
  const LIMIT = 1024;
  const BIG = `{"data":"${'x'.repeat(5 * 1024)}"}`;

  it('with a Content-Length above the limit: not read at all', async () => {
    let pulled = 0;
    const CHUNK = 256;
    const CHUNKS = 20; // 5 KB, declared up front
    answer(() => {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          if (pulled > CHUNKS) controller.close();
          else controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
        },
      });
      return new HttpResponse(stream, {
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(CHUNK * CHUNKS) },
      });
    });
    const { transport } = makeTransport({ maxBodyBytes: LIMIT });

    const result = await transport.send(spec);

    expect(result.body).toEqual({ kind: 'too-large', limit: LIMIT });
    // The runtime may prime the stream with a chunk or two, but it is never drained into memory.
    expect(pulled).toBeLessThanOrEqual(2);
  });

  it('without a Content-Length: reading stops soon after the limit', async () => {
    let pulled = 0;
    const CHUNK = 256;
    const CHUNKS = 400; // 100 KB on offer
    answer(() => {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          if (pulled > CHUNKS) controller.close();
          else controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
        },
      });
      return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
    });
    const { transport } = makeTransport({ maxBodyBytes: LIMIT });

    const result = await transport.send(spec);

    expect(result.headers.get('content-length')).toBeNull();
    expect(result.body).toEqual({ kind: 'too-large', limit: LIMIT });
    expect(pulled).toBeLessThan(LIMIT / CHUNK + 4);
  });

  it.each([
    ['with Content-Length', true],
    ['without Content-Length', false],
  ])('json() %s throws ResponseValidationError that names the limit', async (_, withLength) => {
    answer(() =>
      withLength
        ? HttpResponse.text(BIG, { headers: { 'Content-Type': 'application/json' } })
        : new HttpResponse(
            new ReadableStream<Uint8Array>({
              start(controller) {
                controller.enqueue(new TextEncoder().encode(BIG));
                controller.close();
              },
            }),
            { headers: { 'Content-Type': 'application/json' } },
          ),
    );
    const { transport } = makeTransport({ maxBodyBytes: LIMIT });

    const error = (await rejectionOf(transport.json(spec, anything))) as ResponseValidationError;

    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain(`larger than ${LIMIT} bytes`);
    expect(error.bodyExcerpt).toBe(`<body larger than ${LIMIT} bytes, not read>`);
  });

  it('a body exactly at the limit is read', async () => {
    const exact = `"${'y'.repeat(LIMIT - 2)}"`;
    answer(() => HttpResponse.text(exact, { headers: { 'Content-Type': 'application/json' } }));
    const { transport } = makeTransport({ maxBodyBytes: LIMIT });
    const { data } = await transport.json(spec, z.string());
    expect(data).toHaveLength(LIMIT - 2);
  });

  it('an error answer over the limit is still a typed HTTP error', async () => {
    server.use(
      http.get(`${BASE}/api/thing`, () =>
        HttpResponse.text(BIG, { status: 500, headers: { 'Content-Type': 'application/json' } }),
      ),
    );
    const { transport } = makeTransport({ maxBodyBytes: LIMIT, retry: 0 });
    const error = await rejectionOf(transport.send(spec));
    expect((error as Error).name).toBe('ServerError');
    expect((error as { bodyExcerpt?: string }).bodyExcerpt).toBe(
      `<body larger than ${LIMIT} bytes, not read>`,
    );
  });
});
