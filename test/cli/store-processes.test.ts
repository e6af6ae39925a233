/**
 * Separate OS processes sharing the CLI's store: the built binary, run as child processes against one
 * simulator, with the file store in a temp dir (`WPP_STORE`) and with a real, password-protected Redis
 * (`redis+unix://` in `WPP_STORE`). Every scenario runs once per store; the fake WPPConnect counts what reached
 * it, and every run's output is checked for the gateway secret, the WPPConnect key and the Redis password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { RedisStore } from '../../src/store/redis.js';
import type { SessionStore } from '../../src/store/types.js';
import { startRedis } from '../support/redis.js';
import { ensureBuilt, randomSecret, runBin, startSim } from './helpers.js';

/** Undone after each test, last first (a Redis client before its server, the server before its dir). */
const cleanups: Array<() => unknown> = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgw-procs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

beforeAll(() => ensureBuilt(), 180_000);

afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

/** A store fresh for one test: what `WPP_STORE` says, the secrets in it, and the same store opened here. */
interface TestStore {
  url: string;
  secrets: string[];
  /** The store as another process would open it (to hold a lease on a session, say). */
  open(): SessionStore;
}

const STORES = [
  {
    name: 'file store',
    /** How a needs-a-person session is let go in the backoff scenario. */
    lift: 'message' as const,
    async fresh(): Promise<TestStore> {
      const dir = tempDir();
      return { url: dir, secrets: [], open: () => new FileStore({ dir }) };
    },
  },
  {
    name: 'Redis',
    lift: 'reconnect' as const,
    async fresh(): Promise<TestStore> {
      const password = randomSecret('redis-pw');
      const server = await startRedis({ password });
      cleanups.push(() => server.stop());
      return {
        url: `redis+unix://:${encodeURIComponent(password)}@localhost${server.socket}`,
        secrets: [password],
        open: () => {
          const client = new Redis({ path: server.socket, password, lazyConnect: false });
          client.on('error', () => undefined);
          cleanups.push(() => client.disconnect());
          return new RedisStore({ client });
        },
      };
    },
  },
];

/**
 * One connected session whose last message was 9 h ago (a zombie at any threshold used here), its activity
 * file, a fresh store, and `run`: the binary with that store, checked for every secret.
 */
async function zombieWorld(kind: (typeof STORES)[number]) {
  const world = await startSim();
  cleanups.push(() => world.servers.close());
  world.servers.gateway.seedChannel('support-team', 'connected');
  world.servers.wppconnect.seed('support-team', { status: 'CONNECTED' });
  const activity = join(tempDir(), 'activity.json');
  const lastMessage = (at: Date) =>
    writeFileSync(activity, JSON.stringify({ 'support-team': at.toISOString() }));
  lastMessage(new Date(Date.now() - 9 * 3_600_000));
  const store = await kind.fresh();
  const env = { ...world.env, WPP_STORE: store.url };
  const run = (args: readonly string[], timeoutMs = 40_000) =>
    runBin(args, env, { timeoutMs, extraSecrets: store.secrets });
  const restarts = () => ({
    close: world.servers.wppconnect.countCalls('/api/{session}/close-session', 'support-team'),
    start: world.servers.wppconnect.countCalls('/api/{session}/start-session', 'support-team'),
  });
  return { sim: world, activity, lastMessage, store, env, run, restarts };
}

/** The `support-team` entry of a `healthcheck --json` output. */
function entryOf(stdout: string) {
  const report = JSON.parse(stdout);
  expect(report.sessions).toHaveLength(1);
  return report.sessions[0];
}

/** A repair record as `--json` prints it: exactly these fields, the time as an ISO string. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
function expectRestartRecord(record: Record<string, unknown>, from: number, to: number): void {
  expect(Object.keys(record).sort()).toEqual(['at', 'kind', 'outcome', 'rung', 'status']);
  expect(record).toEqual({
    at: expect.stringMatching(ISO),
    kind: 'restart',
    rung: 3,
    outcome: 'ok',
    status: 'connected',
  });
  const at = Date.parse(String(record['at']));
  expect(at).toBeGreaterThanOrEqual(from);
  expect(at).toBeLessThanOrEqual(to);
}

const sleepUntil = (time: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));

describe.each(STORES)('healthcheck --repair in several processes ($name)', (kind) => {
  it('three started at the same moment: one close-session and one start-session reach WPPConnect', async () => {
    const w = await zombieWorld(kind);
    const runs = await Promise.all(
      [1, 2, 3].map(() => w.run(['healthcheck', '--repair', '--activity-file', w.activity])),
    );
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    expect(w.restarts()).toEqual({ close: 1, start: 1 });
  }, 60_000);

  it('three in a row within the threshold: restarted once; the later runs say when, exit 0; --json has the history', async () => {
    const w = await zombieWorld(kind);
    const args = ['healthcheck', '--repair', '--activity-file', w.activity];
    const before = Date.now();
    const first = await w.run(args);
    const after = Date.now();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/fixed\s+support-team/);
    expect(w.restarts()).toEqual({ close: 1, start: 1 });
    for (const _ of [2, 3]) {
      const later = await w.run(args);
      expect(later.code).toBe(0);
      expect(later.stdout).toMatch(
        /ok\s+support-team\s+healthy\s+restarted (just now|\d+ s ago), no message since/,
      );
    }
    expect(w.restarts()).toEqual({ close: 1, start: 1 });
    // healthcheck --json carries the history another process recorded: one restart, its rung, outcome, time.
    const json = await w.run(['healthcheck', '--json', '--activity-file', w.activity]);
    expect(json.code).toBe(0);
    const entry = entryOf(json.stdout);
    expect(entry).toMatchObject({ id: 'support-team', health: 'healthy', repair: 'skipped' });
    expect(entry.info.history).toHaveLength(1);
    expectRestartRecord(entry.info.history[0], before, after);
    // So do sessions --json and doctor; doctor also shows a lease another process holds on the session.
    const listed = await w.run(['sessions', '--json', '--activity-file', w.activity]);
    expect(JSON.parse(listed.stdout)[0].history).toEqual(entry.info.history);
    const holder = w.store.open();
    expect(await holder.acquireLease('session:support-team', 'other-process', 60_000)).toBe(true);
    const doctor = await w.run(['doctor', 'support-team', '--activity-file', w.activity]);
    expect(doctor.stdout).toMatch(
      /Repair history \(newest first\):\n\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+restart rung 3: ok/,
    );
    expect(doctor.stdout).toContain("it holds the session's lease until");
    const doctorJson = JSON.parse((await w.run(['doctor', 'support-team', '--json'])).stdout);
    expect(doctorJson.lease).toMatchObject({ name: 'session:support-team', owner: 'other-process' });
    // Without the shared store (a fresh one per run, as before), the next run restarts it again: the
    // assertions above depend on the store.
    const forgetful = await runBin(args, { ...w.env, WPP_STORE: tempDir() });
    expect(forgetful.code).toBe(0);
    expect(w.restarts()).toEqual({ close: 2, start: 2 });
  }, 60_000);

  // The real clock with the smallest threshold the CLI takes (0.001 h = 3.6 s): the backoff makes the waits
  // between restarts 2×, then 4× that (then 4× again before "needs a person"), about 40 s in all.
  it(`a zombie that stays silent: restarted again only after the backoff; after 3 restarts it needs a person (exit 1) until a ${kind.lift === 'message' ? 'message arrives' : 'reconnect by hand'}`, async () => {
    const T = 3_600;
    const w = await zombieWorld(kind);
    const options = ['--zombie-hours', '0.001', '--activity-file', w.activity];
    const repair = ['healthcheck', '--repair', ...options];
    /** A restarting run (as JSON): the newest restart's time, checked against the run's own window. */
    const restartNow = async (n: number): Promise<number> => {
      const from = Date.now();
      const run = await w.run([...repair, '--json']);
      const to = Date.now();
      expect(run.code).toBe(0);
      const entry = entryOf(run.stdout);
      expect(entry).toMatchObject({ health: 'zombie', repair: 'repaired' });
      expect(entry.report).toMatchObject({ status: 'connected', repaired: true, isZombie: false });
      const history = entry.report.history;
      expect(history).toHaveLength(n);
      expectRestartRecord(history[n - 1], from, to);
      expect(w.restarts()).toEqual({ close: n, start: n });
      return Date.parse(history[n - 1].at);
    };
    /**
     * After `n` restarts: at once, a run without --repair reports the stretched threshold; then a --repair run
     * started just past the previous (unstretched) threshold restarts nothing, exits 0, and reports the session
     * restarted, with the time. Starting it as early as that proves the stretch and leaves the widest margin
     * before `due` for a slow start on a loaded machine: a run can only decide later than it starts.
     */
    const notYet = async (n: number, due: number) => {
      const state = await w.run(['healthcheck', '--json', ...options]);
      expect(state.code).toBe(0);
      const entry = entryOf(state.stdout);
      expect(entry).toMatchObject({ health: 'healthy', repair: 'skipped' });
      expect(entry.info.zombie).toMatchObject({
        verdict: 'not_zombie',
        thresholdMs: T * 2 ** Math.min(n, 2),
        restartsWithoutMessage: n,
      });
      await sleepUntil(due - T * 2 ** Math.min(n, 2) + T * 2 ** (Math.min(n, 2) - 1) + 300);
      const run = await w.run(repair);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /ok\s+support-team\s+healthy\s+restarted (just now|\d+ s ago), no message since \(silence counts from the restart\)/,
      );
      expect(run.stdout).toMatch(/^OK: 1 session, 1 healthy, 0 zombie/m);
      expect(w.restarts()).toEqual({ close: n, start: n });
    };

    // The last message was 9 h ago: the first run restarts it.
    let last = await restartNow(1);
    for (const n of [2, 3]) {
      const due = last + T * 2 ** (n - 1);
      await notYet(n - 1, due);
      await sleepUntil(due + 300);
      const at = await restartNow(n);
      expect(at - last).toBeGreaterThan(T * 2 ** (n - 1));
      last = at;
    }
    // Three restarts with no message: the next due run does not restart it; it asks for a person, exit 1.
    const due = last + 4 * T;
    await notYet(3, due);
    await sleepUntil(due + 300);
    const stuck = await w.run(repair);
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toMatch(
      /FAIL\s+support-team\s+needs_person\s+needs a person: restarted 3 times with no message since \((just now|\d+ s ago), (just now|\d+ s ago), (just now|\d+ s ago)\); not restarted again until a message arrives or a reconnect by hand/,
    );
    expect(stuck.stdout).toMatch(/^NOT OK: 1 session, .*1 needing a person\.$/m);
    expect(w.restarts()).toEqual({ close: 3, start: 3 });

    // Lifted: the restarts without a message count from zero again, and the threshold is back to its base. Read
    // with a 1 h threshold, so that the verdict does not depend on how fast this run starts after the lift.
    const liftedState = async (kinds: string[]) => {
      const run = await w.run([
        'healthcheck',
        '--repair',
        '--json',
        '--zombie-hours',
        '1',
        '--activity-file',
        w.activity,
      ]);
      expect(run.code).toBe(0);
      const entry = entryOf(run.stdout);
      expect(entry).toMatchObject({ health: 'healthy', repair: 'skipped' });
      expect(entry.info.zombie).toMatchObject({ restartsWithoutMessage: 0, thresholdMs: 3_600_000 });
      expect(entry.info.history.map((r: { kind: string }) => r.kind)).toEqual(kinds);
      return entry;
    };
    if (kind.lift === 'message') {
      // A message arrives: nothing is restarted.
      const at = new Date();
      w.lastMessage(at);
      const entry = await liftedState(['restart', 'restart', 'restart']);
      expect(entry.info.lastActivityAt).toBe(at.toISOString());
      expect(w.restarts()).toEqual({ close: 3, start: 3 });
    } else {
      // A person reconnects it by hand (a restart, recorded as a reconnect).
      const manual = await w.run(['reconnect', 'support-team', '--force']);
      expect(manual.code).toBe(0);
      expect(w.restarts()).toEqual({ close: 4, start: 4 });
      const entry = await liftedState(['restart', 'restart', 'restart', 'reconnect']);
      expect(entry.info.history.at(-1)).toMatchObject({
        kind: 'reconnect',
        outcome: 'ok',
        status: 'connected',
      });
      expect(w.restarts()).toEqual({ close: 4, start: 4 });
    }
  }, 150_000);
});

describe('--store on the command line', () => {
  it('a password in --store is refused (exit 2) and never printed; a bad scheme is a usage error', async () => {
    const world = await startSim();
    cleanups.push(() => world.servers.close());
    const password = randomSecret('pw');
    const flag = await runBin(['sessions', '--store', `redis://user:${password}@127.0.0.1:1/0`], world.env, {
      extraSecrets: [password],
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--store must not hold a password');
    const scheme = await runBin(['sessions', '--store', 'ftp://example/x'], world.env);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('must be a directory or a redis://');
  }, 30_000);
});
