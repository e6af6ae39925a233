/**
 * From real answers to typed errors (design §3.5): proxy versus application 401s, WPPConnect's 401 and 404
 * bodies, "Session not started", nginx HTML pages, and `success:false` inside a 200.
 * The bodies are the verbatim ones from the contracts (field notes, WPPConnect transcript).
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  ServerError,
  SessionNotStartedError,
  WhatsAppSdkError,
} from '../../src/errors.js';
import { BASE, makeTransport, NGINX_401, NGINX_502, NGINX_504, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ROUTE = '/api/channels/{id}';

/** Sends GET {@link ROUTE} (no retries) to a handler that gives `response`, and returns the error. */
async function failWith(
  response: () => Response,
  service: 'gateway' | 'wppconnect' = 'gateway',
): Promise<WhatsAppSdkError> {
  server.use(http.get(`${BASE}/api/channels/:id`, response));
  const { transport } = makeTransport({ service, retry: 0 });
  const error = await rejectionOf(
    transport.send({ method: 'GET', route: ROUTE, params: { id: 'frontdesk' } }),
  );
  expect(error).toBeInstanceOf(WhatsAppSdkError);
  const typed = error as WhatsAppSdkError;
  expect(typed.path).toBe(ROUTE);
  expect(typed.service).toBe(service);
  expect(typed.method).toBe('GET');
  return typed;
}

describe('401', () => {
  it('nginx Basic auth (WWW-Authenticate: Basic + HTML) is a proxy AuthenticationError', async () => {
    const error = (await failWith(
      () =>
        new HttpResponse(NGINX_401, {
          status: 401,
          headers: {
            'Content-Type': 'text/html',
            'WWW-Authenticate': 'Basic realm="Acesso Restrito - Gateway WhatsApp"',
          },
        }),
    )) as AuthenticationError;

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.source).toBe('proxy');
    expect(error.code).toBe('proxy_auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/proxy/i);
    expect(error.message).toMatch(/refused/);
    expect(error.message).toContain('Acesso Restrito - Gateway WhatsApp');
    expect(error.message).toMatch(/secret is not the problem/);
    expect(error.bodyExcerpt).toBe('401 Authorization Required');
  });

  it('a WWW-Authenticate: Basic challenge alone marks the proxy, even without HTML', async () => {
    const error = (await failWith(
      () => new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'basic realm="x"' } }),
    )) as AuthenticationError;
    expect(error.source).toBe('proxy');
  });

  it('JSON {"success":false,"error":"Unauthorized"} is the application refusing the secret', async () => {
    const error = (await failWith(() =>
      HttpResponse.json({ success: false, error: 'Unauthorized' }, { status: 401 }),
    )) as AuthenticationError;

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.source).toBe('application');
    expect(error.code).toBe('bad_secret');
    expect(error.status).toBe(401);
    expect(error.message).toContain('The gateway rejected the credentials: Unauthorized');
    expect(error.message).not.toMatch(/proxy/i);
  });

  it.each([
    { message: 'Token is not present. Check your header and try again' },
    { error: 'Check that the Session and Token are correct' },
  ])('WPPConnect 401 %j is an application AuthenticationError', async (body) => {
    const error = (await failWith(
      () => HttpResponse.json(body, { status: 401 }),
      'wppconnect',
    )) as AuthenticationError;

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.source).toBe('application');
    expect(error.code).toBe('bad_secret');
    expect(error.message).toContain(`WPPConnect rejected the credentials: ${Object.values(body)[0]}`);
  });
});

describe('404', () => {
  it('{"success":false,"error":"Canal não encontrado"} is NotFoundError not_found', async () => {
    const error = (await failWith(() =>
      HttpResponse.json({ success: false, error: 'Canal não encontrado' }, { status: 404 }),
    )) as NotFoundError;

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.message).toContain('Canal não encontrado');
  });

  it("WPPConnect's 'A sessão do WhatsApp não está ativa.' is NotFoundError session_not_active", async () => {
    const error = (await failWith(
      () =>
        HttpResponse.json(
          { response: null, status: 'Disconnected', message: 'A sessão do WhatsApp não está ativa.' },
          { status: 404 },
        ),
      'wppconnect',
    )) as NotFoundError;

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('session_not_active');
    expect(error.status).toBe(404);
    expect(error.message).toContain('not active');
  });
});

describe('5xx', () => {
  it('"Session not started. Please, use the /start-session route" in a 500 is SessionNotStartedError', async () => {
    const error = await failWith(() =>
      HttpResponse.json(
        {
          success: false,
          error:
            'WPPConnect getQRCode failed: Session not started. Please, use the /start-session route, for initialization your session',
        },
        { status: 500 },
      ),
    );

    expect(error).toBeInstanceOf(SessionNotStartedError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ServerError);
    expect(error.code).toBe('session_not_started');
    expect(error.status).toBe(500);
  });

  it.each([
    [502, NGINX_502, '502 Bad Gateway'],
    [504, NGINX_504, '504 Gateway Time-out'],
  ])('nginx HTML %i is ServerError fromProxy with the page title as excerpt', async (code, page, title) => {
    const error = (await failWith(
      () => new HttpResponse(page, { status: code, headers: { 'Content-Type': 'text/html' } }),
    )) as ServerError;

    expect(error).toBeInstanceOf(ServerError);
    expect(error.fromProxy).toBe(true);
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(code);
    expect(error.bodyExcerpt).toBe(title);
    expect(error.message).toContain(title);
    expect(error.message).not.toMatch(/<|>|nginx\//);
    expect(error.toJSON()).toMatchObject({ fromProxy: true, bodyExcerpt: title });
  });

  it('a JSON 500 is ServerError not from a proxy, carrying the server message', async () => {
    const error = (await failWith(() =>
      HttpResponse.json({ success: false, error: 'Internal error while listing' }, { status: 500 }),
    )) as ServerError;

    expect(error).toBeInstanceOf(ServerError);
    expect(error.fromProxy).toBe(false);
    expect(error.message).toContain('The gateway failed: Internal error while listing');
    expect(error.bodyExcerpt).toBe('{"success":false,"error":"Internal error while listing"}');
  });
});

describe('success:false inside a 200', () => {
  it('transport.failure() turns "Canal não encontrado" into NotFoundError with status 200', async () => {
    server.use(
      http.get(`${BASE}/api/channels/:id`, () =>
        HttpResponse.json({ success: false, error: 'Canal não encontrado' }),
      ),
    );
    const { transport } = makeTransport();

    const result = await transport.send({ method: 'GET', route: ROUTE, params: { id: 'frontdesk' } });
    const error = transport.failure(result);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(200);
    expect(error.path).toBe(ROUTE);
    expect(error.message).toContain('Canal não encontrado');
  });

  it('transport.failure() on an unrecognised message is a plain ApiError with status 200', async () => {
    server.use(
      http.get(`${BASE}/api/channels/:id`, () => HttpResponse.json({ success: false, error: 'Nope' })),
    );
    const { transport } = makeTransport();
    const result = await transport.send({ method: 'GET', route: ROUTE, params: { id: 'frontdesk' } });
    const error = transport.failure(result);
    expect(error.constructor).toBe(ApiError);
    expect(error.status).toBe(200);
    expect(error.code).toBe('api_error');
  });
});
