/**
 * Issue #5 §6: every long operation stops within 50 ms of its signal aborting, rejects with `AbortError`, and
 * leaves no timer running. On the real clock (the manager's default), with its waits shortened by options,
 * and measured with `performance.now()`.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, SessionManager, WhatsAppGatewayClient, WppConnectClient } from '../../src/index.js';
import { FakeGateway, FakeWppConnect } from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw.js';
import { ABORT_WITHIN_MS } from './figures.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Resolves once `condition` holds, checking every few milliseconds (bounded). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function world(options: { gatewayOnly?: boolean } = {}) {
  // A start stays INITIALIZING for ten minutes: a QR wait has all the time in the world to be aborted.
  const fakeWpp = new FakeWppConnect({ baseUrl: 'http://wpp.abort.test', initializingMs: 600_000 });
  const fakeGateway = new FakeGateway({ wppconnect: fakeWpp, baseUrl: 'http://gateway.abort.test' });
  server.use(...mswHandlers(fakeWpp, fakeGateway));
  const gateway = new WhatsAppGatewayClient({ baseUrl: fakeGateway.baseUrl, secret: fakeGateway.secret });
  const wppconnect = new WppConnectClient({ baseUrl: fakeWpp.baseUrl, secretKey: fakeWpp.secretKey });
  const manager = new SessionManager({
    gateway,
    ...(options.gatewayOnly ? {} : { wppconnect }),
    pollIntervalsMs: [25],
    qrWaitMs: 60_000,
    stuckAfterMs: 120_000,
    gatewayQrAttempts: 10_000,
  });
  return { fakeWpp, fakeGateway, manager };
}

type Run = (signal: AbortSignal) => Promise<unknown>;

/** Starts `run`, waits for `phase`, aborts, and measures how long the rejection took. */
async function abortDuring(run: Run, phase: () => Promise<void>) {
  const baseline = timers();
  const controller = new AbortController();
  const settled = run(controller.signal).then(
    () => new Error('the operation resolved instead of rejecting'),
    (error: unknown) => error,
  );
  await phase();
  const abortedAt = performance.now();
  controller.abort();
  const error = await settled;
  const elapsed = performance.now() - abortedAt;
  // Let the work behind the call (a shared flight, requests in flight) see the abort, then look for timers.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setImmediate(resolve));
  return { error, elapsed, leftover: timers() - baseline };
}

function expectPromptAbort(result: Awaited<ReturnType<typeof abortDuring>>) {
  expect(result.error).toBeInstanceOf(AbortError);
  expect((result.error as AbortError).code).toBe('aborted');
  expect(result.elapsed).toBeLessThan(ABORT_WITHIN_MS);
  expect(result.leftover, 'timers still running after the abort').toBeLessThanOrEqual(0);
}

describe(`aborts stop within ${ABORT_WITHIN_MS} ms and leave no timer`, () => {
  it('createSession, during the QR wait (polling an INITIALIZING session)', async () => {
    const w = world();
    const result = await abortDuring(
      (signal) => w.manager.createSession('waiting', { signal }),
      () => until(() => w.fakeWpp.countCalls('/api/{session}/status-session', 'waiting') >= 3, 'three polls'),
    );
    expectPromptAbort(result);
  });

  it('createSession, while a gateway request hangs', async () => {
    const w = world();
    w.fakeGateway.faults.latencyMs = 600_000;
    const result = await abortDuring(
      (signal) => w.manager.createSession('hanging', { signal }),
      () => until(() => w.fakeGateway.calls.length >= 1, 'the first gateway request'),
    );
    expectPromptAbort(result);
  });

  it('createSession, one of several callers sharing the flight: the others keep waiting until they abort too', async () => {
    const w = world();
    const other = new AbortController();
    const otherCall = w.manager.createSession('shared', { signal: other.signal }).catch((e: unknown) => e);
    const result = await abortDuring(
      (signal) => w.manager.createSession('shared', { signal }),
      () => until(() => w.fakeWpp.countCalls('/api/{session}/status-session', 'shared') >= 2, 'two polls'),
    );
    expect(result.error).toBeInstanceOf(AbortError);
    expect(result.elapsed).toBeLessThan(ABORT_WITHIN_MS);
    const polls = w.fakeWpp.countCalls('/api/{session}/status-session', 'shared');
    await until(
      () => w.fakeWpp.countCalls('/api/{session}/status-session', 'shared') > polls,
      'the flight goes on',
    );
    const t = performance.now();
    other.abort();
    expect(await otherCall).toBeInstanceOf(AbortError);
    expect(performance.now() - t).toBeLessThan(ABORT_WITHIN_MS);
  });

  it('reconnect, during the wait of its start-session rung', async () => {
    const w = world();
    w.fakeGateway.seedChannel('closed', 'disconnected');
    w.fakeWpp.seed('closed', { status: 'CLOSED' });
    const result = await abortDuring(
      (signal) => w.manager.reconnect('closed', { signal }),
      () =>
        until(
          () => w.fakeWpp.countCalls('/api/{session}/status-session', 'closed') >= 3,
          'polls after the start',
        ),
    );
    expectPromptAbort(result);
  });

  it('the QR wait of the gateway-only mode (QR retries between sleeps)', async () => {
    const w = world({ gatewayOnly: true });
    const result = await abortDuring(
      (signal) => w.manager.createSession('gwonly', { signal }),
      () =>
        until(() => w.fakeGateway.countCalls('/api/channels/{id}/qr', 'gwonly') >= 3, 'three QR attempts'),
    );
    expectPromptAbort(result);
  });

  it('listSessions, while WPPConnect lookups hang', async () => {
    const w = world();
    for (const id of ['a', 'b', 'c']) {
      w.fakeGateway.seedChannel(id, 'connected');
      w.fakeWpp.seed(id, { status: 'CONNECTED' });
    }
    w.fakeWpp.latencyMs = 600_000;
    const result = await abortDuring(
      (signal) => w.manager.listSessions({ signal }),
      () => until(() => w.fakeWpp.calls.length >= 2, 'the WPPConnect lookups'),
    );
    expectPromptAbort(result);
  });

  it('healthcheck, while listing', async () => {
    const w = world();
    w.fakeGateway.seedChannel('a', 'connected');
    w.fakeGateway.faults.latencyMs = 600_000;
    const result = await abortDuring(
      (signal) => w.manager.healthcheck({ signal }),
      () => until(() => w.fakeGateway.calls.length >= 1, 'the gateway list'),
    );
    expectPromptAbort(result);
  });

  it('healthcheck, during a repair (a reconnect waiting for a QR)', async () => {
    const w = world();
    w.fakeGateway.seedChannel('lost', 'qr_required'); // never propagated: the repair starts it and waits
    const result = await abortDuring(
      (signal) => w.manager.healthcheck({ repair: true, signal }),
      () =>
        until(() => w.fakeWpp.countCalls('/api/{session}/status-session', 'lost') >= 3, 'the repair polls'),
    );
    expectPromptAbort(result);
  });

  it('a signal that is already aborted: rejected at once, nothing sent', async () => {
    const w = world();
    const signal = AbortSignal.abort();
    for (const run of [
      () => w.manager.createSession('x', { signal }),
      () => w.manager.reconnect('x', { signal }),
      () => w.manager.getSession('x', { signal }),
      () => w.manager.listSessions({ signal }),
      () => w.manager.healthcheck({ signal }),
    ]) {
      const t = performance.now();
      await expect(run()).rejects.toBeInstanceOf(AbortError);
      expect(performance.now() - t).toBeLessThan(ABORT_WITHIN_MS);
    }
    expect(w.fakeGateway.calls).toEqual([]);
    expect(w.fakeWpp.calls).toEqual([]);
  });
});
