/**
 * Session management inside an existing Express app: the sessions routes, the live QR (Server-Sent Events)
 * and the webhooks, mounted under /admin/whatsapp behind the app's own check, next to the app's routes.
 *
 *   ADMIN_TOKEN=… npx tsx examples/express-app.ts   # with WPP_GATEWAY_* / WPPCONNECT_* (see env.ts)
 *
 * Then: curl -H "authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:3000/admin/whatsapp/sessions
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
// In your project: import { ... } from 'whatsapp-gateway-sdk' and 'whatsapp-gateway-sdk/http'.
import { createSessionsHandler, toNodeListener } from '../src/handler/index.js';
import { ActivityTracker, type SessionManager } from '../src/index.js';
import { ConfigError, connectionFromEnv, createManager } from './env.js';

/** Where the routes live. */
export const PREFIX = '/admin/whatsapp';

/** Builds the app: its own routes, plus the SDK's under {@link PREFIX}. */
export function createApp(manager: SessionManager, tracker: ActivityTracker, adminToken: string) {
  const app = express();
  app.use(express.json()); // the app's own body parser; the adapter re-sends what it parsed
  app.get('/', (_req, res) => {
    res.send('my app');
  });
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
  app.use(PREFIX, toNodeListener(sessions));
  return app;
}

/** Starts the app on `port` (0: a free one); resolves with its URL and a close function. */
export function listen(app: express.Express, port: number): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server: Server = app.listen(port, '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
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
