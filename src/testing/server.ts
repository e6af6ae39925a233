import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway, type FakeGatewayOptions } from './fake-gateway.js';
import { FakeWppConnect, type FakeWppConnectOptions } from './fake-wppconnect.js';

/** Options of {@link startFakeServers}. */
export interface StartFakeServersOptions {
  /** Interface to listen on; default `127.0.0.1` (never all interfaces by accident). */
  host?: string;
  /** Port of the fake gateway; default 0 (a free port). */
  gatewayPort?: number;
  /** Port of the fake WPPConnect; default 0 (a free port). */
  wppconnectPort?: number;
  /** Options of the fake gateway (its `wppconnect` and `baseUrl` are set by the function). */
  gateway?: Partial<FakeGatewayOptions>;
  /** Options of the fake WPPConnect (its `baseUrl` is set by the function). */
  wppconnect?: Partial<FakeWppConnectOptions>;
}

/** The running fake servers returned by {@link startFakeServers}. */
export interface FakeServers {
  /** Base URL of the fake gateway, e.g. `http://127.0.0.1:40123`. */
  gatewayUrl: string;
  /** Base URL of the fake WPPConnect. */
  wppconnectUrl: string;
  /** The gateway's `X-Gateway-Secret`. */
  secret: string;
  /** The WPPConnect `SECRET_KEY` at start. */
  secretKey: string;
  /** The fake gateway, to flip faults and inspect calls. */
  gateway: FakeGateway;
  /** The fake WPPConnect, to scan QRs, kill pages, restart, and inspect calls. */
  wppconnect: FakeWppConnect;
  /** Stops both servers and closes every socket, idle keep-alive ones included; nothing is left pending. */
  close(): Promise<void>;
}

interface Fake {
  baseUrl: string;
  handle(request: Request): Promise<Response>;
}

/** Headers node:http owns, or that describe the old message rather than the new `Request`. */
const SKIPPED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function toRequest(req: IncomingMessage, baseUrl: string, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!SKIPPED_HEADERS.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const init: RequestInit = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD' && chunks.length > 0) init.body = Buffer.concat(chunks);
  return new Request(new URL(req.url ?? '/', new URL(baseUrl).origin), init);
}

async function writeResponse(res: ServerResponse, response: Response, head: boolean): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] ??= String(body.length);
  res.writeHead(response.status, headers);
  res.end(head ? undefined : body);
}

/** A node:http server that turns each request into a WHATWG `Request` for `fake.handle()`. */
function serverFor(fake: Fake): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    // The client went away before the answer: abort the fake's work (latency timer, /healthz hang).
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const run = async () => {
      const request = await toRequest(req, fake.baseUrl, controller.signal);
      await writeResponse(res, await fake.handle(request), req.method === 'HEAD');
    };
    run().catch((error: unknown) => {
      if (controller.signal.aborted || res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`fake server error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the fake WPPConnect and the fake gateway as two real HTTP servers (the simulator behind
 * `npm run demo` and `whatsapp-gateway simulate`, and end-to-end tests with real `fetch`).
 *
 * The fakes are built first and their `baseUrl` is set to the real address once the ports are known, so
 * the gateway's in-process calls and the WPPConnect call log use the URLs clients see. The fakes' state
 * moves lazily with their clock, so the servers run no timers of their own; `close()` leaves nothing
 * pending.
 *
 * @example
 * ```ts
 * const sim = await startFakeServers();
 * const res = await fetch(`${sim.gatewayUrl}/api/channels`, { headers: { 'X-Gateway-Secret': sim.secret } });
 * await sim.close();
 * ```
 */
export async function startFakeServers(options: StartFakeServersOptions = {}): Promise<FakeServers> {
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const wppconnect = new FakeWppConnect({ ...options.wppconnect, baseUrl: `http://${urlHost}` });
  const gateway = new FakeGateway({ ...options.gateway, wppconnect, baseUrl: `http://${urlHost}` });
  const servers = [serverFor(wppconnect), serverFor(gateway)] as const;
  const close = async () => {
    await Promise.all(servers.map(stop));
  };
  try {
    wppconnect.baseUrl = `http://${urlHost}:${await listen(servers[0], options.wppconnectPort ?? 0, host)}`;
    gateway.baseUrl = `http://${urlHost}:${await listen(servers[1], options.gatewayPort ?? 0, host)}`;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    gatewayUrl: gateway.baseUrl,
    wppconnectUrl: wppconnect.baseUrl,
    secret: gateway.secret,
    secretKey: wppconnect.secretKey,
    gateway,
    wppconnect,
    close,
  };
}
