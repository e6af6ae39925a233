/**
 * Benchmark 7: `manager.listSessions()` over 1,000 sessions with each session store — `MemoryStore`,
 * `FileStore` (a temp dir), `RedisStore` through ioredis and through node-redis on a real `redis-server`
 * started for the run (test/support/redis.ts) — and with no store, the baseline: an activity source in memory,
 * as before the stores existed.
 *
 * Per store: the round trips one listing makes to it (target: 1 for activity + 1 for history, whatever the
 * number of sessions, so they are counted at 10 sessions and at 1,000), and the time the store adds to a
 * listing, side by side with the baseline in the same rounds.
 *
 * Round trips are counted, not assumed: every method call on the store is counted (a proxy in front of it;
 * for Memory and File one call is one read), and for Redis every command the store hands the client (a
 * wrapper around ioredis's `call` / node-redis's `sendCommand`), cross-checked against the server's own
 * `INFO commandstats` taken before and after the listing on another connection.
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type * as StoreModule from '../src/store/index.js';
import type { RepairRecord, SessionStore } from '../src/store/index.js';
import { startRedis } from '../test/support/redis.js';
import { STORE_TIME_COLUMNS, STORE_TRIPS_COLUMNS } from './lib/columns.js';
import {
  type BenchResult,
  currentLoad,
  progress,
  runBenchmark,
  type Table,
  type Target,
} from './lib/report.js';
import { httpRig, type Rig, warmTokens } from './lib/rig.js';
import { sdk, sdkUrl } from './lib/sdk.js';
import { CountingActivity, FLEET_MIX, seedFleet, sessionIds } from './lib/servers.js';
import { formatMs, formatSpread, summarize } from './lib/stats.js';

/** The store entry of the same build as {@link sdk}. */
const stores = (await import(new URL('store/index.js', sdkUrl).href)) as typeof StoreModule;

const LATENCY_MS = 20;
const SMALL = 10;
const SESSIONS = 1_000;
/** Listings of each variant before any timing, then timed rounds (one listing of every variant each). */
const WARMUP = 2;
const ROUNDS = 8;
/** Timed `lastActivity + history` pairs per store, outside any listing. */
const READS = 40;
/** One session in this many has a repair history (two records). */
const HISTORY_EVERY = 4;
/**
 * The message window that spares the liveness probe, widened from the default 2 minutes: the store's
 * activity is written once, at seeding, and must still read "recent" at the end of the run, so that every
 * variant makes the same WPPConnect calls as the baseline (whose source answers relative to now).
 */
const RECENT_MESSAGE_MS = 15 * 60_000;
const TARGET_TRIPS = 2;

/** Round trips of one listing: by store method, and (Redis) by command the client sent. */
interface Trips {
  byMethod: Record<string, number>;
  commands: number;
  /** Redis only: what the server counted (`INFO commandstats` delta, `info` itself left out). */
  server?: CommandStats;
}

/** One way of giving the manager a store (or none). */
interface Variant {
  name: string;
  /** The store as the manager sees it (counting proxy), or none for the baseline. */
  store?: SessionStore;
  /** The store itself, for seeding and for the reads timed alone. */
  raw?: SessionStore;
  /** Runs before each listing, untimed (e.g. a webhook write, so the file store must read the file again). */
  prepare?: () => Promise<void>;
  /** Redis only: the server's command counts, read on another connection. */
  serverStats?: () => Promise<CommandStats>;
  trips: Trips;
  close?: () => Promise<void>;
}

function emptyTrips(): Trips {
  return { byMethod: {}, commands: 0 };
}

/** A proxy counting every method call made on `store`. */
function countingStore(store: SessionStore, trips: () => Trips): SessionStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const t = trips();
        t.byMethod[property] = (t.byMethod[property] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** `INFO commandstats`: calls and microseconds spent, per command. */
interface CommandStats {
  calls: Record<string, number>;
  usec: Record<string, number>;
}

function parseCommandStats(info: string): CommandStats {
  const stats: CommandStats = { calls: {}, usec: {} };
  for (const match of info.matchAll(/^cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.calls[match[1]!] = Number(match[2]);
    stats.usec[match[1]!] = Number(match[3]);
  }
  return stats;
}

function statsDelta(before: CommandStats, after: CommandStats): CommandStats {
  const delta: CommandStats = { calls: {}, usec: {} };
  for (const [name, calls] of Object.entries(after.calls)) {
    const n = calls - (before.calls[name] ?? 0);
    if (n > 0 && name !== 'info') {
      delta.calls[name] = n;
      delta.usec[name] = (after.usec[name] ?? 0) - (before.usec[name] ?? 0);
    }
  }
  return delta;
}

const methodCalls = (t: Trips) => Object.values(t.byMethod).reduce((a, b) => a + b, 0);
/** Round trips to the store: commands for Redis, method calls otherwise. */
const roundTrips = (v: Variant, t: Trips) => (v.serverStats ? t.commands : methodCalls(t));

function describeTrips(v: Variant, t: Trips): string {
  const methods = Object.entries(t.byMethod)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `${roundTrips(v, t)} (${methods}${v.serverStats ? `; ${t.commands} commands sent` : ''})`;
}

function describeServer(delta: CommandStats | undefined): string {
  if (!delta) return 'n/a';
  return Object.entries(delta.calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name.toUpperCase()} ${n.toLocaleString('en-US')}`)
    .join(', ');
}

/** What seeding writes: activity for every session (the fleet's mix), history for one in {@link HISTORY_EVERY}. */
async function seedStore(store: SessionStore, ids: readonly string[], offset: number, now: number) {
  for (const [i, id] of ids.entries()) {
    const recent = CountingActivity.isRecent(offset + i, FLEET_MIX.recentShare);
    await store.recordActivity(id, new Date(now - (recent ? FLEET_MIX.recentAgeMs : FLEET_MIX.staleAgeMs)));
    if ((offset + i) % HISTORY_EVERY === 0) {
      const records: RepairRecord[] = [
        {
          at: new Date(now - 2 * 86_400_000),
          kind: 'repair',
          rung: 2,
          outcome: 'ok',
          status: 'connected',
          detail: 'restarted on WPPConnect',
        },
        { at: new Date(now - 86_400_000), kind: 'reconnect', outcome: 'ok', status: 'connected' },
      ];
      for (const record of records) await store.appendHistory(id, record);
    }
  }
}

interface Listed {
  ms: number;
  trips: Trips;
  wppCalls: number;
}

async function listOnce(rig: Rig, ids: readonly string[], variant: Variant): Promise<Listed> {
  const { gateway, wppconnect } = rig.clients(warmTokens(rig.wpp, ids));
  const options = variant.store ? { store: variant.store } : { activity: new CountingActivity(FLEET_MIX) };
  const manager = new sdk.SessionManager({
    gateway,
    wppconnect,
    recentMessageMs: RECENT_MESSAGE_MS,
    ...options,
  });
  await variant.prepare?.();
  const before = variant.serverStats ? await variant.serverStats() : undefined;
  variant.trips = emptyTrips();
  rig.clearCalls();
  const started = performance.now();
  const infos = await manager.listSessions();
  const ms = performance.now() - started;
  // This listing's count is closed: later calls (seeding, the reads timed alone) count into a fresh one.
  const trips = variant.trips;
  variant.trips = emptyTrips();
  if (before) trips.server = statsDelta(before, await variant.serverStats!());
  if (infos.length !== ids.length)
    throw new Error(`${variant.name}: listed ${infos.length}, expected ${ids.length}`);
  const bad = infos.find((info) => info.status !== 'connected' || info.isZombie);
  if (bad) throw new Error(`${variant.name}: session ${bad.id} reads ${bad.status}, expected connected`);
  const withHistory = infos.filter((info) => info.history.length > 0).length;
  if (variant.store && withHistory !== Math.ceil(ids.length / HISTORY_EVERY)) {
    throw new Error(
      `${variant.name}: ${withHistory} sessions with a history, expected ${Math.ceil(ids.length / HISTORY_EVERY)}`,
    );
  }
  return { ms, trips, wppCalls: rig.wpp.calls.length };
}

/** Builds the variants: the baseline and the four stores (Redis on a server started here). */
async function variants(): Promise<{ list: Variant[]; redisVersion: string; close: () => Promise<void> }> {
  const list: Variant[] = [];
  const make = (name: string, raw?: SessionStore, extra: Partial<Variant> = {}): Variant => {
    const variant: Variant = { name, trips: emptyTrips(), ...extra };
    if (raw) {
      variant.raw = raw;
      variant.store = countingStore(raw, () => variant.trips);
    }
    list.push(variant);
    return variant;
  };
  make('no store (activity source in memory)');
  make('MemoryStore', new stores.MemoryStore());
  // Two dirs: the writes made for one variant must not make the other read its file again.
  const dir = await mkdtemp(join(tmpdir(), 'wgw-bench-store-'));
  make('FileStore, file unchanged since the last read', new stores.FileStore({ dir: join(dir, 'a') }));
  const fileChanged = make(
    'FileStore, a webhook written before each listing',
    new stores.FileStore({ dir: join(dir, 'b') }),
  );
  // Another process's write (another FileStore on the same dir): the listing's store must read the file again.
  const writer = new stores.FileStore({ dir: join(dir, 'b') });
  // s00002 is one of the sessions with a recent message: it stays one, so the listing's WPPConnect calls do not change.
  fileChanged.prepare = () => writer.recordActivity('s00002', new Date());

  const server = await startRedis();
  const observer = new Redis({ path: server.socket });
  const serverStats = async () => parseCommandStats(String(await observer.call('INFO', 'commandstats')));
  const redisVersion = /redis_version:(\S+)/.exec(String(await observer.call('INFO', 'server')))?.[1] ?? '?';
  const io = new Redis({ path: server.socket });
  const ioVariant = make('RedisStore, ioredis', undefined, { serverStats });
  const ioStore = new stores.RedisStore({
    client: {
      call: (command: string, ...args: string[]) => {
        ioVariant.trips.commands++;
        return io.call(command, ...args);
      },
    },
    prefix: 'bench:',
  });
  ioVariant.raw = ioStore;
  ioVariant.store = countingStore(ioStore, () => ioVariant.trips);
  const node = await createClient({ socket: { path: server.socket, tls: false } }).connect();
  const nodeVariant = make('RedisStore, node-redis', undefined, { serverStats });
  // The same keys as the ioredis store: seeded once, read by both.
  const nodeStore = new stores.RedisStore({
    client: {
      sendCommand: (args: string[]) => {
        nodeVariant.trips.commands++;
        return node.sendCommand(args);
      },
    },
    prefix: 'bench:',
  });
  nodeVariant.raw = nodeStore;
  nodeVariant.store = countingStore(nodeStore, () => nodeVariant.trips);
  return {
    list,
    redisVersion,
    close: async () => {
      io.disconnect();
      observer.disconnect();
      await node.quit();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The stores that need their own seeding (both Redis variants share one prefix). */
function seeded(list: readonly Variant[]): SessionStore[] {
  const names = [
    'MemoryStore',
    'FileStore, file unchanged since the last read',
    'FileStore, a webhook written before each listing',
    'RedisStore, ioredis',
  ];
  return list.filter((v) => names.includes(v.name)).map((v) => v.raw!);
}

export function store(): Promise<BenchResult> {
  return runBenchmark('store', '7. Session stores', async () => {
    const rig = await httpRig({ latencyMs: LATENCY_MS, autoCloseMs: 0 });
    const setup = await variants();
    try {
      const { list } = setup;
      const now = Date.now();
      // 10 sessions first: the round trips must not grow with the fleet.
      const small = sessionIds(SMALL);
      seedFleet(rig.wpp, rig.gateway, small);
      for (const s of seeded(list)) await seedStore(s, small, 0, now);
      const smallTrips = new Map<Variant, Listed>();
      for (const v of list) smallTrips.set(v, await listOnce(rig, small, v));

      const ids = sessionIds(SESSIONS);
      seedFleet(rig.wpp, rig.gateway, ids.slice(SMALL));
      const seedStarted = performance.now();
      for (const s of seeded(list)) await seedStore(s, ids.slice(SMALL), SMALL, now);
      progress(`seeded ${SESSIONS} sessions in every store in ${formatMs(performance.now() - seedStarted)}`);

      for (const v of list) for (let i = 0; i < WARMUP; i++) await listOnce(rig, ids, v);
      const rounds = new Map<Variant, Listed[]>(list.map((v) => [v, []]));
      const added = new Map<Variant, number[]>(list.map((v) => [v, []]));
      const ratios = new Map<Variant, number[]>(list.map((v) => [v, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? list : [...list].reverse();
        const times = new Map<Variant, number>();
        for (const v of order) {
          const listed = await listOnce(rig, ids, v);
          rounds.get(v)!.push(listed);
          times.set(v, listed.ms);
        }
        const base = times.get(list[0]!)!;
        for (const v of list) {
          added.get(v)!.push(times.get(v)! - base);
          ratios.get(v)!.push(times.get(v)! / base);
        }
        progress(`round ${round + 1}: ${list.map((v) => formatMs(times.get(v)!)).join(', ')}`);
      }

      // The two reads a listing makes, timed alone, interleaved store by store.
      const reads = new Map<Variant, number[]>(list.map((v) => [v, []]));
      const withStore = list.filter((v) => v.raw);
      for (let i = 0; i < READS; i++) {
        const order = i % 2 === 0 ? withStore : [...withStore].reverse();
        for (const v of order) {
          await v.prepare?.();
          const started = performance.now();
          await Promise.all([v.raw!.lastActivity(ids), v.raw!.history(ids)]);
          reads.get(v)!.push(performance.now() - started);
        }
      }

      const allTrips = (v: Variant) =>
        [smallTrips.get(v)!, ...rounds.get(v)!].map((l) => roundTrips(v, l.trips));
      const tripsTable: Table = {
        title: `Store round trips per listSessions(), counted during the listing (the first timed listing at ${SESSIONS.toLocaleString('en-US')})`,
        columns: STORE_TRIPS_COLUMNS,
        rows: withStore.map((v) => [
          v.name,
          describeTrips(v, smallTrips.get(v)!.trips),
          describeTrips(v, rounds.get(v)![0]!.trips),
          describeServer(rounds.get(v)![0]!.trips.server),
        ]),
      };
      const baseMs = rounds.get(list[0]!)!.map((l) => l.ms);
      const timeTable: Table = {
        title: `listSessions() over ${SESSIONS.toLocaleString('en-US')} CONNECTED sessions, WPPConnect answering after ${LATENCY_MS} ms; ${ROUNDS} rounds, each one listing of every variant back to back`,
        columns: STORE_TIME_COLUMNS,
        rows: list.map((v) => {
          const ms = summarize(rounds.get(v)!.map((l) => l.ms));
          const plus = summarize(added.get(v)!);
          const read = summarize(reads.get(v)!);
          const wpp = [...new Set(rounds.get(v)!.map((l) => l.wppCalls))].join(', ');
          const isBase = v === list[0];
          return [
            v.name,
            `${formatMs(ms.median)} (${formatMs(ms.min)} / ${formatMs(ms.max)})`,
            isBase ? '1.00× (baseline)' : formatSpread(ratios.get(v)!),
            isBase ? 'baseline' : `${signedMs(plus.median)} (${signedMs(plus.min)} / ${signedMs(plus.max)})`,
            isBase ? 'n/a' : `${formatMs(read.median)} (${formatMs(read.p95)})`,
            wpp,
          ];
        }),
      };
      const targets: Target[] = withStore.map((v) => {
        const all = allTrips(v);
        return {
          label: `${v.name}: store round trips per listing, at ${SMALL} and at ${SESSIONS.toLocaleString('en-US')} sessions`,
          target: `${TARGET_TRIPS} (1 activity + 1 history)`,
          actual: `${[...new Set(all)].join(', ')} in each of ${all.length} listings`,
          pass: all.every((n) => n === TARGET_TRIPS),
        };
      });
      const medianOf = (v: Variant) => summarize(reads.get(v)!).median;
      const fileCold = list.find((v) => v.prepare)!;
      const fileWarm = list.find((v) => v.name.startsWith('FileStore, file unchanged'))!;
      const ioVariant = list.find((v) => v.name === 'RedisStore, ioredis')!;
      const nodeVariant = list.find((v) => v.name === 'RedisStore, node-redis')!;
      const serverMs = (v: Variant) =>
        summarize(
          rounds
            .get(v)!
            .map(
              (l) => ((l.trips.server?.usec['eval'] ?? 0) + (l.trips.server?.usec['zmscore'] ?? 0)) / 1000,
            ),
        ).median;
      const baseSummary = summarize(baseMs);
      const baseline = baseSummary.median;
      return {
        setup: [
          `Fakes behind node:http on 127.0.0.1, as in the fleet benchmark: FakeWppConnect answering after ${LATENCY_MS} ms, FakeGateway with \`staleStatus: true\`; every session CONNECTED with a live page and listed \`connected\`; WPPConnect tokens cached (steady state).`,
          `Variants: no store (\`new SessionManager({ gateway, wppconnect, activity })\`, an activity source answering from memory: what the manager did before stores); \`MemoryStore\`; \`FileStore({ dir })\` on a temp dir, once with the file unchanged since the store's last read (it re-reads only when the file's size or mtime changed) and once with a webhook written by another \`FileStore\` before each listing (untimed), so each listing reads and parses the file again; \`RedisStore\` through ioredis ${redisClientVersion('ioredis')} and through node-redis ${redisClientVersion('redis')}, on a \`redis-server\` ${setup.redisVersion} started for the run on a unix socket (test/support/redis.ts). With a store the manager has no \`activity\` option and reads activity from the store.`,
          `Seeded through each store's own API: activity for every session (${FLEET_MIX.recentShare * 100} % 30 s ago, the rest 1 h ago: the fleet benchmark's mix), and a repair history of two records for one session in ${HISTORY_EVERY}. Every listing is checked to return every session connected, not a zombie, and (with a store) ${Math.ceil(SESSIONS / HISTORY_EVERY)} of them with their history.`,
          `\`recentMessageMs: ${RECENT_MESSAGE_MS.toLocaleString('en-US')}\` for every variant, so the activity written at seeding still spares the probe at the end of the run and every variant makes the same WPPConnect calls (counted in the last column).`,
          `Round trips: every method call on the store (a counting proxy in front of it; a Memory or File read is one call); for Redis, every command the store handed the client (a wrapper around ioredis's \`call\` and node-redis's \`sendCommand\`), and the server's own count (\`INFO commandstats\` before and after the listing, on another connection; commands a script runs count there too).`,
          `Time: ${WARMUP} untimed listings of each variant, then ${ROUNDS} rounds of one listing per variant in alternating order; "vs no store" and "added" are taken inside each round. The store's reads alone: \`Promise.all([store.lastActivity(ids), store.history(ids)])\` for the ${SESSIONS.toLocaleString('en-US')} ids, what a listing asks, median and p95 of ${READS}.`,
        ],
        tables: [tripsTable, timeTable],
        targets,
        notes: [
          `The listing asks the store twice, whatever the fleet: one \`lastActivity\` for every id (Redis: one \`ZMSCORE\`) and one \`history\` for every id (Redis: one \`EVAL\` of a script that runs one \`LRANGE\` per id on the server, so the server counts ${SESSIONS.toLocaleString('en-US')} \`LRANGE\` and the network carries one request). No lease, pending-work or write call is made by a listing.`,
          `Against a listing of ${formatMs(baseline)} (median; ${SESSIONS.toLocaleString('en-US')} sessions at ${LATENCY_MS} ms per WPPConnect answer) the store's two reads, timed alone, take: ${withStore.map((v) => `${v.name} ${formatMs(medianOf(v))}`).join('; ')}. The whole listings vary far more from round to round on this shared machine (the no-store baseline alone from ${formatMs(baseSummary.min)} to ${formatMs(baseSummary.max)}, load ${currentLoad()} at the end), so the "added per listing" column is noise around that cost, not a measure of it; the reads timed alone are the store's own cost, and they are paid once per listing whatever its length.`,
          `FileStore: reading costs a \`stat\` while the file is unchanged (${formatMs(medianOf(fileWarm))}), and a read and JSON parse of the whole file after another process wrote it (${formatMs(medianOf(fileCold))}), which is the usual case under webhook traffic. Redis: ${formatMs(medianOf(ioVariant))} (ioredis) and ${formatMs(medianOf(nodeVariant))} (node-redis) for both reads over a unix socket, of which the server itself spent ${formatMs(serverMs(ioVariant))} per listing (the \`usec\` of \`EVAL\` and \`ZMSCORE\` in \`INFO commandstats\`, median over the listings); the rest is the client's encoding and decoding of ${SESSIONS.toLocaleString('en-US')} ids and histories and the socket. Over a network, add one round trip: the two reads run in parallel.`,
        ],
      };
    } finally {
      await setup.close();
      await rig.close();
    }
  });
}

function signedMs(ms: number): string {
  return ms < 0 ? `−${formatMs(-ms)}` : `+${formatMs(ms)}`;
}

function redisClientVersion(name: 'ioredis' | 'redis'): string {
  const path = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
