/**
 * A small session dashboard: the page (index.html beside this file, vanilla JS, no build step) and
 * `createSessionsHandler` under /api, which serves the list, create, reconnect, the live QR as Server-Sent
 * Events, and the webhooks that feed the ActivityTracker.
 *
 *   npx tsx examples/dashboard/server.ts     # against WPP_GATEWAY_* / WPPCONNECT_* (see ../env.ts)
 *   npx tsx examples/dashboard/simulate.ts   # against the in-process simulator; type "scan <id>"
 *
 * It has no login: it listens on 127.0.0.1 and refuses cross-site requests. Put your own authentication in
 * `authorize` before exposing it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
// In your project: import { ... } from 'whatsapp-gateway-sdk' and 'whatsapp-gateway-sdk/http'.
import { createSessionsHandler, toNodeListener } from '../../src/handler/index.js';
import { ActivityTracker, type SessionManager } from '../../src/index.js';
import { ConfigError, connectionFromEnv, createManager } from '../env.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Port; 0 picks a free one. */
  port: number;
  /** The manager every route goes through (give it `tracker` as `activity`). */
  manager: SessionManager;
  /** Where `POST /api/webhooks/:id` records webhooks. */
  tracker?: ActivityTracker;
  /** Interface to listen on; default `127.0.0.1` (the dashboard has no login). */
  host?: string;
}

/** A running dashboard. */
export interface RunningDashboard {
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  /** Stops listening and closes every connection (open event streams too). */
  close(): Promise<void>;
}

/** Same-origin only: a page on another site cannot drive this dashboard (WPPConnect's webhooks send no Origin). */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  return origin === null || origin === new URL(request.url).origin;
}

/** Starts the dashboard. */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
  const api = createSessionsHandler(options.manager, {
    prefix: '/api',
    authorize: sameOrigin,
    ...(options.tracker ? { webhooks: options.tracker } : {}),
  });
  const handler = async (request: Request) =>
    new URL(request.url).pathname === '/'
      ? new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      : api(request);
  const server = createServer(toNodeListener(handler));
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env['PORT'] ?? 3000);
  try {
    const tracker = new ActivityTracker();
    const publicUrl = process.env['DASHBOARD_PUBLIC_URL']; // where WPPConnect can reach /api/webhooks/:id
    const manager = createManager(connectionFromEnv(), {
      activity: tracker,
      ...(publicUrl
        ? { webhookUrl: (id: string) => `${publicUrl}/api/webhooks/${encodeURIComponent(id)}` }
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
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message}`);
    process.exitCode = 2;
  }
}
