/**
 * Session management in a Hono app: `createSessionsHandler` is a Fetch-API handler, so Hono takes it as it
 * is (as do Bun, Deno and Next.js route handlers). Served here on Node by @hono/node-server.
 *
 *   ADMIN_TOKEN=… npx tsx examples/hono-app.ts   # with WPP_GATEWAY_* / WPPCONNECT_* (see env.ts)
 *
 * Then: curl -H "authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:3000/api/whatsapp/sessions
 */
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
// In your project: import { ... } from 'whatsapp-gateway-sdk' and 'whatsapp-gateway-sdk/http'.
import { createSessionsHandler } from '../src/handler/index.js';
import { ActivityTracker, type SessionManager } from '../src/index.js';
import { ConfigError, connectionFromEnv, createManager } from './env.js';

/** Where the routes live. */
export const PREFIX = '/api/whatsapp';

/** Builds the app: its own routes, plus the SDK's under {@link PREFIX}. */
export function createApp(manager: SessionManager, tracker: ActivityTracker, adminToken: string): Hono {
  const sessions = createSessionsHandler(manager, {
    prefix: PREFIX,
    webhooks: tracker,
    authorize: (request) => {
      const url = new URL(request.url);
      // WPPConnect signs nothing: its webhook URL carries the token instead of a header.
      if (url.pathname.startsWith(`${PREFIX}/webhooks/`)) return url.searchParams.get('token') === adminToken;
      return request.headers.get('authorization') === `Bearer ${adminToken}`;
    },
  });
  const app = new Hono();
  app.get('/', (c) => c.text('my app'));
  app.all(`${PREFIX}/*`, (c) => sessions(c.req.raw));
  return app;
}

/** Serves the app on `port` (0: a free one); resolves with its URL and a close function. */
export function listen(app: Hono, port: number): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const token = process.env['ADMIN_TOKEN'];
    if (!token) throw new ConfigError('set ADMIN_TOKEN: the sessions routes need it');
    const tracker = new ActivityTracker();
    const publicUrl = process.env['APP_PUBLIC_URL']; // where WPPConnect can reach this app
    const manager = createManager(connectionFromEnv(), {
      activity: tracker,
      ...(publicUrl
        ? {
            webhookUrl: (id: string) =>
              `${publicUrl}${PREFIX}/webhooks/${encodeURIComponent(id)}?token=${token}`,
          }
        : {}),
    });
    const { url } = await listen(createApp(manager, tracker, token), Number(process.env['PORT'] ?? 3000));
    console.log(`app on ${url}, sessions under ${url}${PREFIX}/sessions`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message}`);
    process.exitCode = 2;
  }
}
