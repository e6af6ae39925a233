/**
 * `GET /sessions/:id/events`: `watchSession` as Server-Sent Events. One event per update (`event:` is
 * the update's type), a comment line as heartbeat so proxies keep the connection open, and the watch stopped
 * as soon as the client goes away (the request's signal aborts or the stream is cancelled).
 * @module
 * @internal
 */
import type { SessionManager } from '../sessions/manager.js';
import { watchSession } from '../sessions/watch.js';
import type { SessionUpdate, SessionUpdateType } from '../sessions/watch-types.js';
import { toHttpError } from './errors.js';

const encoder = new TextEncoder();

/** One SSE message; `data` is one line of JSON, so no newline can break the framing. */
function frame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The update as JSON; an error goes through `toHttpError` so no upstream detail leaks. */
function toData(update: SessionUpdate): unknown {
  if (update.type !== 'error') return update;
  const { error, ...rest } = update;
  return { ...rest, error: toHttpError(error).body.error };
}

/** @internal */
export function sseResponse(
  manager: SessionManager,
  id: string,
  request: Request,
  options: { heartbeatMs: number; stopOn?: readonly SessionUpdateType[] },
): Response {
  const stop = new AbortController();
  const onGone = () => stop.abort();
  request.signal.addEventListener('abort', onGone, { once: true });
  // Created here, not in `start`, so a bad argument is thrown before any byte is sent.
  const updates = watchSession(manager, id, {
    signal: stop.signal,
    ...(options.stopOn ? { stopOn: options.stopOn } : {}),
  });
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const finish = () => {
    clearInterval(heartbeat);
    request.signal.removeEventListener('abort', onGone);
    stop.abort();
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          stop.abort(); // the stream was closed under us
        }
      };
      send(encoder.encode(`: watching ${JSON.stringify(id)}\nretry: 3000\n\n`));
      heartbeat = setInterval(() => send(encoder.encode(': ping\n\n')), options.heartbeatMs);
      try {
        for await (const update of updates) send(frame(update.type, toData(update)));
        if (!stop.signal.aborted) send(frame('end', { sessionId: id }));
      } finally {
        finish();
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      }
    },
    cancel() {
      finish();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx buffers proxied answers by default, which would hold every event back.
      'x-accel-buffering': 'no',
    },
  });
}
