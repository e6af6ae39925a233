/**
 * What the benchmarks talk to: a minimal gateway look-alike on node:http, the stateful fakes (over node:http
 * or in process), a fleet seeded into them, and an activity source that counts its calls.
 *
 * The fakes are imported module by module, never through `src/testing/index.ts`, which pulls in msw.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { FakeGateway } from '../../src/testing/fake-gateway.js';
import type { FakeWppConnect } from '../../src/testing/fake-wppconnect.js';

/** A running server and how to stop it. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A server that answers every request with the same JSON body, as fast as node:http can: the gateway's
 * `GET /api/channels/{id}` without the gateway's own work, so a per-call benchmark measures the client.
 * node:http keeps connections alive by default, and so does `fetch`, so every call reuses one socket.
 */
export function startJsonServer(body: string): Promise<Running> {
  const bytes = Buffer.from(body);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length };
  return listen(
    createServer((request, response) => {
      request.resume(); // drain any request body, so the socket can serve the next request
      response.writeHead(200, headers);
      response.end(bytes);
    }),
  );
}

/** Something that answers WHATWG requests (both fakes do). */
interface Handler {
  baseUrl: string;
  handle(request: Request): Promise<Response>;
}

/**
 * A `fetch` that hands each request to the fake owning its origin, in process: no sockets, no parsing of
 * HTTP, so a long run measures the SDK and the fakes' own work only.
 *
 * The caller's signal is not passed on to the fakes: on Node 20 a `Request` built with a signal costs several
 * times one without (undici ties a controller and a finalizer to it), which would be the harness's cost, not
 * the SDK's. The SDK still creates and watches its own signals. Runs that use this never abort.
 */
export function inProcessFetch(...fakes: Handler[]): typeof globalThis.fetch {
  return async (input, init) => {
    // A real fetch always waits for I/O. Without this hop a whole listing would run as one chain of
    // microtasks, and no timer (a timeout, an abort) could fire until it ended.
    await yieldToLoop();
    const { signal: _ignored, ...rest } = init ?? {};
    const request = input instanceof Request ? input : new Request(input, rest);
    const origin = new URL(request.url).origin;
    const fake = fakes.find((candidate) => new URL(candidate.baseUrl).origin === origin);
    if (!fake) throw new TypeError(`fetch failed: no fake serves ${origin}`);
    return fake.handle(request);
  };
}

/** What {@link replayingFetch} recorded and replayed. */
export interface ReplayStats {
  recorded: number;
  replayed: number;
}

/**
 * A `fetch` that asks `inner` (the fakes) the first time it sees a method and URL, records the answer (status,
 * headers, body text), and replays it for every later request of the same method and URL, as a new
 * `Response`. For repeated rounds over a fleet that does not change (a healthcheck without repair) the answers
 * are the fakes' own, while a round costs the SDK's work only: the fakes' routing, token checks and answer
 * building are paid once. The recordings are made in the first round and never grow after it, so they are a
 * constant share of the heap, not growth.
 */
export function replayingFetch(inner: typeof globalThis.fetch): {
  fetch: typeof globalThis.fetch;
  stats: ReplayStats;
} {
  const answers = new Map<string, { status: number; headers: [string, string][]; body: string }>();
  const stats: ReplayStats = { recorded: 0, replayed: 0 };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const key = `${request.method} ${request.url}`;
    const known = answers.get(key);
    if (known) {
      stats.replayed++;
      await yieldToLoop(); // a real fetch always waits for I/O (see inProcessFetch)
      return new Response(known.body, { status: known.status, headers: known.headers });
    }
    const response = await inner(request);
    const body = await response.text();
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => {
      headers.push([name, value]);
    });
    answers.set(key, { status: response.status, headers, body });
    stats.recorded++;
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch, stats };
}

/** Ids `s00001`, `s00002`, … (zero-padded, so they sort as they were made). */
export function sessionIds(count: number, prefix = 's'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(5, '0')}`);
}

/**
 * A fleet in production's usual state: every session CONNECTED on WPPConnect (with a live page), and
 * listed as `connected` in the gateway's own store.
 */
export function seedFleet(wpp: FakeWppConnect, gateway: FakeGateway, ids: readonly string[]): void {
  for (const id of ids) {
    wpp.seed(id, { status: 'CONNECTED' });
    gateway.seedChannel(id, 'connected');
  }
}

/**
 * An activity source (the SDK's `ActivitySource` shape) that counts its calls: the manager must make exactly
 * one per listing, whatever the size of the fleet.
 *
 * A share `recentShare` of the sessions, spread evenly over the list (with 0.8: four in every five), had a
 * message `recentAgeMs` ago; the others `staleAgeMs` ago, beyond the window in which a message spares the
 * liveness probe but within the zombie threshold, so every session still reads connected.
 */
export class CountingActivity {
  calls = 0;
  idsSeen = 0;

  constructor(
    private readonly mix: { recentShare: number; recentAgeMs: number; staleAgeMs: number } = FLEET_MIX,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the session at `index` of a listing had a recent message. */
  static isRecent(index: number, share: number): boolean {
    return Math.floor((index + 1) * share) > Math.floor(index * share);
  }

  async lastActivity(ids: readonly string[]): Promise<ReadonlyMap<string, Date | null>> {
    this.calls++;
    this.idsSeen += ids.length;
    const now = this.now();
    const { recentShare, recentAgeMs, staleAgeMs } = this.mix;
    return new Map(
      ids.map((id, i) => [
        id,
        new Date(now - (CountingActivity.isRecent(i, recentShare) ? recentAgeMs : staleAgeMs)),
      ]),
    );
  }
}

/** The fleet of issue #15: 80 % of the sessions had a message 30 s ago, the rest an hour ago. */
export const FLEET_MIX = { recentShare: 0.8, recentAgeMs: 30_000, staleAgeMs: 3_600_000 } as const;
