/**
 * A small session dashboard on plain node:http (no framework): the plan of seeds/003 as an app.
 *
 *   GET  /                        the page (index.html beside this file: vanilla JS, no build step)
 *   GET  /sessions                every session: true status, badge, last message, zombie flag
 *   GET  /sessions/:id            one session, with its current QR (the page polls this until connected)
 *   POST /sessions                {"id": "imobsites"} → create on the gateway AND WPPConnect → QR
 *   POST /sessions/:id/reconnect  {"force": true?} → the reconnect ladder → QR (or connected)
 *   POST /hooks/wpp/:session      webhooks, when an ActivityTracker is given (see ../webhook-receiver.ts)
 *
 *   npx tsx examples/dashboard/server.ts              # against WPP_GATEWAY_* / WPPCONNECT_* (see ../env.ts)
 *   npx tsx examples/dashboard/server.ts --simulate   # against the in-process simulator; type "scan <id>"
 *
 * It has no login: it listens on 127.0.0.1 by default. Put it behind your own authentication before
 * exposing it. POSTs must be JSON, which a cross-site form cannot send without a CORS preflight.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
// In your project: import { ... } from 'whatsapp-gateway-sdk';
import {
  ActivityTracker,
  InvalidArgumentError,
  NotFoundError,
  PropagationError,
  QrTimeoutError,
  type SessionInfo,
  type SessionManager,
  type SessionReport,
  WhatsAppSdkError,
} from '../../src/index.js';
import { ConfigError, connectionFromEnv, createManager } from '../env.js';
import { createWebhookHandler } from '../webhook-receiver.js';

/** How a status is shown: the seed's labels (connected / disconnected / QR pending / possibly dead). */
export interface Badge {
  label: string;
  tone: 'ok' | 'pending' | 'warn' | 'bad' | 'muted';
}

/** A session as the page receives it. */
export interface SessionView {
  id: string;
  status: SessionInfo['status'];
  badge: Badge;
  gatewayStatus: string | null;
  wppconnectStatus: string | null;
  lastActivityAt: string | null;
  isZombie: boolean;
  inconsistent: boolean;
  notes: string[];
}

/** The badge of a session. A zombie is "possibly dead" whatever WPPConnect says. */
export function badgeFor(info: Pick<SessionInfo, 'status' | 'isZombie'>): Badge {
  if (info.isZombie) return { label: 'possibly dead', tone: 'warn' };
  switch (info.status) {
    case 'connected':
      return { label: 'connected', tone: 'ok' };
    case 'qr_required':
      return { label: 'QR pending', tone: 'pending' };
    case 'pairing_code':
      return { label: 'pairing code pending', tone: 'pending' };
    case 'starting':
      return { label: 'starting', tone: 'pending' };
    case 'disconnected':
      return { label: 'disconnected', tone: 'bad' };
    case 'not_propagated':
      return { label: 'not on WPPConnect', tone: 'bad' };
    case 'missing':
      return { label: 'missing', tone: 'bad' };
    default:
      return { label: 'unknown', tone: 'muted' };
  }
}

/** The JSON view of a session (dates as ISO strings, the QR left out). */
export function toView(info: SessionInfo): SessionView {
  return {
    id: info.id,
    status: info.status,
    badge: badgeFor(info),
    gatewayStatus: info.gatewayStatus,
    wppconnectStatus: info.wppconnectStatus,
    lastActivityAt: info.lastActivityAt?.toISOString() ?? null,
    isZombie: info.isZombie,
    inconsistent: info.inconsistent,
    notes: info.notes,
  };
}

function reportBody(report: SessionReport) {
  return {
    session: toView(report),
    qr: report.qr?.dataUrl ?? null,
    repaired: report.repaired,
    verifiedOnWppconnect: report.verifiedOnWppconnect,
    actions: report.actions.map(({ step, outcome, detail }) => ({
      step,
      outcome,
      ...(detail ? { detail } : {}),
    })),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status and JSON body for an error: what the page shows in its modal. */
export function errorBody(error: unknown): { status: number; body: { error: Record<string, unknown> } } {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { name: 'HttpError', code: error.code, message: error.message } },
    };
  }
  if (error instanceof WhatsAppSdkError) {
    const status =
      error instanceof InvalidArgumentError
        ? 400
        : error instanceof NotFoundError
          ? 404
          : error instanceof QrTimeoutError
            ? 504
            : 502; // the gateway or WPPConnect failed us: a bad gateway, from the browser's point of view
    const details: Record<string, unknown> = { name: error.name, code: error.code, message: error.message };
    if (error instanceof PropagationError && error.likelyCause) details['likelyCause'] = error.likelyCause;
    if (error instanceof NotFoundError && error.existingId) details['existingId'] = error.existingId;
    return { status, body: { error: details } };
  }
  return { status: 500, body: { error: { name: 'Error', code: 'internal', message: 'internal error' } } };
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Reads a small JSON body from a POST; an empty body is `{}`. */
async function readJson(req: IncomingMessage, limit = 16 * 1024): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'too_large', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'not_json', 'send application/json');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_json', 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Port; 0 picks a free one. */
  port: number;
  /** The manager every route goes through. */
  manager: SessionManager;
  /** Interface to listen on; default `127.0.0.1` (the dashboard has no login). */
  host?: string;
  /** When given, `POST /hooks/wpp/:session` feeds it (give the same tracker to the manager as `activity`). */
  tracker?: ActivityTracker;
}

/** A running dashboard. */
export interface RunningDashboard {
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts the dashboard. */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const { manager } = options;
  const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
  const hooks = options.tracker ? createWebhookHandler({ tracker: options.tracker }) : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/' && method === 'GET') return send(res, 200, page, 'text/html; charset=utf-8');
    if (path === '/sessions' && method === 'GET') {
      const sessions = await manager.listSessions();
      return send(res, 200, { sessions: sessions.map(toView) });
    }
    if (path === '/sessions' && method === 'POST') {
      const body = await readJson(req);
      if (typeof body['id'] !== 'string')
        throw new HttpError(400, 'invalid_argument', 'expected {"id": "<session id>"}');
      // InvalidArgumentError (400) for an id with '/', ':', '..', spaces at the ends, more than 100 chars…
      const report = await manager.createSession(body['id']);
      return send(res, 201, reportBody(report));
    }
    const one = /^\/sessions\/([^/]+)(\/reconnect)?$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1] as string);
      if (one[2] && method === 'POST') {
        const body = await readJson(req);
        // `force` restarts a session WPPConnect believes is fine: the remedy for a zombie.
        const report = await manager.reconnect(id, { force: body['force'] === true });
        return send(res, 200, reportBody(report));
      }
      if (!one[2] && method === 'GET') {
        const info = await manager.getSession(id);
        return send(res, 200, { session: toView(info), qr: info.qr?.dataUrl ?? null });
      }
    }
    throw new HttpError(404, 'not_found', `no route ${method} ${path}`);
  }

  const server: Server = createServer((req, res) => {
    if (hooks?.(req, res)) return;
    route(req, res).catch((error: unknown) => {
      const { status, body } = errorBody(error);
      if (status === 500) console.error('dashboard:', error);
      if (!res.headersSent) send(res, status, body);
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `--simulate`: the in-process simulator with three sessions to look at, and "scan <id>" on stdin. */
async function simulate(port: number): Promise<void> {
  // In your project: import { startFakeServers } from 'whatsapp-gateway-sdk/testing';
  const { startFakeServers } = await import('../../src/testing/index.js');
  const sim = await startFakeServers({ wppconnect: { initializingMs: 1_500 } });
  sim.wppconnect.seed('pixel12digital', { status: 'CONNECTED' });
  sim.gateway.seedChannel('pixel12digital', 'connected');
  sim.wppconnect.seed('vendas', { status: 'CONNECTED' });
  sim.gateway.seedChannel('vendas', 'connected');
  sim.gateway.seedChannel('ImobSites', 'qr_required'); // the gateway has it, WPPConnect never got it
  const tracker = new ActivityTracker();
  const now = Date.now();
  tracker.record({ event: 'onmessage', session: 'pixel12digital', t: Math.floor(now / 1000) - 600 });
  tracker.record({ event: 'onmessage', session: 'vendas', t: Math.floor(now / 1000) - 5 * 3600 }); // a zombie
  const manager = createManager(
    {
      gatewayBaseUrl: sim.gatewayUrl,
      gatewaySecret: sim.secret,
      wppconnectBaseUrl: sim.wppconnectUrl,
      wppconnectSecretKey: sim.secretKey,
    },
    { activity: tracker },
  );
  const dashboard = await startDashboard({ port, manager, tracker });
  console.log(
    `dashboard on ${dashboard.url} (simulator). Type "scan <id>" to scan a QR with the fake phone.`,
  );
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, id] = line.trim().split(/\s+/);
    if (command !== 'scan' || !id) return void console.log('usage: scan <id>');
    try {
      sim.wppconnect.scan(id);
      console.log(`scanned ${id}`);
    } catch (error) {
      console.log(error instanceof Error ? error.message : String(error));
    }
  });
  const stop = async () => {
    input.close();
    await dashboard.close();
    await sim.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env['PORT'] ?? 3000);
  if (process.argv.includes('--simulate')) {
    await simulate(port);
  } else {
    try {
      const tracker = new ActivityTracker();
      const publicUrl = process.env['DASHBOARD_PUBLIC_URL']; // where WPPConnect can reach /hooks/wpp/:session
      const manager = createManager(connectionFromEnv(), {
        activity: tracker,
        ...(publicUrl
          ? { webhookUrl: (id: string) => `${publicUrl}/hooks/wpp/${encodeURIComponent(id)}` }
          : {}),
      });
      const dashboard = await startDashboard({
        port,
        manager,
        tracker,
        host: process.env['HOST'] ?? '127.0.0.1',
      });
      console.log(`dashboard on ${dashboard.url}`);
      process.once('SIGINT', () => void dashboard.close());
      process.once('SIGTERM', () => void dashboard.close());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`configuration: ${error.message}`);
      process.exitCode = 2;
    }
  }
}
