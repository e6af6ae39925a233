/**
 * The library in separate OS processes sharing one store: each worker is a child process running
 * `fixtures/store-worker.mjs`, which imports the BUILT package (dist/) and a real Redis client (ioredis or
 * node-redis) from node_modules, against one simulator of both APIs in this process and one real
 * `redis-server` (or one file-store dir). The fakes count what reached them; the store is read back here.
 *
 * Why these tests would fail without a shared store (besides the control runs below):
 * - ensure race: each process's own lease would let all four look at the gateway at once; the control run
 *   (four processes, four Redis prefixes) shows several creates reaching the gateway;
 * - webhook: the manager of process B reads activity only from its store; the control run (a store of its
 *   own) still calls the session a zombie after A recorded the message;
 * - kill -9: B would take its own lease at once (the "waited for A's TTL" assertions fail) and would not find
 *   A's pending re-create, so the gateway would not list the session again.
 * - SIGSTOP: B would not wait for A's lease; and before the fix in sessions/lease.ts (`confirmLease`) the
 *   woken A closed and started B's freshly repaired session again (2 close-session, 2 start-session).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { RedisStore } from '../../src/store/redis.js';
import type { SessionStore } from '../../src/store/types.js';
import { seedConnected } from '../../src/testing/seed.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import { wppOnMessage, wppPresence } from '../webhooks/fixtures.js';
import { ensureBuilt, expectNoSecrets, ROOT, randomSecret, runBin, startSim, waitFor } from './helpers.js';

const WORKER = join(ROOT, 'test/cli/fixtures/store-worker.mjs');

type Sim = Awaited<ReturnType<typeof startSim>>;
type StoreSpec =
  | { kind: 'redis'; client: 'ioredis' | 'node-redis'; socket: string; prefix: string }
  | { kind: 'file'; dir: string };

// biome-ignore lint/suspicious/noExplicitAny: the workers answer with JSON shaped by the fixture.
type Message = Record<string, any>;

/** One child process running the worker fixture, spoken to in JSON lines. */
class Worker {
  readonly output = { stdout: '', stderr: '' };
  readonly #messages: Message[] = [];
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output.stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.#messages.push(JSON.parse(line) as Message);
      for (const wake of this.#waiters) wake();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      for (const wake of this.#waiters) wake();
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(command: Message): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** The first message not taken yet whose `event` is `event`; a worker `error` fails the test. */
  next(event: string, ms = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`worker ${this.pid}: no "${event}" within ${ms} ms; stderr: ${this.output.stderr}`));
      }, ms);
      const check = () => {
        const index = this.#messages.findIndex((m) => m['event'] === event || m['event'] === 'error');
        if (index < 0) {
          if (!this.alive) {
            clearTimeout(timer);
            this.#waiters.delete(check);
            reject(new Error(`worker ${this.pid} exited; stderr: ${this.output.stderr}`));
          }
          return;
        }
        const [message] = this.#messages.splice(index, 1) as [Message];
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (message['event'] === 'error' && event !== 'error')
          reject(new Error(`worker ${this.pid}: ${message['name']}: ${message['message']}`));
        else resolve(message);
      };
      this.#waiters.add(check);
      check();
    });
  }
}

const workers: Worker[] = [];
const dirs: string[] = [];
let sim: Sim | undefined;
let redis: RedisServer | undefined;
const password = randomSecret('redis-pw');
let prefixes = 0;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgw-lib-procs-'));
  dirs.push(dir);
  return dir;
}

/** Starts a worker and waits until it is connected to its store and ready for commands. */
async function startWorker(world: Sim, store: StoreSpec, manager: Message = {}): Promise<Worker> {
  const config = {
    store,
    gatewayUrl: world.servers.gatewayUrl,
    wppconnectUrl: world.servers.wppconnectUrl,
    manager,
  };
  const child = spawn(process.execPath, [WORKER], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      WORKER_CONFIG: JSON.stringify(config),
      WPP_GATEWAY_SECRET: world.secret,
      WPPCONNECT_SECRET_KEY: world.secretKey,
      REDIS_PASSWORD: password,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const worker = new Worker(child);
  workers.push(worker);
  await worker.next('ready', 15_000);
  return worker;
}

function redisSpec(client: 'ioredis' | 'node-redis', prefix: string): StoreSpec {
  return { kind: 'redis', client, socket: (redis as RedisServer).socket, prefix };
}

/** The same store, opened in this process to read back what the workers left. */
function openHere(spec: StoreSpec): { store: SessionStore; close(): void } {
  if (spec.kind === 'file') return { store: new FileStore({ dir: spec.dir }), close: () => {} };
  const client = new Redis({ path: spec.socket, password });
  client.on('error', () => undefined);
  return { store: new RedisStore({ client, prefix: spec.prefix }), close: () => client.disconnect() };
}

beforeAll(() => ensureBuilt(), 180_000);

beforeAll(async () => {
  redis = await startRedis({ password });
}, 30_000);

afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.alive) worker.child.kill('SIGKILL');
    await worker.exited;
    // No secret in anything a worker printed: the fakes' secrets, nor the Redis password.
    expectNoSecrets(worker.output, [...(sim ? [sim.secret, sim.secretKey] : []), password]);
  }
  await sim?.servers.close();
  sim = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const postsOf = (world: Sim) =>
  world.servers.gateway.calls.filter((c) => c.method === 'POST' && c.route === '/api/channels');

/**
 * Four worker processes, one per store spec, each making 10 concurrent `ensureSession('x')` calls once all
 * four are ready (the "go" is one command line written to each in the same tick). The gateway answers after
 * 250 ms, so four processes that do not share a lease all find the channel missing before anyone creates it.
 */
async function ensureRace(specs: (prefix: string) => StoreSpec[]) {
  sim = await startSim({ gateway: { faults: { latencyMs: 250 } } });
  const world = sim;
  const spawned = await Promise.all(
    specs(`race${++prefixes}:`).map((spec) => startWorker(world, spec, { pollIntervalsMs: [100, 200] })),
  );
  for (const worker of spawned) worker.send({ cmd: 'ensure', id: 'x', times: 10 });
  const answers = await Promise.all(spawned.map((worker) => worker.next('ensured', 60_000)));
  return {
    results: answers.flatMap((answer) => answer['results'] as Message[]),
    /** Processes whose operation found the session's lease held by another process and waited for it. */
    waited: answers.filter((answer) =>
      (answer['results'] as Message[])[0]?.['actions']?.some(
        (a: Message) => a['step'] === 'lease' && a['outcome'] === 'held by another process',
      ),
    ).length,
    creates: postsOf(world).length,
    starts: world.servers.wppconnect.countCalls('/api/{session}/start-session', 'x'),
  };
}

function expectOneSession(race: Awaited<ReturnType<typeof ensureRace>>): void {
  expect(race.results).toHaveLength(40);
  for (const result of race.results) {
    expect(result['event'], JSON.stringify(result)).toBeUndefined(); // not an error
    expect(result).toMatchObject({ id: 'x', status: 'qr_required', gatewayStatus: 'qr_required' });
  }
  // One session: every call shows the QR of the one browser WPPConnect launched.
  expect(new Set(race.results.map((r) => r['urlcode']))).toEqual(new Set(['2@x-0']));
  expect({ creates: race.creates, starts: race.starts }).toEqual({ creates: 1, starts: 1 });
  expect(sim?.servers.gateway.channels().map((c) => c.id)).toEqual(['x']);
  // The lease is what kept the others off: the first holds it for three gateway answers (750 ms at least),
  // so processes told "go" in the same tick find it held (all three, unless the machine stalls one that long).
  expect(race.waited).toBeGreaterThanOrEqual(2);
}

/** A real WPPConnect `onmessage` body (the field-notes capture) for session `x`, sent now. */
function onmessageNow(): string {
  return JSON.stringify({ ...wppOnMessage, session: 'x', t: Math.floor(Date.now() / 1000) });
}

/** Process A records webhooks into `a`; process B (a manager with `b` and no `activity`) lists. */
async function webhookAcrossProcesses(a: StoreSpec, b: StoreSpec, control: StoreSpec) {
  sim = await startSim();
  seedConnected(sim.servers, 'x');
  // Without any activity a connected session counts as a zombie here, so "B sees A's message" is visible
  // as the verdict flipping.
  const lister = { noActivityIsZombie: true, zombieAfterMs: 3_600_000 };
  const recorder = await startWorker(sim, a);
  const reader = await startWorker(sim, b, lister);
  const list = async (worker: Worker) => {
    worker.send({ cmd: 'list' });
    const sessions = (await worker.next('listed'))['sessions'] as Message[];
    return sessions.find((s) => s['id'] === 'x') as Message;
  };

  const before = await list(reader);
  expect(before).toMatchObject({ status: 'connected', isZombie: true, lastActivityAt: null });

  // A presence event is not a message: it proves nothing, in any process.
  recorder.send({ cmd: 'record', body: JSON.stringify({ ...wppPresence, session: 'x' }) });
  expect(await recorder.next('recorded')).toMatchObject({ kind: 'presence', sessionId: 'x' });
  expect(await list(reader)).toMatchObject({ isZombie: true, lastActivityAt: null });

  const body = onmessageNow();
  recorder.send({ cmd: 'record', body });
  expect(await recorder.next('recorded')).toMatchObject({ kind: 'message', sessionId: 'x' });
  const after = await list(reader);
  expect(after).toMatchObject({ status: 'connected', isZombie: false });
  expect(after['lastActivityAt']).toBe(new Date(JSON.parse(body).t * 1000).toISOString());

  // Control: the same listing from a process with a store of its own still sees a zombie.
  const stranger = await startWorker(sim, control, lister);
  expect(await list(stranger)).toMatchObject({ isZombie: true, lastActivityAt: null });
}

/**
 * A zombie `x`, and a gateway that holds every request once a channel DELETE has been answered, until
 * `release()`: process A's rung 4 then stops between the DELETE and the re-create, deterministically.
 * WPPConnect takes 4 s to start a browser and A waits 1 s for it (3 s to spare on a loaded machine), so A's rung 3 fails and rung 4 runs.
 */
async function repairWorld() {
  sim = await startSim({ wppconnect: { initializingMs: 4_000 } });
  const world = sim;
  seedConnected(world.servers, 'x', { pageAlive: false });
  const gateway = world.servers.gateway;
  let held = true;
  const deleted = () =>
    gateway.calls.some((c) => c.method === 'DELETE' && c.session === 'x' && c.status === 200);
  gateway.faults.latencyMs = () => (held && deleted() ? 120_000 : 0);
  return {
    world,
    release: () => {
      held = false;
    },
    /** Re-creates that reached the gateway after the DELETE (answered or still held). */
    recreates: () => {
      const at = gateway.calls.find((c) => c.method === 'DELETE')?.at;
      return at === undefined ? [] : postsOf(world).filter((c) => c.at >= at);
    },
  };
}

/** Starts A's forced reconnect with a 2.5 s lease and waits until it is stuck before the re-create. */
async function repairInterrupted(repair: Awaited<ReturnType<typeof repairWorld>>, spec: StoreSpec) {
  const a = await startWorker(repair.world, spec, {
    leaseTtlMs: 2_500,
    qrWaitMs: 1_000,
    pollIntervalsMs: [100, 200],
  });
  a.send({ cmd: 'reconnect', id: 'x', force: true });
  await waitFor(() => repair.recreates().length === 1, 20_000);
  const gateway = repair.world.servers.gateway;
  // The DELETE took effect, the re-create did not: the gateway lists nothing, WPPConnect still has `x`.
  expect(gateway.channels()).toEqual([]);
  expect(repair.world.servers.wppconnect.sessionNames()).toContain('x');
  return a;
}

/** Reads A's lease (the lower bound of its expiry), kills A with SIGKILL, lets the gateway answer again. */
async function killHolder(a: Worker, here: SessionStore, release: () => void) {
  const asked = Date.now();
  const lease = await here.readLease('session:x');
  const answered = Date.now();
  if (!lease) throw new Error('A holds no lease');
  expect(lease.owner).toContain(`:${a.pid}:`);
  expect((await here.pending(['x'])).get('x')).toMatchObject({ kind: 'recreate' });
  a.child.kill('SIGKILL');
  await a.exited;
  expect(a.child.signalCode).toBe('SIGKILL');
  const killedAt = Date.now();
  release();
  // A renews every third of its TTL, so its lease ends no earlier than what was read just before the kill.
  // RedisStore turns the remaining PTTL into a time on arrival of the answer: take off the round trip so the
  // bound stays below the true expiry however slow the machine is.
  return { expiresAt: lease.expiresAt.getTime() - (answered - asked) - 5, killedAt };
}

/** The end state after the takeover: consistent on both fakes and in the store. */
async function expectConsistent(world: Sim, here: SessionStore, expiresAt: number) {
  const { gateway, wppconnect } = world.servers;
  expect(gateway.channels().map((c) => c.id)).toEqual(['x']);
  expect(wppconnect.session('x')).toMatchObject({ status: 'CONNECTED', pageAlive: true });
  // The one answered re-create is B's, after A's lease ran out; A's held one never took effect.
  const answered = postsOf(world).filter((c) => c.status === 200);
  expect(answered).toHaveLength(1);
  expect(answered[0]?.at).toBeGreaterThanOrEqual(expiresAt);
  // A's rung 3 (close + start), the gateway's DELETE (close) and B's re-create (start): nothing repeated.
  expect({
    close: wppconnect.countCalls('/api/{session}/close-session', 'x'),
    start: wppconnect.countCalls('/api/{session}/start-session', 'x'),
  }).toEqual({ close: 2, start: 2 });
  expect((await here.pending(['x'])).size).toBe(0);
  expect(await here.readLease('session:x')).toBeNull();
  return (await here.history(['x'])).get('x') ?? [];
}

describe('the library in several processes sharing a RedisStore', () => {
  it('4 processes × 10 concurrent ensureSession("x") → 1 create on the gateway, 1 start on WPPConnect', async () => {
    const race = await ensureRace((prefix) => [
      redisSpec('ioredis', prefix),
      redisSpec('node-redis', prefix),
      redisSpec('ioredis', prefix),
      redisSpec('node-redis', prefix),
    ]);
    expectOneSession(race);
  }, 90_000);

  it('control: the same race with a Redis prefix per process sends several creates to the gateway', async () => {
    const race = await ensureRace((prefix) =>
      ['ioredis', 'node-redis', 'ioredis', 'node-redis'].map((client, i) =>
        redisSpec(client as 'ioredis', `${prefix}${i}:`),
      ),
    );
    expect(race.waited).toBe(0);
    expect(race.creates).toBeGreaterThan(1);
  }, 90_000);

  it("a webhook recorded in process A makes the session not a zombie in process B's listing", async () => {
    const prefix = `hook${++prefixes}:`;
    await webhookAcrossProcesses(
      redisSpec('ioredis', prefix),
      redisSpec('node-redis', prefix),
      redisSpec('node-redis', `${prefix}other:`),
    );
  }, 60_000);

  it('kill -9 of the lease holder between the DELETE and the re-create: B takes over after the TTL', async () => {
    const repair = await repairWorld();
    const prefix = `kill${++prefixes}:`;
    const spec = redisSpec('ioredis', prefix);
    const here = openHere(spec);
    try {
      const a = await repairInterrupted(repair, spec);
      // B is already waiting when A dies: it must not act before A's lease has run out.
      const b = await startWorker(repair.world, redisSpec('node-redis', prefix));
      b.send({ cmd: 'reconnect', id: 'x', force: false });
      await b.next('reconnecting');
      const { expiresAt, killedAt } = await killHolder(a, here.store, repair.release);
      const report = (await b.next('reconnected', 40_000))['report'] as Message;

      expect(report).toMatchObject({ status: 'connected', gatewayStatus: 'connected', repaired: true });
      const steps = report['actions'] as Message[];
      const step = (name: string, outcome?: string) =>
        steps.find((s) => s['step'] === name && (outcome === undefined || s['outcome'] === outcome));
      expect(step('lease', 'held by another process')).toBeDefined();
      const taken = step('lease', 'taken');
      expect(Date.parse(taken?.['at'])).toBeGreaterThanOrEqual(expiresAt);
      expect(step('pending work', 're-create left unfinished')).toBeDefined();
      expect(step('gateway.createChannel', 'ok')).toBeDefined();
      // Nothing of B's reached either fake between the kill and the end of A's lease.
      const early = [...repair.world.servers.gateway.calls, ...repair.world.servers.wppconnect.calls].filter(
        (c) => c.at > killedAt && c.at < expiresAt,
      );
      expect(early).toEqual([]);

      const history = await expectConsistent(repair.world, here.store, expiresAt);
      // A died before recording anything; B's repair is remembered for every process.
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ kind: 'reconnect', outcome: 'ok', status: 'connected' });
    } finally {
      here.close();
    }
  }, 90_000);
});

describe('a lease holder paused (SIGSTOP) past its TTL, in real processes', () => {
  it('wakes up after B repaired the session and stops before its close-session: one restart, not two', async () => {
    sim = await startSim();
    const world = sim;
    seedConnected(world.servers, 'x', { pageAlive: false });
    const wpp = world.servers.wppconnect;
    // A's first status read is answered after 400 ms: A is stopped while it waits, before its rung 3.
    let slow = true;
    wpp.latencyMs = () => (slow ? 400 : 0);
    const prefix = `stop${++prefixes}:`;
    const here = openHere(redisSpec('ioredis', prefix));
    try {
      const a = await startWorker(world, redisSpec('ioredis', prefix), { leaseTtlMs: 2_500 });
      const b = await startWorker(world, redisSpec('node-redis', prefix));
      a.send({ cmd: 'reconnect', id: 'x', force: true });
      await waitFor(() => wpp.countCalls('/api/{session}/status-session', 'x') === 1, 20_000);
      a.child.kill('SIGSTOP');
      slow = false;
      const asked = Date.now();
      const lease = await here.store.readLease('session:x');
      expect(lease?.owner).toContain(`:${a.pid}:`);
      const expiresAt = (lease?.expiresAt.getTime() ?? 0) - (Date.now() - asked) - 5;

      b.send({ cmd: 'reconnect', id: 'x', force: false });
      const report = (await b.next('reconnected', 40_000))['report'] as Message;
      expect(report).toMatchObject({ status: 'connected', gatewayStatus: 'connected' });
      const taken = (report['actions'] as Message[]).find(
        (s) => s['step'] === 'lease' && s['outcome'] === 'taken',
      );
      expect(Date.parse(taken?.['at'])).toBeGreaterThanOrEqual(expiresAt);
      expect(wpp.countCalls('/api/{session}/close-session', 'x')).toBe(1);

      a.child.kill('SIGCONT');
      const stopped = await a.next('error', 20_000);
      expect(stopped).toMatchObject({ name: 'SessionBusyError', leaseLost: true });
      // B's restart stands: A neither closed nor started the session again.
      expect({
        close: wpp.countCalls('/api/{session}/close-session', 'x'),
        start: wpp.countCalls('/api/{session}/start-session', 'x'),
      }).toEqual({ close: 1, start: 1 });
      expect(wpp.session('x')).toMatchObject({ status: 'CONNECTED', pageAlive: true });
      const history = (await here.store.history(['x'])).get('x') ?? [];
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ kind: 'reconnect', outcome: 'ok', status: 'connected' });
    } finally {
      here.close();
    }
  }, 60_000);
});

describe('the library in several processes sharing a FileStore', () => {
  it('4 processes × 10 concurrent ensureSession("x") → 1 create on the gateway, 1 start on WPPConnect', async () => {
    const dir = tempDir();
    const race = await ensureRace(() => [1, 2, 3, 4].map(() => ({ kind: 'file', dir }) as const));
    expectOneSession(race);
  }, 90_000);

  it("a webhook recorded in process A makes the session not a zombie in process B's listing", async () => {
    const dir = tempDir();
    await webhookAcrossProcesses(
      { kind: 'file', dir },
      { kind: 'file', dir },
      { kind: 'file', dir: tempDir() },
    );
  }, 60_000);

  it('kill -9 mid-repair: `healthcheck --repair` on the same store waits for the TTL and finishes the re-create', async () => {
    const repair = await repairWorld();
    const spec: StoreSpec = { kind: 'file', dir: tempDir() };
    const here = openHere(spec);
    const a = await repairInterrupted(repair, spec);
    const { expiresAt, killedAt } = await killHolder(a, here.store, repair.release);
    const run = await runBin(['healthcheck', '--repair', '--json'], {
      ...repair.world.env,
      WPP_STORE: spec.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const entry = report.sessions.find((s: Message) => s['id'] === 'x');
    expect(entry).toMatchObject({ health: 'not_listed', repair: 'repaired', pending: { kind: 'recreate' } });
    expect(entry.report).toMatchObject({ status: 'connected', gatewayStatus: 'connected' });
    // The CLI listed at once (reading is free), but changed nothing before A's lease ran out.
    const { gateway, wppconnect } = repair.world.servers;
    const changes = [...gateway.calls, ...wppconnect.calls].filter(
      (c) => c.at > killedAt && c.method !== 'GET' && !c.route.endsWith('/generate-token'),
    );
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change.at).toBeGreaterThanOrEqual(expiresAt);

    const history = await expectConsistent(repair.world, here.store, expiresAt);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: 'repair', outcome: 'ok', status: 'connected' });
  }, 90_000);
});
