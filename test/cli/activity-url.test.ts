/**
 * `--activity-url` is read through the SDK's transport: a capped body, no redirects. Before, it was read
 * without a cap (a 400 KB gzip answer took the command to 1.28 GB of memory) and followed redirects.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { activityFromUrl } from '../../src/cli/activity.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('--activity-url reader', () => {
  it('reads the activity JSON', async () => {
    const home = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"sales":"2026-02-09T10:00:00Z","support-team":null}');
    });
    const map = await activityFromUrl(`${home.url}/activity?fleet=1`, { timeoutMs: 2_000 }).lastActivity([
      'sales',
      'support-team',
      'other',
    ]);
    expect(map.get('sales')?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
    expect(map.get('support-team')).toBeNull();
    expect(home.hits).toEqual(['/activity?fleet=1']);
  });

  it('refuses a redirect, naming its origin only, and never reaches the target', async () => {
    const other = await serve((_, response) => response.end('{"sales":"2099-01-01T00:00:00Z"}'));
    const home = await serve((_, response) => {
      response.writeHead(302, { location: `${other.url}/planted?token=abc123secret` }).end();
    });
    const error = await activityFromUrl(`${home.url}/activity`, { timeoutMs: 2_000 })
      .lastActivity(['sales'])
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(
      /redirect to http:\/\/127\.0\.0\.1:\d+, which is never followed/,
    );
    expect((error as Error).message).not.toContain('abc123secret');
    expect(other.hits).toEqual([]);
  });

  it('cancels a body that decompresses beyond the cap (a gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MiB of spaces, ~64 KB compressed
    const home = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const before = process.memoryUsage().rss;
    const error = await activityFromUrl(home.url, { timeoutMs: 5_000 })
      .lastActivity(['sales'])
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/more than 4194304 bytes/);
    // Not a speed or memory benchmark: only proof that the 64 MiB were not all held at once.
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
  });
});
