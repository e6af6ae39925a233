/**
 * The sessions handler mounted three ways, each on a real loopback port: node:http through toNodeListener,
 * Express through the same adapter, and Hono through @hono/node-server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { type SessionsHandler, toNodeListener } from '../../src/handler/index.js';

export interface Mounted {
  url: string;
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

function listen(server: Server): Promise<Mounted> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => closeServer(server) });
    });
  });
}

export const mounts: Record<string, (handler: SessionsHandler, prefix: string) => Promise<Mounted>> = {
  'node:http': (handler) => listen(createServer(toNodeListener(handler))),
  express: (handler, prefix) => {
    const app = express();
    // A body parser before the handler, as many apps have: the adapter sends its result again.
    app.use(express.json());
    app.use(prefix, toNodeListener(handler));
    app.get('/health', (_req, res) => {
      res.send('ok');
    });
    return listen(createServer(app));
  },
  hono: (handler, prefix) => {
    const app = new Hono();
    app.all(`${prefix}/*`, (c) => handler(c.req.raw));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => closeServer(server as Server),
        });
      });
    });
  },
};
