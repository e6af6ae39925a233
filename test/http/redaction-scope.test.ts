import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it('redacts credential headers but leaves ordinary header values readable in errors', async () => {
  const { transport } = makeTransport({
    headers: { 'x-gateway-secret': 'the-gateway-secret', accept: 'application/json' },
  });
  server.use(
    http.get(`${BASE}/api/x`, () =>
      HttpResponse.json(
        { success: false, error: 'expected application/json, got the-gateway-secret and token-abcdef12' },
        { status: 400 },
      ),
    ),
  );
  const error = (await rejectionOf(
    transport.send({ method: 'GET', route: '/api/x', headers: { authorization: 'Bearer token-abcdef12' } }),
  )) as Error;
  expect(error.message).toContain('expected application/json');
  expect(error.message).not.toContain('the-gateway-secret');
  expect(error.message).not.toContain('token-abcdef12');
});
