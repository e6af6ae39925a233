/**
 * Issue #5 §3 (design §3.8): the gateway secret, the WPPConnect secret key and the bearer tokens — random in
 * every run — never appear in an error (`message`, `stack`, the `cause` chain, `JSON.stringify`,
 * `util.inspect`, `String`), in a log line of either client or of the manager, or in `util.inspect` /
 * `JSON.stringify` / `String` of any SDK object.
 *
 * At the level of the public clients and the manager (test/http/secrets.test.ts covers the transport):
 * 1. every error path of the fault matrix (each cell ending in an error or a tolerated failure) runs once
 *    more with fresh secrets and servers that echo what they received (the `X-Gateway-Secret` and
 *    `Authorization` headers, the URL with the secret key, the key decoded) into every `message`/`error`;
 * 2. the secret-heavy flows (token refresh, wrong key, wrong secret, stuck and unpropagated sessions,
 *    healthcheck repairs, the gateway-only manager, webhook secrets) run with random secrets;
 * 3. every success path runs without echo, and the values it returns are searched too.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager, WhatsAppGatewayClient, WhatsAppSdkError } from '../../src/index.js';
import { SECRET_FLOW_RUNS } from './figures.js';
import { type Cell, errorPathCells, FAULTS, ROWS } from './matrix.js';
import { echoOf, runCell } from './support/cells.js';
import { createWorld, GATEWAY_URL, renderLog, type Secrets, type World, withEcho } from './support/world.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Random hex, fresh per run (fast-check's bias towards small values would make weak look-alike secrets). */
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** Characters that need URL- or JSON-escaping, so every encoded form of a secret is exercised. */
const awkward = fc.string({
  unit: fc.constantFrom('$', '/', '+', '=', '&', '%', '"', '\\', '?', '#', ':', '@', '!', '~', "'"),
  minLength: 1,
  maxLength: 4,
});

interface RunSecrets extends Secrets {
  /** The random parts, also searched for in 12-character slices: half a secret is still a leak. */
  cores: string[];
}

const secretsArbitrary: fc.Arbitrary<RunSecrets> = fc.tuple(awkward, awkward).map(([a, b]) => {
  const gatewayCore = hex(16);
  const keyCore = hex(16);
  return {
    gatewaySecret: `g${gatewayCore}${a}`,
    wppSecretKey: `k${keyCore}${b}`,
    cores: [gatewayCore, keyCore],
  };
});

/** Every form in which a secret could leak. */
function needles(secrets: RunSecrets, tokens: readonly string[], extra: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const s of [secrets.gatewaySecret, secrets.wppSecretKey, ...tokens, ...extra]) {
    out.add(s);
    out.add(encodeURIComponent(s));
    out.add(JSON.stringify(s).slice(1, -1));
  }
  const tokenCores = tokens.map((t) => t.replace(/^\$2b\$10\$/, ''));
  for (const core of [...secrets.cores, ...tokenCores]) {
    for (let i = 0; i + 12 <= core.length; i++) out.add(core.slice(i, i + 12));
  }
  return [...out];
}

/** Every common rendering of an error, its whole cause chain included. */
function errorRenderings(error: unknown): Array<[string, string]> {
  const e = error as Error;
  const out: Array<[string, string]> = [
    ['message', String(e?.message)],
    ['stack', String(e?.stack)],
    ['JSON.stringify', JSON.stringify(e) ?? ''],
    ['util.inspect', inspect(e, { depth: 10, showHidden: true })],
    ['String', String(e)],
    ['toString', typeof e?.toString === 'function' ? e.toString() : ''],
  ];
  let cause = e?.cause;
  for (let depth = 1; cause !== undefined && depth < 10; depth++) {
    const c = cause as Error;
    out.push([`cause[${depth}]`, `${String(c?.message)}\n${String(c?.stack)}\n${inspect(c, { depth: 10 })}`]);
    cause = c?.cause;
  }
  return out;
}

/** The SDK objects of a world, rendered every way a user might print them. */
function objectRenderings(world: World, extra: Record<string, unknown> = {}): Array<[string, string]> {
  const objects: Record<string, unknown> = {
    gateway: world.gateway,
    wppconnect: world.wppconnect,
    manager: world.manager,
    tokenStore: world.tokenStore,
    ...extra,
  };
  return Object.entries(objects).flatMap(([name, object]) => [
    [`inspect(${name})`, inspect(object, { depth: 10, showHidden: true })],
    [`JSON.stringify(${name})`, JSON.stringify(object) ?? ''],
    [`String(${name})`, String(object)],
  ]);
}

/** Fails with every leak found, naming where it was and which form of which secret. */
function expectNoLeak(texts: Array<[string, string]>, forms: readonly string[], context: string): void {
  const leaks: string[] = [];
  for (const [where, text] of texts) {
    for (const needle of forms)
      if (text.includes(needle)) leaks.push(`${where} contains ${JSON.stringify(needle)}`);
  }
  expect(leaks, `${context}: secrets leaked`).toEqual([]);
}

function logRenderings(world: World): Array<[string, string]> {
  return world.logs.map((line, i) => [`log[${i}] ${line.source}.${line.level}`, renderLog(line)]);
}

let checks = 0;
// Each property walks hundreds of full client calls with random secrets: seconds alone, minutes on a loaded
// 2-core machine, so they get their own time budget. Speed is measured in bench/, never here.
const PROPERTY_TIMEOUT_MS = 180_000;

describe('every error path of the fault matrix, with random secrets and servers that echo them', () => {
  const cells = errorPathCells();

  it(`holds for all ${cells.length} cells`, { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(secretsArbitrary, async (secrets) => {
        const cell = cells[index++ % cells.length] as Cell;
        const outcome = await runCell(server, cell, { secrets, echo: true });
        const forms = needles(secrets, outcome.world.tokens());
        const texts = [
          ...(outcome.error === undefined ? [] : errorRenderings(outcome.error)),
          ...logRenderings(outcome.world),
          ...objectRenderings(outcome.world),
        ];
        expectNoLeak(texts, forms, `${cell.row.name} × ${cell.fault.id}`);
        checks++;
        server.resetHandlers();
      }),
      { numRuns: cells.length },
    );
    expect(index).toBe(cells.length);
  });
});

describe('success paths without echo: returned values carry no secret either', () => {
  const none = FAULTS.find((f) => f.id === 'none')!;
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const [secrets] = fc.sample(secretsArbitrary, 1) as [RunSecrets];
    const cell: Cell = { row, fault: none, expectation: none.expect(row) };
    const outcome = await runCell(server, cell, { secrets });
    expect(outcome.error).toBeUndefined();
    const forms = needles(secrets, outcome.world.tokens());
    // generateToken's value is the token itself: the one place a secret is the answer.
    const value = row.name === 'wppconnect.generateToken' ? {} : { value: outcome.value };
    expectNoLeak(
      [...logRenderings(outcome.world), ...objectRenderings(outcome.world, value)],
      forms,
      row.name,
    );
    checks++;
  });
});

/** The flows where secrets are handled the most. Each returns what it produced, error or value. */
type Flow = (
  world: World,
  secrets: RunSecrets,
) => Promise<{ error?: unknown; value?: unknown; extraSecrets?: string[] }>;

async function settle(promise: Promise<unknown>): Promise<{ error?: unknown; value?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

const FLOWS: Record<string, { echo: boolean; flow: Flow }> = {
  'a rejected token is refreshed once (401 → generate-token → retry)': {
    echo: true,
    flow: async (w) => {
      // A token issued under another key: WPPConnect answers 401, the client issues a new one.
      const stale = `$2b$10$${hex(26).slice(0, 53)}`;
      w.tokenStore.set('alpha', stale);
      const result = await settle(w.wppconnect.getStatus('alpha'));
      expect(result.error).toBeUndefined();
      return { ...result, extraSecrets: [stale] };
    },
  },
  'a wrong secret key (400 on generate-token)': {
    echo: true,
    flow: async (w) => {
      w.fakeWpp.rotateSecretKey(`other-${hex(8)}`);
      w.tokenStore.delete('alpha');
      const result = await settle(w.wppconnect.getStatus('alpha'));
      expect((result.error as WhatsAppSdkError).code).toBe('bad_secret');
      return { ...result, extraSecrets: [w.fakeWpp.secretKey] };
    },
  },
  'a wrong key on show-all-sessions, through listSessions': {
    echo: true,
    flow: async (w) => {
      w.fakeWpp.rotateSecretKey(`other-${hex(8)}`);
      const result = await settle(w.manager.listSessions());
      return { ...result, extraSecrets: [w.fakeWpp.secretKey] };
    },
  },
  'a wrong gateway secret (JSON 401)': {
    echo: true,
    flow: async (w, secrets) => {
      const wrong = new WhatsAppGatewayClient({
        baseUrl: GATEWAY_URL,
        secret: `${secrets.gatewaySecret}-wrong`,
        sleep: async () => undefined,
        logger: {
          debug: (m, f) => w.logs.push({ source: 'gateway', level: 'debug', message: m, fields: f }),
        },
      });
      const result = await settle(wrong.getChannel('alpha'));
      expect((result.error as WhatsAppSdkError).code).toBe('bad_secret');
      return { ...result, extraSecrets: [`${secrets.gatewaySecret}-wrong`] };
    },
  },
  'a session stuck INITIALIZING (PropagationError with its trail)': {
    echo: true,
    flow: async (w) => {
      w.fakeWpp.setStuck('beta');
      const result = await settle(w.manager.createSession('beta'));
      expect((result.error as WhatsAppSdkError).code).toBe('propagation_failed');
      return result;
    },
  },
  'a dropped propagation that cannot be repaired, gateway-only (PropagationError)': {
    echo: true,
    flow: async (w) => {
      w.fakeGateway.faults.dropPropagation = true;
      w.fakeGateway.faults.qrConnectedBug = true;
      w.fakeWpp.setStuck('beta');
      const manager = new SessionManager({
        gateway: w.gateway,
        clock: w.clock,
        gatewayQrAttempts: 2,
        logger: { info: (m, f) => w.logs.push({ source: 'manager', level: 'info', message: m, fields: f }) },
      });
      return settle(manager.createSession('beta'));
    },
  },
  'a healthcheck that repairs and fails': {
    echo: true,
    flow: async (w) => {
      w.fakeGateway.seedChannel('delta', 'connected'); // on the gateway only: not propagated
      w.fakeWpp.setStuck('delta');
      w.fakeWpp.seed('epsilon', { status: 'CONNECTED', pageAlive: false }); // a zombie page
      w.fakeGateway.seedChannel('epsilon', 'connected');
      return settle(w.manager.healthcheck({ repair: true }));
    },
  },
  'a QR wait that ends while the session is still INITIALIZING (PropagationError, stuck)': {
    echo: true,
    flow: async (w) => {
      w.fakeWpp.setStuck('beta');
      const manager = new SessionManager({
        gateway: w.gateway,
        wppconnect: w.wppconnect,
        clock: w.clock,
        qrWaitMs: 5_000,
        stuckAfterMs: 60_000,
      });
      const result = await settle(manager.createSession('beta'));
      expect((result.error as WhatsAppSdkError).code).toBe('propagation_failed');
      return result;
    },
  },
  'a webhook secret on a failing webhook call': {
    echo: false,
    flow: async (w) => {
      const hookSecret = `h${hex(16)}`;
      // The server echoes the request body (with the webhook secret) in its error.
      server.use(
        http.post(`${GATEWAY_URL}/api/channels/:id/webhook`, async ({ request }) =>
          HttpResponse.json({ success: false, error: `bad body ${await request.text()}` }, { status: 500 }),
        ),
      );
      const result = await settle(
        w.gateway.setChannelWebhook('alpha', { url: 'https://hooks.test/x', secret: hookSecret }),
      );
      expect(result.error).toBeInstanceOf(WhatsAppSdkError);
      return { ...result, extraSecrets: [hookSecret] };
    },
  },
};

describe('the secret-heavy flows, with random secrets', () => {
  it(`holds over ${SECRET_FLOW_RUNS} random runs of ${Object.keys(FLOWS).length} flows`, {
    timeout: PROPERTY_TIMEOUT_MS,
  }, async () => {
    const names = Object.keys(FLOWS);
    let index = 0;
    await fc.assert(
      fc.asyncProperty(secretsArbitrary, async (secrets) => {
        const name = names[index++ % names.length] as string;
        const { echo, flow } = FLOWS[name]!;
        const world = createWorld(server, {
          secrets,
          ...(echo ? { echo: (request: Request) => echoOf(request, secrets) } : {}),
        });
        const result = await flow(world, secrets);
        const forms = needles(secrets, world.tokens(), result.extraSecrets);
        const texts = [
          ...(result.error === undefined ? [] : errorRenderings(result.error)),
          ...logRenderings(world),
          ...objectRenderings(world, echo ? {} : { value: result.value }),
        ];
        expectNoLeak(texts, forms, name);
        checks++;
        server.resetHandlers();
      }),
      { numRuns: SECRET_FLOW_RUNS },
    );
    expect(index).toBe(SECRET_FLOW_RUNS);
  });
});

describe('run counts', () => {
  it('match the figures printed in docs/reliability.md', () => {
    expect(checks).toBe(errorPathCells().length + ROWS.length + SECRET_FLOW_RUNS);
  });
});

// Keep `withEcho` exercised here too: a body that is not JSON passes through unchanged.
it('the echo helper leaves non-JSON answers alone', async () => {
  const html = new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
  expect(await (await withEcho(html, 'x')).text()).toBe('<html></html>');
});
