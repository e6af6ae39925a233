/**
 * Design §3.8: the gateway secret, the WPPConnect secret key and tokens never appear in errors or logs.
 *
 * A property test: each run draws fresh secrets (a header secret, a secret key that travels URL-encoded in
 * the path, a bcrypt-like bearer token), drives every error path of the transport with servers that echo
 * those secrets back in every way real servers do, and searches every rendering of every error (message,
 * stack, cause chain, JSON, util.inspect, String) and every log line for the secrets: raw, URL-encoded,
 * JSON-escaped, and any 12-character slice of their random part (a secret cut in half is still a leak).
 *
 * The transport is given no `secrets` list: it must redact what it sends (header values and `secretParams`)
 * on its own.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  type WhatsAppSdkError,
} from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { BASE, makeTransport, rejectionOf } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Secrets {
  /** `X-Gateway-Secret` header value. */
  header: string;
  /** WPPConnect secret key, substituted into the path (it needs URL-encoding). */
  key: string;
  /** Bearer token (bcrypt-shaped, as WPPConnect's). */
  token: string;
  /** The random parts, searched for in 12-character slices. */
  cores: string[];
}

/** Random hex, drawn fresh for each run: fast-check's small-value bias would make weak, look-alike secrets. */
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const awkward = fc.string({
  unit: fc.constantFrom('$', '/', '+', '=', '&', '%', '"', '\\', ' ', '?', '#', ':', '@'),
  minLength: 1,
  maxLength: 5,
});

/** The secret key ends with characters that need URL- or JSON-escaping, so every encoded form is tried. */
const secretsArbitrary: fc.Arbitrary<Secrets> = awkward.map((keyTail) => {
  const header = hex(16);
  const keyCore = hex(12);
  const tokenCore = hex(16);
  return {
    header,
    key: `k${keyCore}${keyTail}`,
    token: `$2b$10$${tokenCore}`,
    cores: [header, keyCore, tokenCore],
  };
});

/** Every form in which a secret could leak. */
function needles(secrets: Secrets): string[] {
  const out = new Set<string>();
  for (const s of [secrets.header, secrets.key, secrets.token]) {
    out.add(s);
    out.add(encodeURIComponent(s));
    out.add(JSON.stringify(s).slice(1, -1));
  }
  for (const core of secrets.cores) {
    for (let i = 0; i + 12 <= core.length; i++) out.add(core.slice(i, i + 12));
  }
  return [...out];
}

/** Every way an error is commonly rendered, including its whole cause chain. */
function renderings(error: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const e = error as Error;
  out.push(['message', e.message]);
  out.push(['stack', e.stack ?? '']);
  out.push(['JSON.stringify', JSON.stringify(e)]);
  out.push(['util.inspect', inspect(e, { depth: 10 })]);
  out.push(['String', String(e)]);
  let cause = e.cause;
  for (let depth = 1; cause !== undefined && depth < 10; depth++) {
    const c = cause as Error;
    out.push([`cause[${depth}].message`, String(c?.message)]);
    out.push([`cause[${depth}].stack`, String(c?.stack)]);
    out.push([`cause[${depth}].inspect`, inspect(c, { depth: 10 })]);
    cause = c?.cause;
  }
  return out;
}

function leaks(text: string, secrets: Secrets): string[] {
  return needles(secrets).filter((needle) => text.includes(needle));
}

const ROUTE = '/api/{session}/{secretkey}/generate-token';
const pad = (n: number) => 'p'.repeat(n);

type Scenario = {
  name: string;
  expected: new (...args: never[]) => WhatsAppSdkError;
  run: (ctx: { secrets: Secrets; logger: Logger }) => Promise<unknown>;
};

/** Builds a transport that sends every secret, and a GET/POST to {@link ROUTE}. */
function setup(secrets: Secrets, logger: Logger, extra: Parameters<typeof makeTransport>[0] = {}) {
  const { transport } = makeTransport({
    service: 'wppconnect',
    headers: { 'X-Gateway-Secret': secrets.header, Authorization: `Bearer ${secrets.token}` },
    retry: { limit: 1, jitter: false, baseDelayMs: 1 },
    timeoutMs: 2_000,
    logger,
    ...extra,
  });
  const spec = {
    method: 'GET' as const,
    route: ROUTE,
    params: { session: 'frontdesk' },
    secretParams: { secretkey: secrets.key },
  };
  return { transport, spec };
}

/** Answers every request under /api with `respond`. */
function answer(respond: (request: Request) => Response | Promise<Response>) {
  server.use(http.all(`${BASE}/api/*`, ({ request }) => respond(request)));
}

/** What a server echoing its whole request would say. */
function echo(request: Request, secrets: Secrets): string {
  return `${request.method} ${request.url} x-gateway-secret=${request.headers.get('x-gateway-secret')} authorization=${request.headers.get('authorization')} key=${secrets.key} token=${secrets.token}`;
}

const wrongShape = z.object({ status: z.enum(['CONNECTED', 'CLOSED']) });

const scenarios: Scenario[] = [
  {
    name: 'network error (MSW)',
    expected: ConnectionError,
    run: async ({ secrets, logger }) => {
      answer(() => HttpResponse.error());
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: 'network error whose cause chain holds the URL and headers',
    expected: ConnectionError,
    run: async ({ secrets, logger }) => {
      const fetch = async (input: RequestInfo | URL) => {
        const request = input instanceof Request ? input : new Request(input);
        const socket = new Error(`socket for ${decodeURIComponent(request.url)} failed`);
        const root = Object.assign(
          new Error(`connect ECONNREFUSED ${echo(request, secrets)}`, { cause: socket }),
          {
            code: 'ECONNREFUSED',
            url: request.url,
          },
        );
        throw new TypeError(`fetch failed: ${request.url}`, { cause: root });
      };
      const { transport, spec } = setup(secrets, logger, { fetch: fetch as typeof globalThis.fetch });
      const error = await rejectionOf(transport.send(spec));
      expect((error as Error).message).toContain('ECONNREFUSED');
      return error;
    },
  },
  {
    name: 'timeout',
    expected: TimeoutError,
    run: async ({ secrets, logger }) => {
      answer(async () => {
        await delay('infinite');
        return HttpResponse.json({});
      });
      const { transport, spec } = setup(secrets, logger, { timeoutMs: 30 });
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: 'abort in flight',
    expected: AbortError,
    run: async ({ secrets, logger }) => {
      const controller = new AbortController();
      answer(async () => {
        setTimeout(() => controller.abort(new Error(`aborted ${secrets.token}`)), 5);
        await delay('infinite');
        return HttpResponse.json({});
      });
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send({ ...spec, call: { signal: controller.signal } }));
    },
  },
  {
    name: '401 from the proxy (Basic challenge and HTML both echo secrets)',
    expected: AuthenticationError,
    run: async ({ secrets, logger }) => {
      answer(
        (request) =>
          new HttpResponse(
            `<html><head><title>401 ${secrets.key} ${secrets.header}</title></head><body>${echo(request, secrets)}</body></html>`,
            {
              status: 401,
              headers: {
                'Content-Type': 'text/html',
                'WWW-Authenticate': `Basic realm="${secrets.header} ${secrets.token}"`,
              },
            },
          ),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '401 from the application, echoing the bare token',
    expected: AuthenticationError,
    run: async ({ secrets, logger }) => {
      answer(() =>
        HttpResponse.json(
          { error: `Token ${secrets.token} does not match session frontdesk`, token: secrets.token },
          { status: 401 },
        ),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '404 echoing the URL-encoded path (Express "Cannot GET")',
    expected: NotFoundError,
    run: async ({ secrets, logger }) => {
      answer(
        (request) =>
          new HttpResponse(`<pre>Cannot GET ${new URL(request.url).pathname}</pre>`, {
            status: 404,
            headers: { 'Content-Type': 'text/html' },
          }),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '404 JSON echoing the decoded key',
    expected: NotFoundError,
    run: async ({ secrets, logger }) => {
      answer(() =>
        HttpResponse.json({ success: false, error: `Canal ${secrets.key} não encontrado` }, { status: 404 }),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '500 JSON echoing every secret',
    expected: ServerError,
    run: async ({ secrets, logger }) => {
      answer((request) =>
        HttpResponse.json({ success: false, error: echo(request, secrets), secrets }, { status: 500 }),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '500 JSON whose message puts a secret across the 200-character excerpt limit',
    expected: ServerError,
    run: async ({ secrets, logger }) => {
      answer(() =>
        HttpResponse.json(
          { success: false, error: `${pad(154)}${secrets.header}${secrets.token}` },
          { status: 500 },
        ),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: 'HTML 502 whose title holds the secrets',
    expected: ServerError,
    run: async ({ secrets, logger }) => {
      answer(
        () =>
          new HttpResponse(
            `<html><head><title>502 Bad Gateway ${secrets.header} ${secrets.key} ${secrets.token}</title></head><body>nginx</body></html>`,
            { status: 502, headers: { 'Content-Type': 'text/html' } },
          ),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: 'HTML 504 whose long title puts a secret across the excerpt limit',
    expected: ServerError,
    run: async ({ secrets, logger }) => {
      answer(
        () =>
          new HttpResponse(`<html><head><title>${pad(185)} ${secrets.header}</title></head></html>`, {
            status: 504,
            headers: { 'Content-Type': 'text/html' },
          }),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: '429 with a Retry-After too long, echoing the token',
    expected: RateLimitError,
    run: async ({ secrets, logger }) => {
      answer(() =>
        HttpResponse.json(
          { error: `slow down ${secrets.token}` },
          { status: 429, headers: { 'Retry-After': '3600' } },
        ),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.send(spec));
    },
  },
  {
    name: 'validation failure with a secret as the field value',
    expected: ResponseValidationError,
    run: async ({ secrets, logger }) => {
      answer(() => HttpResponse.json({ status: secrets.header, token: secrets.token, key: secrets.key }));
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.json(spec, wrongShape));
    },
  },
  {
    name: 'validation failure with a secret as a field name',
    expected: ResponseValidationError,
    run: async ({ secrets, logger }) => {
      answer(() => HttpResponse.json({ [secrets.token]: 'CONNECTED', [secrets.key]: 1 }));
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.json(spec, z.record(z.string(), z.number())));
    },
  },
  {
    name: 'truncated JSON holding the secrets',
    expected: ResponseValidationError,
    run: async ({ secrets, logger }) => {
      answer(
        () =>
          new HttpResponse(`{"token":"${secrets.token}","key":"${secrets.key}","secret":"${secrets.header}`, {
            headers: { 'Content-Type': 'application/json' },
          }),
      );
      const { transport, spec } = setup(secrets, logger);
      return rejectionOf(transport.json(spec, wrongShape));
    },
  },
  {
    name: 'success:false in a 200, through transport.failure()',
    expected: NotFoundError,
    run: async ({ secrets, logger }) => {
      answer(() =>
        HttpResponse.json({
          success: false,
          error: `Canal não encontrado for ${secrets.key} ${secrets.token}`,
        }),
      );
      const { transport, spec } = setup(secrets, logger);
      const result = await transport.send(spec);
      return transport.failure(result);
    },
  },
];

describe('no secret ever reaches an error or a log line', () => {
  it('holds for every error path, over random secrets', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArbitrary, async (secrets) => {
        const lines: string[] = [];
        const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
          lines.push(`${level} ${message} ${inspect(fields, { depth: 10 })} ${JSON.stringify(fields)}`);
        const logger: Logger = {
          debug: record('debug'),
          info: record('info'),
          warn: record('warn'),
          error: record('error'),
        };

        // Every leak of every scenario is collected, so one failure shows them all.
        const problems: string[] = [];
        for (const scenario of scenarios) {
          server.resetHandlers();
          const error = await scenario.run({ secrets, logger });
          expect(error, scenario.name).toBeInstanceOf(scenario.expected);
          for (const [where, text] of renderings(error)) {
            const found = leaks(text, secrets);
            if (found.length > 0) problems.push(`${scenario.name} / ${where}: ${found[0]}`);
          }
        }
        expect(lines.length).toBeGreaterThan(scenarios.length);
        const logLeaks = leaks(lines.join('\n'), secrets);
        if (logLeaks.length > 0) problems.push(`logger output: ${logLeaks[0]}`);
        expect(problems).toEqual([]);
      }),
      { numRuns: 6 },
    );
  });

  it('the test can see a leak: a secret echoed by a server that the transport was not told about', async () => {
    const unknown = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
    answer(() => HttpResponse.json({ success: false, error: `boom ${unknown}` }, { status: 500 }));
    const { transport } = makeTransport({ retry: 0 });
    const error = await rejectionOf(transport.send({ method: 'GET', route: '/api/x' }));
    const secrets: Secrets = {
      header: unknown,
      key: 'k-unused-key',
      token: 'unused-token',
      cores: [unknown],
    };
    expect(renderings(error).some(([, text]) => leaks(text, secrets).length > 0)).toBe(true);
  });
});
