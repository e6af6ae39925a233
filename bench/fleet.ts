/**
 * Fleet listing: `manager.listSessions()` over a CONNECTED fleet in which 80 % of the sessions had a message
 * within the last two minutes, with every WPPConnect answer 20 ms away. The fakes run in a child process
 * (bench/lib/server-child.ts), so this process's CPU and event loop are the SDK's.
 *
 * Compared, side by side, with the ideal for bounded concurrency (`ceil(calls / concurrency) × 20 ms`, calls
 * counted in the fake's log) and with a sequential loop (one status query per session, awaited one by one:
 * what the production gateway's list does today). At 10,000 sessions, one listing and one healthcheck,
 * with their time and calls.
 * @module
 */

import { childRig } from './lib/child-servers.js';
import {
  FLEET_CONCURRENCY,
  FLEET_CONTEXT_COLUMNS,
  FLEET_LARGE_COLUMNS,
  FLEET_SCALING_COLUMNS,
} from './lib/columns.js';
import { barePoolOnce, type Listing, listOnce, type RunOptions, sequentialOnce } from './lib/fleet-runs.js';
import { type BenchResult, progress, runBenchmark, type Table, type Target } from './lib/report.js';
import { FLEET_MIX, sessionIds } from './lib/servers.js';
import { formatMs, formatRatio, formatSpread, median, summarize } from './lib/stats.js';

const LATENCY_MS = 20;
/** The manager's default (`SessionManagerOptions.concurrency`). */
const DEFAULT_CONCURRENCY = FLEET_CONCURRENCY;
const HEADLINE = 1_000;
const LARGE = 10_000;
/** Sizes measured with interleaved SDK/sequential blocks; 10,000 is measured apart (one run of each kind). */
const SIZES = [10, 100, 1_000];
/** Blocks per size: each is one SDK listing and one sequential loop, in alternating order (A B, B A, …). */
const BLOCKS: Record<number, number> = { 10: 6, 100: 6, 1000: 4 };
const TARGET_CALLS = 1.25;
const TARGET_VS_IDEAL = 1.15;
const TARGET_SPEEDUP = 12;

function ideal(listing: Listing, concurrency = DEFAULT_CONCURRENCY): number {
  return Math.ceil(listing.wppCalls / concurrency) * LATENCY_MS;
}

function describeCalls(listing: Listing): string {
  return Object.entries(listing.byRoute)
    .map(([route, n]) => `${route} ${n.toLocaleString('en-US')}`)
    .join(', ');
}

const perSession = (l: Listing) => l.wppCalls / l.sessions;
const cpuPerCall = (l: Listing) => l.cpuMs / l.wppCalls;

interface SizeRuns {
  sdk: Listing[];
  sequential: number[];
  /** Sequential / SDK of each block (the two runs of one block ran next to each other). */
  speedups: number[];
}

export function fleet(): Promise<BenchResult> {
  return runBenchmark('fleet', '2. Fleet listing', async () => {
    const rig = await childRig({ latencyMs: LATENCY_MS, autoCloseMs: 0 });
    try {
      const perSize = new Map<number, SizeRuns>();
      let seeded = 0;
      const grow = async (size: number) => {
        // The fleet grows in place: the sessions of the smaller sizes are the first ones of the larger.
        const ids = sessionIds(size);
        await rig.seed(ids.slice(seeded));
        seeded = size;
        return ids;
      };
      const context: Array<{ name: string; listing: Listing; concurrency: number }> = [];
      for (const size of SIZES) {
        const ids = await grow(size);
        // JIT and connection pool warm-up, on the smallest fleet only.
        if (size === SIZES[0]) for (let i = 0; i < 3; i++) await listOnce(rig, ids, { warm: true });
        const runs: SizeRuns = { sdk: [], sequential: [], speedups: [] };
        for (let block = 0; block < (BLOCKS[size] ?? 1); block++) {
          let listing: Listing;
          let sequential: number;
          if (block % 2 === 0) {
            listing = await listOnce(rig, ids, { warm: true });
            sequential = await sequentialOnce(rig, ids);
          } else {
            sequential = await sequentialOnce(rig, ids);
            listing = await listOnce(rig, ids, { warm: true });
          }
          runs.sdk.push(listing);
          runs.sequential.push(sequential);
          runs.speedups.push(sequential / listing.ms);
        }
        perSize.set(size, runs);
        progress(
          `fleet ${size}: SDK ${runs.sdk.map((r) => formatMs(r.ms)).join(', ')}; sequential ${runs.sequential.map(formatMs).join(', ')}`,
        );
        if (size === HEADLINE) {
          // Context runs while the fleet has exactly 1,000 sessions.
          const variants: Array<[string, RunOptions, number]> = [
            [
              'default, first listing of a new client (one generate-token per session)',
              { warm: false },
              DEFAULT_CONCURRENCY,
            ],
            [
              'before this release: probe every CONNECTED session, 8 at a time (`recentMessageMs: 0, concurrency: 8`)',
              { warm: true, manager: { recentMessageMs: 0, concurrency: 8 } },
              8,
            ],
            [
              'probe every CONNECTED session (`recentMessageMs: 0`)',
              { warm: true, manager: { recentMessageMs: 0 } },
              DEFAULT_CONCURRENCY,
            ],
            [
              'fixed limit (`adaptiveConcurrency: false`)',
              { warm: true, manager: { adaptiveConcurrency: false } },
              DEFAULT_CONCURRENCY,
            ],
          ];
          for (const [name, options, concurrency] of variants) {
            context.push({ name, listing: await listOnce(rig, ids, options), concurrency });
          }
          context.push({
            name: `no SDK: bare fetch pool making the same calls, ${DEFAULT_CONCURRENCY} sessions at a time`,
            listing: await barePoolOnce(rig, ids, DEFAULT_CONCURRENCY),
            concurrency: DEFAULT_CONCURRENCY,
          });
          progress(`fleet ${size} context: ${context.map((c) => formatMs(c.listing.ms)).join(', ')}`);
        }
      }

      // 10,000 sessions: one listing, one healthcheck, one sequential loop (200 s) would be too long:
      // its time is extrapolated from the 1,000-session loops, which are linear.
      const largeIds = await grow(LARGE);
      const large = {
        list: await listOnce(rig, largeIds, { warm: true }),
        healthcheck: await listOnce(rig, largeIds, { warm: true, op: 'healthcheck' }),
      };
      progress(
        `fleet ${LARGE}: list ${formatMs(large.list.ms)}, healthcheck ${formatMs(large.healthcheck.ms)}`,
      );

      const perSessionSequential = median(perSize.get(HEADLINE)!.sequential) / HEADLINE;
      const rows = SIZES.map((size) => {
        const runs = perSize.get(size)!;
        const first = runs.sdk[0]!;
        return [
          size.toLocaleString('en-US'),
          `${formatMs(median(runs.sdk.map((r) => r.ms)))} (${runs.sdk.length} runs)`,
          `${perSession(first).toFixed(3)} (${describeCalls(first)})`,
          formatMs(ideal(first)),
          formatSpread(runs.sdk.map((r) => r.ms / ideal(r))),
          `${formatMs(median(runs.sequential))} (${runs.sequential.length} runs)`,
          formatSpread(runs.speedups),
          `${median(runs.sdk.map(cpuPerCall)).toFixed(2)} ms`,
          [...new Set(runs.sdk.map((r) => r.activityCalls))].join(', '),
        ];
      });
      const scaling: Table = {
        title: `listSessions() over a CONNECTED fleet (${FLEET_MIX.recentShare * 100} % with a message 30 s ago, the rest 1 h ago), WPPConnect answering after ${LATENCY_MS} ms, tokens already cached (steady state); each block is one SDK listing next to one sequential loop`,
        columns: FLEET_SCALING_COLUMNS,
        rows,
      };
      const head = perSize.get(HEADLINE)!;
      const headMs = median(head.sdk.map((r) => r.ms));
      const sequentialMs = median(head.sequential);
      const contextTable: Table = {
        title: `${HEADLINE.toLocaleString('en-US')} sessions: context runs (each one listing)`,
        columns: FLEET_CONTEXT_COLUMNS,
        rows: context.map(({ name, listing, concurrency }) => [
          name,
          formatMs(listing.ms),
          perSession(listing).toFixed(3),
          describeCalls(listing),
          formatMs(ideal(listing, concurrency)),
          formatRatio(listing.ms / ideal(listing, concurrency)),
          formatRatio(sequentialMs / listing.ms),
          `${cpuPerCall(listing).toFixed(2)} ms`,
        ]),
      };
      const largeTable: Table = {
        title: `${LARGE.toLocaleString('en-US')} sessions, same fleet and latency, default options`,
        columns: FLEET_LARGE_COLUMNS,
        rows: (
          [
            ['listSessions()', large.list],
            ['healthcheck() (lists and classifies; no repair)', large.healthcheck],
          ] as const
        ).map(([name, listing]) => [
          name,
          formatMs(listing.ms),
          perSession(listing).toFixed(3),
          describeCalls(listing),
          formatMs(ideal(listing)),
          formatRatio(listing.ms / ideal(listing)),
          `${cpuPerCall(listing).toFixed(2)} ms`,
        ]),
      };

      const calls = summarize(head.sdk.map(perSession));
      const vsIdeal = summarize(head.sdk.map((r) => r.ms / ideal(r)));
      const speedup = summarize(head.speedups);
      const activityCalls = [
        ...[...perSize.values()].flatMap((r) => r.sdk.map((l) => l.activityCalls)),
        ...context.filter((c) => c.listing.gatewayCalls > 0).map((c) => c.listing.activityCalls),
        large.list.activityCalls,
        large.healthcheck.activityCalls,
      ];
      const cpuHead = median(head.sdk.map(cpuPerCall));
      const cpuLarge = cpuPerCall(large.list);
      const targets: Target[] = [
        {
          label: `WPPConnect calls per session, ${HEADLINE.toLocaleString('en-US')} sessions, ${FLEET_MIX.recentShare * 100} % with a recent message`,
          target: `≤ ${TARGET_CALLS}`,
          actual: `${calls.median.toFixed(3)} (${describeCalls(head.sdk[0]!)})`,
          pass: calls.max <= TARGET_CALLS,
        },
        {
          label: `${HEADLINE.toLocaleString('en-US')} sessions vs ideal at the default concurrency (${DEFAULT_CONCURRENCY}), min / median / max`,
          target: `≤ ${formatRatio(TARGET_VS_IDEAL)}`,
          actual: `${formatSpread(head.sdk.map((r) => r.ms / ideal(r)))} (${formatMs(headMs)} vs ${formatMs(ideal(head.sdk[0]!))})`,
          pass: vsIdeal.median <= TARGET_VS_IDEAL,
        },
        {
          label: `${HEADLINE.toLocaleString('en-US')} sessions, sequential loop / SDK, min / median / max`,
          target: `≥ ${TARGET_SPEEDUP}× faster`,
          actual: `${formatSpread(head.speedups)} (${formatMs(headMs)} vs ${formatMs(sequentialMs)})`,
          pass: speedup.median >= TARGET_SPEEDUP,
        },
        {
          label: 'Activity-source calls per listing',
          target: 'exactly 1',
          actual: `${[...new Set(activityCalls)].join(', ')} in each of ${activityCalls.length} listings`,
          pass: activityCalls.every((n) => n === 1),
        },
        {
          label: `No quadratic step: CPU per WPPConnect call at ${LARGE.toLocaleString('en-US')} vs ${HEADLINE.toLocaleString('en-US')} sessions`,
          target: '≤ 1.50×',
          actual: `${formatRatio(cpuLarge / cpuHead)} (${cpuLarge.toFixed(2)} ms vs ${cpuHead.toFixed(2)} ms)`,
          pass: cpuLarge / cpuHead <= 1.5,
        },
      ];
      const bare = context[context.length - 1]!.listing;
      const before = context[1]!.listing;
      const notes = [
        `WPPConnect calls per session at ${HEADLINE.toLocaleString('en-US')} sessions: ${calls.median.toFixed(3)} (${describeCalls(head.sdk[0]!)}), against ${perSession(before).toFixed(3)} when every CONNECTED session is probed. The sessions with a message in the last two minutes skip check-connection-session: a dead page delivers no messages, so the message proves the page alive when it came. show-all-sessions is read once per listing.`,
        `Before this release (every CONNECTED session probed, 8 at a time) the same listing took ${formatMs(before.ms)}, ${formatRatio(sequentialMs / before.ms)} faster than the sequential loop; now ${formatMs(headMs)}, ${formatRatio(speedup.median)} (median of ${head.speedups.length} blocks).`,
        `Against the ideal, which counts nothing but the ${LATENCY_MS} ms per call: a bare \`fetch\` pool making the same calls ${DEFAULT_CONCURRENCY} sessions at a time, with no SDK, takes ${formatRatio(bare.ms / ideal(bare))} of it on this machine (the fakes' timers fire late and the two cores are shared with the fakes' process and anything else running); the SDK's listing takes ${formatRatio(headMs / bare.ms)} of the bare pool's time.`,
        `At ${LARGE.toLocaleString('en-US')} sessions: listSessions ${formatMs(large.list.ms)} (${formatRatio(large.list.ms / ideal(large.list))} of its ideal), healthcheck ${formatMs(large.healthcheck.ms)}; the sequential loop would take about ${formatMs(perSessionSequential * LARGE)} (extrapolated from the ${HEADLINE.toLocaleString('en-US')}-session loops, which are linear at ${formatMs(perSessionSequential)} per session). CPU per WPPConnect call: ${cpuHead.toFixed(2)} ms at ${HEADLINE.toLocaleString('en-US')} sessions, ${cpuLarge.toFixed(2)} ms at ${LARGE.toLocaleString('en-US')}.`,
      ];
      return {
        setup: [
          `Fakes behind node:http on 127.0.0.1, in a child process (as a real server is: a server in the measuring process would share its event loop, so its 20 ms timers would fire late whenever the SDK is busy, and its CPU would be counted as the SDK's): FakeWppConnect with \`latencyMs: ${LATENCY_MS}\` on every answer, FakeGateway with \`staleStatus: true\` so its own list answers at once from its store (without it, the fake gateway's list would itself ask WPPConnect once per channel, one by one, exactly the sequential baseline).`,
          `Every session seeded CONNECTED with a live page and listed \`connected\` by the gateway; the activity source answers in one call, ${FLEET_MIX.recentShare * 100} % of the sessions (four in every five) with a message 30 s ago and the rest 1 h ago (outside the 2-minute window, inside the 4-hour zombie threshold). Every listing is checked to return them all connected and not zombies.`,
          `SDK: built package, \`new SessionManager({ gateway, wppconnect, activity })\` with default options (concurrency ${DEFAULT_CONCURRENCY}, adaptive, liveness probe on, \`recentMessageMs\` 120 000). Steady state: the WPPConnect client’s token store already holds a token per session.`,
          'Sequential loop: `for (const id of ids) await wppconnect.getStatus(id)` with cached tokens, one WPPConnect call per session.',
          `Ideal: \`ceil(WPPConnect calls / concurrency) × ${LATENCY_MS} ms\`, calls counted in the fake’s log (the show-all-sessions call, made beside the gateway list, included).`,
          `Blocks: ${SIZES.map((s) => `${BLOCKS[s]} at ${s.toLocaleString('en-US')}`).join(', ')} sessions; each block runs one SDK listing and one sequential loop back to back, in alternating order, and each ratio is taken inside a block.`,
        ],
        tables: [scaling, contextTable, largeTable],
        targets,
        notes,
      };
    } finally {
      await rig.close();
    }
  });
}
