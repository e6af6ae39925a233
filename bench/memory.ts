/**
 * Issue #15, item 4: 100 healthcheck rounds (no repair) over 10,000 sessions, heap after round 100 versus
 * after round 10, each read after `gc()`; the time and calls of `listSessions()` and `healthcheck()` at that
 * size; and no quadratic step (CPU per WPPConnect call at 10,000 sessions against 1,000).
 *
 * What is measured is the SDK's memory and CPU, so a round must not cost the fakes' work 100 times: the fakes
 * run in process (a `fetch` that calls their `handle()`, no sockets) and answer each URL once, in a first,
 * recording round; later rounds replay their answers ({@link replayingFetch}). No latency: a round is as fast
 * as the SDK allows, so 100 of them fit in a few minutes.
 * @module
 */
import { setTimeout as wait } from 'node:timers/promises';
import { MEMORY_COLUMNS } from './lib/columns.js';
import { type BenchResult, progress, runBenchmark } from './lib/report.js';
import { replayRig, warmTokens } from './lib/rig.js';
import { sdk } from './lib/sdk.js';
import { CountingActivity, type ReplayStats, seedFleet, sessionIds } from './lib/servers.js';
import { formatMs, formatRatio, median } from './lib/stats.js';

const ROUNDS = 100;
const SIZE = 10_000;
/** The smaller fleet the CPU per call at {@link SIZE} is compared with. */
const SMALL = 1_000;
const SMALL_ROUNDS = 10;
const TARGET = 0.05;
/** Heap sampled after these rounds (1-based). */
const SAMPLE_AT = new Set([1, ...Array.from({ length: 10 }, (_, i) => (i + 1) * 10)]);

/**
 * The heap once garbage is really gone. One `gc()` is not enough: undici ties a FinalizationRegistry to
 * every `Request`, and what it holds is released only when its cleanup task runs, after the collection.
 */
async function settledHeap(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await wait(50);
  }
  return process.memoryUsage().heapUsed;
}

type Manager = InstanceType<typeof sdk.SessionManager>;

/** A fleet of `size` CONNECTED sessions, a manager over it with a token cached per session. */
function fleetOf(size: number): { manager: Manager; replay: ReplayStats; wppCalls: () => number } {
  const rig = replayRig({ autoCloseMs: 0 });
  const ids = sessionIds(size);
  seedFleet(rig.wpp, rig.gateway, ids);
  const { gateway, wppconnect } = rig.clients(warmTokens(rig.wpp, ids));
  const manager = new sdk.SessionManager({ gateway, wppconnect, activity: new CountingActivity() });
  return { manager, replay: rig.replay, wppCalls: () => rig.wpp.calls.length };
}

/** One run of `op`: wall and CPU time, and the requests it made (recorded or replayed). */
async function measure(
  op: 'healthcheck' | 'list',
  manager: Manager,
  replay: ReplayStats,
  size: number,
): Promise<{ ms: number; cpuMs: number; requests: number }> {
  const before = replay.recorded + replay.replayed;
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (op === 'healthcheck') {
    const report = await manager.healthcheck();
    if (report.counts.total !== size || report.counts.healthy !== size) {
      throw new Error(
        `round saw ${report.counts.healthy} healthy of ${report.counts.total}, expected ${size}`,
      );
    }
  } else {
    const list = await manager.listSessions();
    if (list.length !== size || list.some((s) => s.status !== 'connected')) {
      throw new Error(`listing is not ${size} connected sessions`);
    }
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    requests: replay.recorded + replay.replayed - before,
  };
}

export function memory(): Promise<BenchResult> {
  return runBenchmark('memory', '5. Memory over 100 healthcheck rounds', async () => {
    const cpuPerRequest = (m: { cpuMs: number; requests: number }) => m.cpuMs / m.requests;

    // No quadratic step: the same round at 1,000 sessions first, in its own fleet.
    const small = fleetOf(SMALL);
    await measure('healthcheck', small.manager, small.replay, SMALL); // recording round
    const smallRounds = [];
    for (let r = 0; r < SMALL_ROUNDS; r++) {
      smallRounds.push(await measure('healthcheck', small.manager, small.replay, SMALL));
    }
    const smallCpu = median(smallRounds.map(cpuPerRequest));

    const { manager, replay, wppCalls } = fleetOf(SIZE);
    const first = await measure('healthcheck', manager, replay, SIZE); // recording round: the fakes answer
    const firstWppCalls = wppCalls();
    const list = await measure('list', manager, replay, SIZE);
    progress(
      `memory: ${SIZE} sessions, recording healthcheck ${formatMs(first.ms)} (${first.requests} requests), listSessions ${formatMs(list.ms)}`,
    );
    const heap = new Map<number, number>();
    const rounds: Array<{ ms: number; cpuMs: number; requests: number }> = [];
    for (let r = 1; r <= ROUNDS; r++) {
      rounds.push(await measure('healthcheck', manager, replay, SIZE));
      if (SAMPLE_AT.has(r)) {
        heap.set(r, await settledHeap());
        progress(
          `memory: round ${r}, ${formatMs(rounds[rounds.length - 1]!.ms)}, heap ${(heap.get(r)! / 1048576).toFixed(1)} MB`,
        );
      }
    }
    const at10 = heap.get(10)!;
    const at100 = heap.get(ROUNDS)!;
    const growth = (at100 - at10) / at10;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const largeCpu = median(rounds.map(cpuPerRequest));
    const roundMs = median(rounds.map((r) => r.ms));
    const requests = rounds[0]!.requests;
    const total = rounds.reduce((sum, r) => sum + r.ms, 0);
    const notes = [
      `Heap after gc, by round: ${[...heap].map(([r, bytes]) => `${r}: ${mb(bytes)}`).join(', ')}.`,
      `A healthcheck round over ${SIZE.toLocaleString('en-US')} sessions made ${requests.toLocaleString('en-US')} requests (the gateway list, show-all-sessions once, a status per session, a liveness probe for each session without a message in the last two minutes: one in five here; ${firstWppCalls.toLocaleString('en-US')} WPPConnect calls in the fakes' log of the first round) and took ${formatMs(roundMs)} at the median, ${formatMs(total)} for the ${ROUNDS} rounds, with no network latency: this is the SDK's own cost. \`listSessions()\` over the same fleet took ${formatMs(list.ms)} for ${list.requests.toLocaleString('en-US')} requests. With 20 ms per WPPConnect call, see the fleet benchmark's 10,000-session table.`,
      `CPU per request: ${(smallCpu * 1000).toFixed(0)} µs at ${SMALL.toLocaleString('en-US')} sessions (median of ${SMALL_ROUNDS} rounds), ${(largeCpu * 1000).toFixed(0)} µs at ${SIZE.toLocaleString('en-US')} (median of ${ROUNDS}): no step grows faster than the fleet.`,
    ];
    return {
      setup: [
        'Fakes in process (a `fetch` that calls their `handle()`; no sockets), the fake gateway’s list answering from its store (`staleStatus: true`), every session seeded CONNECTED with a live page, no latency.',
        'The fakes answer a first, recording round; every later request of the same method and URL gets their recorded answer back as a new `Response` (the fleet does not change during a healthcheck without repair), so a round costs the SDK’s work, not the fakes’. The recordings are made before round 1 and do not grow.',
        `SDK: built package, one \`SessionManager({ gateway, wppconnect, activity })\` with default options and a token already cached per session, \`healthcheck()\` (no repair) run ${ROUNDS} times back to back after the recording round and one \`listSessions()\`; every round is checked to find every session healthy.`,
        'Heap: `process.memoryUsage().heapUsed` after three `gc()` calls 50 ms apart (undici releases what its FinalizationRegistry holds only after a collection).',
        `CPU: \`process.cpuUsage()\` (user + system) of the round over the requests it made, at ${SMALL.toLocaleString('en-US')} and ${SIZE.toLocaleString('en-US')} sessions.`,
      ],
      tables: [
        {
          title: `${SIZE.toLocaleString('en-US')} sessions × ${ROUNDS} rounds`,
          columns: MEMORY_COLUMNS,
          rows: [...heap].map(([r, bytes]) => [String(r), mb(bytes)]),
        },
      ],
      targets: [
        {
          label: `Heap growth, round 10 → round ${ROUNDS}, ${SIZE.toLocaleString('en-US')} sessions`,
          target: '≤ 5 %',
          actual: `${(growth * 100).toFixed(1)} % (${mb(at10)} → ${mb(at100)})`,
          pass: growth <= TARGET,
        },
        {
          label: `No quadratic step: CPU per request at ${SIZE.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} sessions`,
          target: '≤ 1.50×',
          actual: `${formatRatio(largeCpu / smallCpu)} (${(largeCpu * 1000).toFixed(0)} µs vs ${(smallCpu * 1000).toFixed(0)} µs)`,
          pass: largeCpu / smallCpu <= 1.5,
        },
      ],
      notes,
    };
  });
}
