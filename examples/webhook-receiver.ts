/**
 * A webhook receiver on plain node:http: `POST /hooks/wpp/:session` takes WPPConnect's raw bodies and the
 * gateway's `spec_version: "1.0"` envelopes, feeds an `ActivityTracker` (the zombie rule's evidence) and
 * answers 200 at once.
 *
 * Point WPPConnect at it per session (the SessionManager sends this URL on every start-session):
 *   new SessionManager({ gateway, wppconnect, activity: tracker,
 *                        webhookUrl: (id) => `https://app.example.com/hooks/wpp/${encodeURIComponent(id)}` })
 *
 *   PORT=8080 WEBHOOK_TOKEN=… npx tsx examples/webhook-receiver.ts
 *
 * Rules it keeps:
 * - the session id in the URL wins over the body's: WPPConnect drops `session` from some bodies after a
 *   close-session, and the gateway may send an alias (`Marketing Team` for `marketing`);
 * - only JSON objects with an event name are accepted (400 otherwise), bodies are capped (413), and the
 *   answer goes out before any slow work (your `onEvent` runs after it);
 * - WPPConnect signs nothing: with `secret` set, a request must carry it as `?token=`
 *   (put it in the webhook URL) or in `X-Webhook-Secret` / `X-Gateway-Secret`, else 403.
 * Note: with WPPConnect's default `readMessage: true`, a 2xx answer to `onmessage` marks the chat as read.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
// In your project: import { ... } from 'whatsapp-gateway-sdk';
import {
  ActivityTracker,
  assertSessionId,
  InvalidArgumentError,
  parseWebhook,
  ResponseValidationError,
  type WebhookEvent,
} from '../src/index.js';

/** Default body cap: the gateway's own JSON limit. Media arrive base64 in the body. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** Where message activity is recorded. */
  tracker: ActivityTracker;
  /** Largest accepted body, in bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Shared secret required on every request (`?token=`, `X-Webhook-Secret` or `X-Gateway-Secret`). */
  secret?: string;
  /** Called with every accepted event, after the answer was sent (store it, forward it…). */
  onEvent?: (event: WebhookEvent) => void | Promise<void>;
  /** Called when `onEvent` fails; default `console.error`. */
  onError?: (error: unknown) => void;
}

const ROUTE = /^\/hooks\/wpp\/([^/]+)$/;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads the body up to `limit` bytes; resolves `null` as soon as it is larger. */
function readCapped(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * The request handler. Returns false when the path is not `/hooks/wpp/:session` (so it can sit in front of
 * other routes), true when it answered.
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? ((error: unknown) => console.error('webhook onEvent failed:', error));

  async function handle(req: IncomingMessage, res: ServerResponse, rawSession: string, url: URL) {
    if (req.method !== 'POST') return reply(res, 405, { error: 'METHOD_NOT_ALLOWED' }, { allow: 'POST' });
    let sessionId: string;
    try {
      sessionId = assertSessionId(decodeURIComponent(rawSession), 'session');
    } catch (error) {
      const message = error instanceof InvalidArgumentError ? error.message : 'bad session id';
      return reply(res, 400, { error: 'INVALID_SESSION', message });
    }
    if (options.secret !== undefined) {
      const given =
        url.searchParams.get('token') ?? req.headers['x-webhook-secret'] ?? req.headers['x-gateway-secret'];
      if (!sameSecret(Array.isArray(given) ? given[0] : given, options.secret)) {
        return reply(res, 403, { error: 'INVALID_SECRET' });
      }
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      return reply(res, 400, { error: 'NOT_JSON', message: 'expected Content-Type: application/json' });
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      return reply(res, 413, { error: 'TOO_LARGE', limit }, { connection: 'close' });
    }
    const body = await readCapped(req, limit);
    if (body === null) return reply(res, 413, { error: 'TOO_LARGE', limit }, { connection: 'close' });

    let event: WebhookEvent;
    try {
      // The URL's session wins over whatever the body says.
      event = parseWebhook(body, { sessionId });
    } catch (error) {
      if (!(error instanceof ResponseValidationError)) throw error;
      return reply(res, 400, { error: 'INVALID_WEBHOOK', message: error.message });
    }
    // Cheap and synchronous: only message events count (presence and acks are not proof of life).
    const counted = options.tracker.recordEvent(event);
    reply(res, 200, { ok: true, event: event.rawEvent, kind: event.kind, counted });

    if (options.onEvent) {
      // After the answer: WPPConnect does not retry, and a slow receiver only delays its next webhooks.
      Promise.resolve()
        .then(() => options.onEvent?.(event))
        .catch(onError);
    }
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTE.exec(url.pathname);
    if (!match) return false;
    handle(req, res, match[1] as string, url).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) reply(res, 500, { error: 'INTERNAL' });
      else res.destroy();
    });
    return true;
  };
}

/** A running receiver. */
export interface RunningReceiver {
  /** Base URL, e.g. `http://127.0.0.1:8080`; webhooks go to `${url}/hooks/wpp/<session>`. */
  url: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts a standalone receiver. Port 0 picks a free port. */
export async function startWebhookReceiver(
  options: WebhookHandlerOptions & { port?: number; host?: string },
): Promise<RunningReceiver> {
  const handler = createWebhookHandler(options);
  const server: Server = createServer((req, res) => {
    if (!handler(req, res)) reply(res, 404, { error: 'NOT_FOUND' });
  });
  // A webhook is small and quick; do not let a slow client hold a socket for the default five minutes.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
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
  const tracker = new ActivityTracker();
  const secret = process.env['WEBHOOK_TOKEN'];
  const receiver = await startWebhookReceiver({
    tracker,
    port: Number(process.env['PORT'] ?? 8080),
    host: process.env['HOST'] ?? '127.0.0.1',
    ...(secret ? { secret } : {}),
    onEvent: (event) => {
      const at = event.at?.toISOString() ?? 'no time';
      console.log(`${event.sessionId} ${event.rawEvent} (${event.kind}) ${at}`);
    },
  });
  console.log(`listening on ${receiver.url}/hooks/wpp/<session>${secret ? '?token=…' : ''}`);
  process.once('SIGINT', () => void receiver.close());
  process.once('SIGTERM', () => void receiver.close());
}
