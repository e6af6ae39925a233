/**
 * The world every reliability cell runs in: the two stateful fakes behind MSW, both public clients and a
 * SessionManager, with everything a cell needs to observe — a recording `sleep` (retries never wait), a
 * capturing logger, a log of every request that left a client (through MSW or an injected `fetch`), and the
 * secrets, which are random when the cell asks for it.
 *
 * Seeded state (the same in every world, so each method has something to act on):
 * - `alpha`: a channel on the gateway, a session in QRCODE on WPPConnect;
 * - `gamma`: a channel on the gateway, a CONNECTED live session on WPPConnect;
 * - `beta`: unknown to both (what `createChannel` / `createSession` create).
 */
import { inspect } from 'node:util';
import { HttpResponse, http, type RequestHandler } from 'msw';
import type { setupServer } from 'msw/node';
import {
  type LogFields,
  type Logger,
  MemoryTokenStore,
  SessionManager,
  type SessionManagerOptions,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../../../src/index.js';
import { FakeGateway, FakeWppConnect, ManualClock } from '../../../src/testing/index.js';

export type Host = 'gateway' | 'wppconnect';

/** One request that left a client: through MSW (`request:start`) or through an injected `fetch`. */
export interface SentRequest {
  host: Host;
  method: string;
  /** Path relative to the host, e.g. `/api/channels/alpha`. */
  path: string;
}

/** One line written to a logger by a client or the manager. */
export interface LogLine {
  source: 'gateway' | 'wppconnect' | 'manager';
  level: string;
  message: string;
  fields: LogFields | undefined;
}

/** The credentials of one world. */
export interface Secrets {
  gatewaySecret: string;
  wppSecretKey: string;
}

export const DEFAULT_SECRETS: Secrets = {
  gatewaySecret: 'gateway-secret-for-reliability',
  wppSecretKey: 'wpp-secret-key-for-reliability',
};

export const GATEWAY_URL = 'http://gateway.reliability.test';
export const WPP_URL = 'http://wppconnect.reliability.test';

/** Options of {@link createWorld}. */
export interface WorldOptions {
  secrets?: Secrets;
  /** Per-attempt timeout of each client (the timeout cells shorten the faulted one). */
  timeoutMs?: Partial<Record<Host, number>>;
  /** A fetch to inject into a client (the DNS cells); it receives the world to log attempts. */
  fetch?: Partial<Record<Host, typeof globalThis.fetch>>;
  /** Largest body a client reads. Default: the SDK's default (10 MiB). */
  maxBodyBytes?: number;
  /** Called by the recording sleep before it returns (the abort-mid-retry cells abort here). */
  onSleep?: (ms: number, signal: AbortSignal | undefined) => void;
  /** Server-side echo: every JSON `message`/`error` string the fakes send gets this appended. */
  echo?: (request: Request) => string;
  /** Overrides for the manager. */
  manager?: Partial<SessionManagerOptions>;
  /** Pre-fill the token store so bearer calls go straight to their route. Default true. */
  preloadTokens?: boolean;
}

export interface World {
  clock: ManualClock;
  fakeWpp: FakeWppConnect;
  fakeGateway: FakeGateway;
  gateway: WhatsAppGatewayClient;
  wppconnect: WppConnectClient;
  tokenStore: MemoryTokenStore;
  manager: SessionManager;
  secrets: Secrets;
  /** Every token the fake issued in this world (preloaded or through generate-token). */
  tokens(): string[];
  requests: SentRequest[];
  /** Delays the transports asked to wait before a retry, in order. */
  sleeps: number[];
  logs: LogLine[];
}

function capture(source: LogLine['source'], logs: LogLine[]): Logger {
  const line = (level: string) => (message: string, fields?: LogFields) => {
    logs.push({ source, level, message, fields });
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

export function hostOf(url: string): Host | undefined {
  if (url.startsWith(GATEWAY_URL)) return 'gateway';
  if (url.startsWith(WPP_URL)) return 'wppconnect';
  return undefined;
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** Appends `suffix` to every `message` / `error` string of a JSON object, recursively (one level deep is enough). */
function echoInto(body: unknown, suffix: string): unknown {
  if (Array.isArray(body)) return body.map((item) => echoInto(item, suffix));
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((key === 'message' || key === 'error') && typeof value === 'string') out[key] = `${value} ${suffix}`;
    else if (key === 'message' || key === 'error') out[key] = value ?? suffix;
    else out[key] = typeof value === 'object' ? echoInto(value, suffix) : value;
  }
  return out;
}

/** Rewrites a JSON response of a fake so its messages echo what the request carried. */
export async function withEcho(response: Response, suffix: string): Promise<Response> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, response);
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(echoInto(body, suffix)), { status: response.status, headers });
}

/** MSW handlers that serve the fakes, optionally echoing secrets into their messages. */
function fakeHandlers(fakes: Array<FakeWppConnect | FakeGateway>, echo?: (request: Request) => string) {
  return fakes.map((fake) =>
    http.all(`${fake.baseUrl}/*`, async ({ request }) => {
      const suffix = echo?.(request.clone());
      try {
        const response = await fake.handle(request);
        return suffix === undefined ? response : await withEcho(response, suffix);
      } catch (error) {
        if (request.signal.aborted) return HttpResponse.error();
        throw error;
      }
    }),
  );
}

/**
 * Builds a world and registers its fakes on `server` (behind any handler the cell adds later with
 * `server.use`, which prepends).
 */
export function createWorld(server: ReturnType<typeof setupServer>, options: WorldOptions = {}): World {
  const secrets = options.secrets ?? DEFAULT_SECRETS;
  const clock = new ManualClock();
  const fakeWpp = new FakeWppConnect({ clock, baseUrl: WPP_URL, secretKey: secrets.wppSecretKey });
  const fakeGateway = new FakeGateway({
    wppconnect: fakeWpp,
    clock,
    baseUrl: GATEWAY_URL,
    secret: secrets.gatewaySecret,
  });
  fakeGateway.seedChannel('alpha', 'qr_required');
  fakeGateway.seedChannel('gamma', 'connected');
  fakeWpp.seed('alpha', { status: 'QRCODE' });
  fakeWpp.seed('gamma', { status: 'CONNECTED' });

  const handlers: RequestHandler[] = fakeHandlers([fakeWpp, fakeGateway], options.echo);
  server.use(...handlers);

  const requests: SentRequest[] = [];
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const issued: string[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    sleeps.push(ms);
    options.onSleep?.(ms, signal);
    signal?.throwIfAborted();
  };
  const tokenStore = new MemoryTokenStore();
  if (options.preloadTokens ?? true) {
    for (const id of ['alpha', 'beta', 'gamma']) {
      const token = fakeWpp.issueToken(id);
      issued.push(token);
      tokenStore.set(id, token);
    }
  }
  const common = (host: Host) => ({
    sleep,
    ...(options.timeoutMs?.[host] === undefined ? {} : { timeoutMs: options.timeoutMs[host] }),
    ...(options.fetch?.[host] ? { fetch: options.fetch[host] } : {}),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    retry: { limit: 2 },
  });
  const gateway = new WhatsAppGatewayClient({
    baseUrl: GATEWAY_URL,
    secret: secrets.gatewaySecret,
    logger: capture('gateway', logs),
    ...common('gateway'),
  });
  const wppconnect = new WppConnectClient({
    baseUrl: WPP_URL,
    secretKey: secrets.wppSecretKey,
    tokenStore: {
      get: (id) => tokenStore.get(id),
      set: (id, token) => {
        issued.push(token);
        tokenStore.set(id, token);
      },
      delete: (id) => tokenStore.delete(id),
    },
    logger: capture('wppconnect', logs),
    ...common('wppconnect'),
  });
  const manager = new SessionManager({
    gateway,
    wppconnect,
    clock,
    webhookUrl: (id) => `https://app.reliability.test/hooks/${id}`,
    logger: capture('manager', logs),
    ...options.manager,
  });
  return {
    clock,
    fakeWpp,
    fakeGateway,
    gateway,
    wppconnect,
    tokenStore,
    manager,
    secrets,
    tokens: () => [...issued],
    requests,
    sleeps,
    logs,
  };
}

/** Renders a log line the ways a logger backend would (text, JSON, inspect). */
export function renderLog(line: LogLine): string {
  let json = '';
  try {
    json = JSON.stringify(line.fields) ?? '';
  } catch {
    json = '[unserialisable]';
  }
  return `${line.message}\n${json}\n${inspect(line.fields, { depth: 10 })}`;
}
