/**
 * `toNodeListener`: mounts a Fetch-API handler in node:http, Express or Fastify's raw server: the request
 * becomes a `Request` (its signal aborts when the client goes away), the `Response` is streamed back, so SSE
 * works.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers that describe the connection, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/** The node:http request, plus what Express adds (its parsed body and original URL) when it is there. */
type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

async function toRequest(req: NodeRequest, signal: AbortSignal): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  // Express keeps the full path in originalUrl; `app.use('/x', …)` strips its mount path from `url`.
  const host = req.headers.host ?? 'localhost';
  const url = new URL(req.originalUrl ?? req.url ?? '/', `http://${host}`);
  const init: RequestInit = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    if (req.readableEnded && req.body !== undefined) {
      // A body parser ran first (express.json()): the stream is spent, so send its result again.
      init.body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers.delete('content-length');
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (chunks.length > 0) init.body = Buffer.concat(chunks);
    }
  }
  return new Request(url, init);
}

/**
 * Adapts a Fetch-API handler (such as the one {@link createSessionsHandler} returns) to node:http's
 * `(req, res)`. Routes are matched on the full path (Express's `originalUrl`), so give the handler the full
 * prefix. Mount it before any body parser, or after `express.json()` (the parsed body is sent again).
 *
 * @example
 * ```ts
 * import express from 'express';
 * const app = express();
 * app.use('/api/whatsapp', toNodeListener(createSessionsHandler(manager, { prefix: '/api/whatsapp', authorize })));
 * // or: http.createServer(toNodeListener(handler)).listen(3000);
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController();
    // The client went away before the end of the answer: abort, which stops an SSE watch.
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    void (async () => {
      let response: Response;
      try {
        response = await handler(await toRequest(req as NodeRequest, controller.signal));
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error');
        return;
      }
      const headers: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        headers[name] = name === 'set-cookie' ? [...((headers[name] as string[]) ?? []), value] : value;
      });
      res.writeHead(response.status, headers);
      if (!response.body || req.method === 'HEAD') {
        res.end();
        return;
      }
      // Headers first, so an SSE client sees the stream open before the first event.
      res.flushHeaders();
      const reader = response.body.getReader();
      controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), {
        once: true,
      });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      } catch {
        res.destroy();
      }
    })();
  };
}
