/**
 * Issue #6, item 5: does the heap stay flat over 100 healthcheck rounds (no repair)? Heap after round 100
 * versus after round 10, each read after `gc()`.
 *
 * The fakes are reached in process (no sockets), so a round costs the SDK's work and the fakes' own. The
 * issue asks for 10,000 sessions; the fleet is the largest of {@link SIZES} whose first round finishes within
 * {@link ROUND_BUDGET_MS}, so that 100 rounds fit in a few minutes, and the document says which one it was.
 * @module
 */
import { setTimeout as wait } from 'node:timers/promises';
import { MEMORY_COLUMNS } from './lib/columns.js';
import { type BenchResult, progress, runBenchmark } from './lib/report.js';
import { inProcessRig, type Rig, warmTokens } from './lib/rig.js';
import { sdk } from './lib/sdk.js';
import { CountingActivity, seedFleet, sessionIds } from './lib/servers.js';
import { formatMs, median } from './lib/stats.js';

const ROUNDS = 100;
const SIZES = [10_000, 5_000, 2_000, 1_000, 500, 200];
/**
 * 100 rounds of this make 200 s: the memory benchmark's share of a ten-minute `npm run bench`.
 * `BENCH_MEMORY_ROUND_MS` raises it for a longer run (e.g. 10,000 sessions with a faster build).
 */
const ROUND_BUDGET_MS = Number(process.env['BENCH_MEMORY_ROUND_MS'] ?? 5_000);
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

function fleetOf(size: number): { rig: Rig; manager: InstanceType<typeof sdk.SessionManager> } {
  const rig = inProcessRig({ autoCloseMs: 0 });
  // Tokens already cached (steady state, as in the fleet benchmark): the first round then costs what the
  // others do, so it is a fair gauge of whether 100 rounds fit the budget.
  const ids = sessionIds(size);
  seedFleet(rig.wpp, rig.gateway, ids);
  const { gateway, wppconnect } = rig.clients(warmTokens(rig.wpp, ids));
  const manager = new sdk.SessionManager({ gateway, wppconnect, activity: new CountingActivity() });
  return { rig, manager };
}

/** One healthcheck round; the fakes' call logs are emptied after it (they are the harness, not the SDK). */
async function round(
  rig: Rig,
  manager: InstanceType<typeof sdk.SessionManager>,
  size: number,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  const report = await manager.healthcheck(signal ? { signal } : {});
  const ms = performance.now() - started;
  rig.clearCalls();
  if (report.counts.total !== size || report.counts.healthy !== size) {
    throw new Error(`round saw ${report.counts.healthy} healthy of ${report.counts.total}, expected ${size}`);
  }
  return ms;
}

/** The largest fleet whose first round (tokens issued, JIT cold) fits the budget, and what the others took. */
async function pickSize(): Promise<{ size: number; tried: string[] }> {
  const tried: string[] = [];
  for (const size of SIZES) {
    const { rig, manager } = fleetOf(size);
    const started = performance.now();
    try {
      const ms = await round(rig, manager, size, AbortSignal.timeout(ROUND_BUDGET_MS));
      tried.push(`${size.toLocaleString('en-US')} sessions: first round ${formatMs(ms)}`);
      progress(`memory: ${tried[tried.length - 1]}`);
      return { size, tried };
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
      tried.push(
        `${size.toLocaleString('en-US')} sessions: first round not done after ${formatMs(ROUND_BUDGET_MS)} (aborted)`,
      );
      progress(`memory: ${tried[tried.length - 1]}, ${formatMs(performance.now() - started)} to stop`);
    }
  }
  throw new Error(`no fleet size fits ${ROUND_BUDGET_MS} ms per round`);
}

export function memory(): Promise<BenchResult> {
  return runBenchmark('memory', '5. Memory over 100 healthcheck rounds', async () => {
    const { size, tried } = await pickSize();
    const { rig, manager } = fleetOf(size);
    const heap = new Map<number, number>();
    const times: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      times.push(await round(rig, manager, size));
      if (SAMPLE_AT.has(r)) {
        heap.set(r, await settledHeap());
        progress(
          `memory: round ${r}, ${formatMs(times[times.length - 1]!)}, heap ${(heap.get(r)! / 1048576).toFixed(1)} MB`,
        );
      }
    }
    const at10 = heap.get(10)!;
    const at100 = heap.get(ROUNDS)!;
    const growth = (at100 - at10) / at10;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const reduced = size !== SIZES[0];
    const notes = [
      `Heap after gc, by round: ${[...heap].map(([r, bytes]) => `${r}: ${mb(bytes)}`).join(', ')}.`,
      `A round (one listing: ${size.toLocaleString('en-US')} status calls, a liveness probe for each session without a message in the last two minutes (one in five here), one activity lookup) took ${formatMs(median(times))} at the median.`,
    ];
    if (reduced) {
      notes.push(
        `Not at the 10,000 sessions the issue asks for: a first 10,000-session round did not finish within the ${formatMs(ROUND_BUDGET_MS)} budget and was aborted, so 100 such rounds would not fit in this ten-minute run. The fleet was reduced, not the number of rounds. \`BENCH_MEMORY_ROUND_MS=6000 node --expose-gc --import tsx bench/run.ts memory\` runs it at 10,000 sessions (7 to 8 minutes on this machine).`,
      );
    }
    return {
      setup: [
        `Fakes in process (a \`fetch\` that calls their \`handle()\`; no sockets), the fake gateway’s list answering from its store (\`staleStatus: true\`), every session seeded CONNECTED.`,
        'SDK: built package, one `SessionManager({ gateway, wppconnect, activity })` with default options and a token already cached per session, `healthcheck()` (no repair) run 100 times back to back; every round is checked to find every session healthy.',
        'The fakes’ call logs are emptied after every round: they grow with every request and belong to the harness.',
        `Heap: \`process.memoryUsage().heapUsed\` after three \`gc()\` calls 50 ms apart (undici releases what its FinalizationRegistry holds only after a collection). Fleet size: the largest of ${SIZES.map((s) => s.toLocaleString('en-US')).join(', ')} whose first round finished within ${formatMs(ROUND_BUDGET_MS)}: ${tried.join('; ')}.`,
      ],
      tables: [
        {
          title: `${size.toLocaleString('en-US')} sessions × ${ROUNDS} rounds`,
          columns: MEMORY_COLUMNS,
          rows: [...heap].map(([r, bytes]) => [String(r), mb(bytes)]),
        },
      ],
      targets: [
        {
          label: `Heap growth, round 10 → round ${ROUNDS}, ${size.toLocaleString('en-US')} sessions`,
          target: '≤ 5 %',
          actual: `${(growth * 100).toFixed(1)} % (${mb(at10)} → ${mb(at100)})`,
          pass: growth <= TARGET,
        },
        {
          label: `${ROUNDS} rounds at ${SIZES[0]!.toLocaleString('en-US')} sessions, in minutes`,
          target: `a round within ${formatMs(ROUND_BUDGET_MS)}`,
          actual: tried[0]!,
          pass: !reduced,
        },
      ],
      notes,
    };
  });
}
