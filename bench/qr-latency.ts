/**
 * Issue #6, item 3: from the moment the fake WPPConnect has a QR to the moment `createSession` resolves with
 * it, on the real clock and the DEFAULT poll schedule.
 *
 * The fake moves lazily: a session started at `t` shows its QR from `t + initializingMs`, so "when the QR
 * appeared" is read off the fake's call log (the start-session call's arrival) plus `initializingMs`.
 * The latency depends on where that moment falls between two polls, so besides the fixed 1,500 ms the
 * issue asks for, a sweep of `initializingMs` samples the phases, including the worst one (a QR that
 * appears just after a poll waits a whole interval).
 * @module
 */
import { startFakeServers } from '../src/testing/server.js';
import { type BenchResult, runBenchmark, type Table } from './lib/report.js';
import { sdk } from './lib/sdk.js';
import { formatMs, summarize } from './lib/stats.js';

const FIXED_MS = 1_500;
const FIXED_RUNS = 10;
/** 1,500 to 3,750 ms in 250 ms steps: QR moments spread over the 2 s poll interval the schedule settles on. */
const SWEEP_MS = Array.from({ length: 10 }, (_, i) => 1_500 + i * 250);

interface QrRun {
  initializingMs: number;
  /** ms from the start-session call's arrival at the fake. */
  qrAt: number;
  resolvedAt: number;
  latency: number;
  /** status-session calls the SDK's WPPConnect client sent, with their send times (ms after the start). */
  statusCalls: number[];
  /** The wait before the poll that saw the QR: the poll interval in force when it appeared. */
  interval: number;
  /** status-session calls the fake received for this session in all (the gateway's own reads included). */
  fakeStatusCalls: number;
}

async function oneRun(initializingMs: number, id: string): Promise<QrRun> {
  const servers = await startFakeServers({ wppconnect: { initializingMs } });
  try {
    const sent: number[] = [];
    // Records when the SDK sends each status-session call; the answer is the real one, through the socket.
    const recording: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/status-session')) sent.push(Date.now());
      return fetch(input, init);
    };
    const gateway = new sdk.WhatsAppGatewayClient({ baseUrl: servers.gatewayUrl, secret: servers.secret });
    const wppconnect = new sdk.WppConnectClient({
      baseUrl: servers.wppconnectUrl,
      secretKey: servers.secretKey,
      fetch: recording,
    });
    // Default options: the default poll schedule and the system clock.
    const manager = new sdk.SessionManager({ gateway, wppconnect });
    const report = await manager.createSession(id);
    const resolved = Date.now();
    if (report.status !== 'qr_required' || !report.qr) {
      throw new Error(`createSession(${id}) resolved ${report.status} without a QR`);
    }
    const start = servers.wppconnect.calls.find(
      (call) => call.route === '/api/{session}/start-session' && call.session === id,
    );
    if (!start) throw new Error(`the fake never received start-session for ${id}`);
    const statusCalls = sent.map((at) => at - start.at);
    const last = statusCalls[statusCalls.length - 1] ?? 0;
    const before = statusCalls[statusCalls.length - 2] ?? 0;
    return {
      initializingMs,
      qrAt: initializingMs,
      resolvedAt: resolved - start.at,
      latency: resolved - (start.at + initializingMs),
      statusCalls,
      interval: last - before,
      fakeStatusCalls: servers.wppconnect.countCalls('/api/{session}/status-session', id),
    };
  } finally {
    await servers.close();
  }
}

function runRows(runs: readonly QrRun[]): string[][] {
  return runs.map((run) => [
    `${run.initializingMs.toLocaleString('en-US')} ms`,
    formatMs(run.resolvedAt),
    formatMs(run.latency),
    formatMs(run.interval),
    run.latency <= run.interval ? 'yes' : 'no',
    `${run.statusCalls.length} (${run.fakeStatusCalls} at the fake)`,
    run.statusCalls.map((t) => Math.round(t)).join(', '),
  ]);
}

const COLUMNS = [
  'QR after (initializingMs)',
  'createSession resolved after',
  'Latency',
  'Poll interval in force',
  'Within it',
  'SDK status calls',
  'SDK status calls sent at (ms after start)',
];

export function qrLatency(): Promise<BenchResult> {
  return runBenchmark('qr-latency', '3. QR latency', async () => {
    const fixed: QrRun[] = [];
    for (let i = 0; i < FIXED_RUNS; i++) fixed.push(await oneRun(FIXED_MS, `qr-fixed-${i}`));
    const sweep: QrRun[] = [];
    for (const [i, ms] of SWEEP_MS.entries()) sweep.push(await oneRun(ms, `qr-sweep-${i}`));

    const fixedStats = summarize(fixed.map((r) => r.latency));
    const all = [...fixed, ...sweep];
    const allStats = summarize(all.map((r) => r.latency));
    const worst = all.reduce((a, b) => (b.latency - b.interval > a.latency - a.interval ? b : a));
    const statusCalls = summarize(all.map((r) => r.statusCalls.length));
    const tables: Table[] = [
      {
        title: `Fixed: initializingMs ${FIXED_MS.toLocaleString('en-US')} ms, ${FIXED_RUNS} sessions, one after the other`,
        columns: COLUMNS,
        rows: runRows(fixed),
      },
      {
        title:
          'Phase sweep: initializingMs 1,500 → 3,750 ms, so the QR appears at every point of a poll interval',
        columns: COLUMNS,
        rows: runRows(sweep),
      },
    ];
    const within = all.filter((r) => r.latency <= r.interval).length;
    return {
      setup: [
        'Fakes behind node:http on 127.0.0.1 with the real clock (`systemClock`); the fake gateway forwards the create to the fake WPPConnect (start-session), which shows a QR `initializingMs` after that call arrives.',
        'SDK: built package, `new SessionManager({ gateway, wppconnect })` with default options: default `pollIntervalsMs` ([500, 1000, 2000], the last repeating) and the system clock. Each run is a fresh session id on fresh fakes.',
        'Latency = `createSession` resolved − (start-session arrival at the fake + initializingMs). The poll interval in force is the gap between the SDK’s last two status calls (the last one saw QRCODE), measured where the SDK sends them.',
        'SDK status calls: status-session calls sent by the SDK’s WPPConnect client (the first is the check before waiting); "at the fake" adds the fake gateway’s own status read behind `getChannel` in the final report.',
      ],
      tables,
      targets: [
        {
          label: `Latency at initializingMs ${FIXED_MS.toLocaleString('en-US')} ms (median / max of ${FIXED_RUNS})`,
          target: 'within one poll interval (≤ 2,000 ms)',
          actual: `${formatMs(fixedStats.median)} / ${formatMs(fixedStats.max)}`,
          pass: fixed.every((r) => r.latency <= r.interval) && fixedStats.max <= 2_000,
        },
        {
          label: `Latency over all ${all.length} runs, phase sweep included (median / max)`,
          target: 'each within the poll interval in force',
          actual: `${formatMs(allStats.median)} / ${formatMs(allStats.max)}; ${within} of ${all.length} within`,
          pass: within === all.length,
        },
      ],
      notes: [
        `Status calls per createSession: median ${statusCalls.median}, max ${statusCalls.max} (SDK side). The schedule is visible in the send times: a first check at once, then waits of 500, 1,000 and 2,000 ms, then every 2,000 ms.`,
        `At a fixed 1,500 ms the QR lands just before the third status call (0.5 + 1 s after the first check), so the latency is the time the SDK takes to finish its report, not a poll wait: that figure says little about the schedule, hence the sweep. Its worst run: the QR appeared ${formatMs(worst.latency)} before createSession resolved, with a ${formatMs(worst.interval)} interval in force.`,
        'A QR that appears just after a poll waits one full interval plus the end of the operation (one status read, the gateway’s getChannel, the activity lookup): a few milliseconds over the interval in the worst case. Reading "within one poll interval" strictly, such a run is over by that much; shorter intervals trade latency for WPPConnect load.',
      ],
    };
  });
}
