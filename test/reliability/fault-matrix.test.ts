/**
 * Issue #5 §1: the fault matrix. Every cell of `matrix.ts` (public method or manager flow × fault) runs
 * against the stateful fakes behind MSW (`onUnhandledRequest: 'error'`), and must end exactly as the table
 * says: the typed error class, its code and the number of requests that reached the faulted route — or a
 * valid value after exactly the expected number of retries (waits recorded by an injected `sleep`).
 * Unhandled rejections fail the run (test/setup/unhandled.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ResponseValidationError, WhatsAppGatewayClient } from '../../src/index.js';
import { HUGE_BODY_BYTES, runnableCells } from './matrix.js';
import { checkError, checkRetries, checkValue, runCell } from './support/cells.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CELLS = runnableCells();
/** The SDK's default `maxBodyBytes` (10 MiB): no body read may go far past it. */
const LIMIT = 10 * 1024 * 1024;

let ran = 0;

describe('fault matrix', () => {
  describe.each(
    [...new Set(CELLS.map((c) => c.row.name))].map((name) => [
      name,
      CELLS.filter((c) => c.row.name === name),
    ]),
  )('%s', (_name, cells) => {
    it.each(cells.map((cell) => [cell.fault.id, cell] as const))('%s', async (_fault, cell) => {
      const outcome = await runCell(server, cell);
      ran++;
      if (cell.expectation.kind === 'error') {
        if (outcome.error === undefined) {
          throw new Error(
            `expected ${cell.expectation.error}, got a value: ${JSON.stringify(outcome.value)}`,
          );
        }
        checkError(cell, outcome.error, outcome.attempts);
      } else {
        if (outcome.error !== undefined) throw outcome.error;
        checkValue(cell, outcome.value);
        if (cell.expectation.kind === 'ok') checkRetries(cell, outcome.world.sleeps);
      }
      if (cell.fault.id === '50mb-body') {
        // Rejected without buffering: each oversized body was read only up to the limit (plus a chunk or two).
        expect(outcome.pulled.length).toBeGreaterThan(0);
        for (const bytes of outcome.pulled) {
          expect(bytes).toBeLessThanOrEqual(LIMIT + 4 * 64 * 1024);
          expect(bytes).toBeLessThan(HUGE_BODY_BYTES / 4);
        }
      }
    });
  });

  it('ran every runnable cell', () => {
    expect(ran).toBe(CELLS.length);
  });
});

/** `global.gc` without restarting the worker with `--expose-gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('a 50 MB body', () => {
  it('is refused without being held in memory: the peak stays far below 50 MB', async () => {
    let peak = 0;
    let pulled = 0;
    server.use(
      http.get('http://gateway.memory.test/api/channels', () => {
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            peak = Math.max(peak, process.memoryUsage().arrayBuffers);
            if (pulled >= HUGE_BODY_BYTES) return controller.close();
            pulled += 64 * 1024;
            controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const gateway = new WhatsAppGatewayClient({
      baseUrl: 'http://gateway.memory.test',
      secret: 'memory-secret',
    });
    // Measured from a collected heap, so freeing the garbage of earlier cells cannot hide a growth.
    collectGarbage();
    const start = process.memoryUsage().arrayBuffers;
    const error = await gateway.listChannels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).message).toContain('larger than 10485760 bytes');
    expect(pulled).toBeLessThan(HUGE_BODY_BYTES / 4);
    // Reading up to the 10 MiB limit holds about 10 MiB; buffering the body would hold 50.
    expect(peak - start).toBeLessThan(25 * 1024 * 1024);
  });
});

describe('a real unresolvable host', () => {
  it('is a ConnectionError carrying the resolver code, after the retries', async () => {
    // `.invalid` never resolves (RFC 6761). MSW lets this one host through to the real network stack.
    server.use(http.all('http://no-such-host.invalid/*', () => passthrough()));
    const sleeps: number[] = [];
    const gateway = new WhatsAppGatewayClient({
      baseUrl: 'http://no-such-host.invalid',
      secret: 'real-dns-secret',
      sleep: async (ms) => void sleeps.push(ms),
      timeoutMs: 5_000,
    });
    const error = (await gateway.listChannels().catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connection_failed');
    // ENOTFOUND with a resolver, EAI_AGAIN in a sandbox without one: either way the resolver's code is kept.
    expect(error.message).toMatch(/\((ENOTFOUND|EAI_AGAIN|EAI_FAIL|ENODATA)\)/);
    expect(sleeps).toHaveLength(2);
  });
});
