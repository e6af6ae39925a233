/**
 * zod validation at the boundary (anchors B.6, B.10.6): a mismatch names *where* it is and *what* was expected,
 * never the value that was there (it could be a secret, a phone number or a message).
 */
import { HttpResponse, http, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseValidationError } from '../../src/errors.js';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const DISTINCTIVE = 'Zq9-offending-value-7781';

const channels = z.object({
  success: z.literal(true),
  channels: z.array(z.object({ id: z.string(), status: z.enum(['connected', 'disconnected', 'qr']) })),
});

async function validationErrorFor(body: JsonBodyType, schema: z.ZodType): Promise<ResponseValidationError> {
  server.use(http.get(`${BASE}/api/channels`, () => HttpResponse.json(body)));
  const { transport } = makeTransport();
  const error = await rejectionOf(transport.json({ method: 'GET', route: '/api/channels' }, schema));
  expect(error).toBeInstanceOf(ResponseValidationError);
  return error as ResponseValidationError;
}

describe('schema mismatch', () => {
  it('names the path of the bad field, with context, and not its value', async () => {
    const error = await validationErrorFor(
      {
        success: true,
        channels: [
          { id: 'a', status: 'connected' },
          { id: 'b', status: DISTINCTIVE },
        ],
      },
      channels,
    );

    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(200);
    expect(error.path).toBe('/api/channels');
    expect(error.service).toBe('gateway');
    expect(error.issues.map((i) => i.path)).toEqual(['channels.1.status']);
    expect(error.message).toContain("'channels.1.status'");
    expect(error.message).not.toContain(DISTINCTIVE);
    expect(JSON.stringify(error.issues)).not.toContain(DISTINCTIVE);
  });

  it('a value of the wrong type is described by its type only', async () => {
    const error = await validationErrorFor(
      { success: true, channels: [{ id: { token: DISTINCTIVE }, status: 'qr' }] },
      channels,
    );

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe('channels.0.id');
    expect(error.issues[0]!.message).toMatch(/expected string/);
    expect(error.message).not.toContain(DISTINCTIVE);
    expect(JSON.stringify(error.issues)).not.toContain(DISTINCTIVE);
  });

  it('several problems are all listed (at most 10), each with its path', async () => {
    const error = await validationErrorFor(
      {
        success: false,
        channels: Array.from({ length: 15 }, (_, i) => ({ id: i, status: DISTINCTIVE })),
      },
      channels,
    );

    expect(error.issues).toHaveLength(10);
    expect(error.issues[0]!.path).toBe('success');
    expect(error.issues.map((i) => i.path)).toContain('channels.0.id');
    expect(error.issues.map((i) => i.path)).toContain('channels.0.status');
    expect(JSON.stringify(error.issues)).not.toContain(DISTINCTIVE);
    expect(error.message).not.toContain(DISTINCTIVE);
  });

  it('a missing root-level shape is reported at (root)', async () => {
    const error = await validationErrorFor([DISTINCTIVE], z.object({ success: z.boolean() }));
    expect(error.issues[0]!.path).toBe('');
    expect(error.message).toContain("'(root)'");
    expect(error.message).not.toContain(DISTINCTIVE);
  });

  it('a matching body passes and is returned parsed (unknown keys stripped)', async () => {
    server.use(
      http.get(`${BASE}/api/channels`, () =>
        HttpResponse.json({ success: true, channels: [{ id: 'a', status: 'qr', extra: 1 }], more: true }),
      ),
    );
    const { transport } = makeTransport();
    const { data, result } = await transport.json({ method: 'GET', route: '/api/channels' }, channels);
    expect(data).toEqual({ success: true, channels: [{ id: 'a', status: 'qr' }] });
    expect(result.status).toBe(200);
  });
});
