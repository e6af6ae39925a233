/**
 * Per-call overhead: `gateway.getChannel('frontdesk')` against a local keep-alive server that answers like
 * the gateway, next to ky alone making the same call (`retry: 0, timeout: false`, the same headers, `.json()`)
 * and a bare `fetch` + `JSON.parse`. Measured in interleaved blocks: each block times {@link BLOCK_CALLS}
 * calls of every variant in turn (the order alternating), and each ratio is taken inside a block, so drift
 * on the shared machine hits the compared variants alike. Then a CPU-only breakdown (a `fetch` stub that
 * answers at once) times each piece alone.
 *
 * The server runs in a child process, and the ratios compare the CPU time this process spends per call (the
 * client's work: the SDK, ky, undici), not wall time: on a loaded two-core machine the wall time of a
 * loopback call is mostly waiting for a core, the same for every variant, which pulls every ratio toward 1
 * by an amount that depends on the load. Wall time is shown beside it.
 * @module
 */
import ky from 'ky';
import { startJsonServerInChild } from './lib/child-servers.js';
import { PER_CALL_COLUMNS } from './lib/columns.js';
import { type BenchResult, runBenchmark, type Table } from './lib/report.js';
import { loadSdk, sdk } from './lib/sdk.js';
import { formatRatio, formatSpread, formatUs, median, summarize } from './lib/stats.js';
import { cpuBreakdown } from './per-call-pieces.js';

/** The gateway's answer to `GET /api/channels/frontdesk`. */
const BODY = JSON.stringify({
  success: true,
  channel: { id: 'frontdesk', name: 'frontdesk', status: 'connected' },
});
const SECRET = 'bench-gateway-secret';
const HEADERS = { 'x-gateway-secret': SECRET, accept: 'application/json' };
const TARGET_VS_KY = 1.05;
const WARMUP = 1_000;
const BLOCKS = 15;
const BLOCK_CALLS = 200;

export function perCall(): Promise<BenchResult> {
  return runBenchmark('per-call', '1. Per-call overhead', async () => {
    const server = await startJsonServerInChild(BODY);
    const url = `${server.url}/api/channels/frontdesk`;
    const gateway = new sdk.WhatsAppGatewayClient({ baseUrl: server.url, secret: SECRET });
    const alone = ky.create({ retry: 0, timeout: false });
    // BENCH_COMPARE_SDK=path/to/other/index.js adds that build as one more interleaved variant.
    const otherPath = process.env['BENCH_COMPARE_SDK'];
    const other = otherPath
      ? new (await loadSdk(otherPath)).WhatsAppGatewayClient({ baseUrl: server.url, secret: SECRET })
      : undefined;

    const variants: Record<string, () => Promise<unknown>> = {
      'raw fetch + JSON.parse': async () => JSON.parse(await (await fetch(url, { headers: HEADERS })).text()),
      'ky alone (retry 0, timeout false), same call': () => alone.get(url, { headers: HEADERS }).json(),
      'SDK gateway.getChannel': () => gateway.getChannel('frontdesk'),
      ...(other ? { 'SDK, BENCH_COMPARE_SDK build': () => other.getChannel('frontdesk') } : {}),
    };
    const names = Object.keys(variants);
    /** Wall and client-CPU milliseconds per call, one entry per block. */
    const perBlock: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const cpuBlock: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    try {
      for (const name of names) for (let i = 0; i < WARMUP; i++) await variants[name]!();
      globalThis.gc?.();
      for (let block = 0; block < BLOCKS; block++) {
        for (const name of block % 2 === 0 ? names : [...names].reverse()) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          for (let i = 0; i < BLOCK_CALLS; i++) await variants[name]!();
          const used = process.cpuUsage(cpu);
          perBlock[name]!.push((performance.now() - started) / BLOCK_CALLS);
          cpuBlock[name]!.push((used.user + used.system) / 1000 / BLOCK_CALLS);
        }
      }
    } finally {
      await server.close();
    }
    const [rawName, kyName, sdkName] = names as [string, string, string];
    const ratios = (name: string, base: string) => cpuBlock[name]!.map((ms, i) => ms / cpuBlock[base]![i]!);
    const wallRatios = (name: string, base: string) =>
      perBlock[name]!.map((ms, i) => ms / perBlock[base]![i]!);
    const network: Table = {
      title: `Keep-alive GET over 127.0.0.1 to a server in a child process: ${BLOCKS} interleaved blocks of ${BLOCK_CALLS} calls per variant, after ${WARMUP.toLocaleString('en-US')} warm-up calls each; ratios of this process's CPU time per call`,
      columns: PER_CALL_COLUMNS,
      rows: names.map((name) => [
        name,
        formatUs(median(cpuBlock[name]!)),
        formatUs(median(perBlock[name]!)),
        formatSpread(ratios(name, rawName)),
        formatSpread(ratios(name, kyName)),
        formatSpread(wallRatios(name, kyName)),
      ]),
    };
    const vsKy = summarize(ratios(sdkName, kyName));
    const kyVsRaw = median(ratios(kyName, rawName));

    const { table: breakdown, us } = await cpuBreakdown();
    const piece = (name: string) => (us[name] ?? Number.NaN).toFixed(1);
    const notes = [
      `The SDK call is ${formatRatio(vsKy.median)} ky alone at the median of ${BLOCKS} blocks (${formatSpread(ratios(sdkName, kyName))}), and ky alone ${formatRatio(kyVsRaw)} a bare fetch.`,
      `What the SDK adds to ky's own work (CPU breakdown, no network): ky with the transport's options (a 15 s \`timeout\`) costs ${piece('ky over the stub with the transport’s options (timeout 15 000), + text')} µs against ${piece('ky alone over the stub (retry 0, timeout false), + json')} µs without a timeout; the SDK's body reader ${piece('new Response + readBody (the SDK’s body reader)')} µs against ${piece('new Response + response.text() + JSON.parse')} µs for \`text()\` + \`JSON.parse\`; zod validation ${piece('zod: channelAnswer.safeParse')} µs. The transport no longer makes two AbortSignals per attempt (\`AbortSignal.timeout\`, ${piece('AbortSignal.timeout(15 000) (what the transport made per attempt before)')} µs alone, plus \`AbortSignal.any\`, and every signal makes undici's \`Request\` dearer: ${piece('new Request(url, { headers, signal })')} µs against ${piece('new Request(url, { headers })')} µs).`,
    ];
    const sdkStub = us['SDK getChannel over the stub (all the SDK adds)'] ?? Number.NaN;
    const kyTimeout =
      us['ky over the stub with the transport’s options (timeout 15 000), + text'] ?? Number.NaN;
    const kyBare = us['ky alone over the stub (retry 0, timeout false), + json'] ?? Number.NaN;
    const timeoutCost = kyTimeout - kyBare;
    notes.push(
      `Over the stub, the whole SDK call costs ${sdkStub.toFixed(1)} µs of CPU: ${formatRatio(sdkStub / kyTimeout)} ky making the same request with the transport's options (a 15 s \`timeout\`, ${kyTimeout.toFixed(1)} µs) and ${formatRatio(sdkStub / kyBare)} ky with \`timeout: false\` (${kyBare.toFixed(1)} µs). ky's \`timeout\` (a timer and a promise race per request) measured ${timeoutCost >= 0 ? `${timeoutCost.toFixed(1)} µs` : `${(-timeoutCost).toFixed(1)} µs less than none, i.e. below this run's noise`} here; what the SDK does beyond ky (route and headers, the capped body read with its deadline, zod, the typed result) is the rest of the difference.`,
    );
    if (vsKy.median > TARGET_VS_KY) {
      notes.push(
        `Why the ${formatRatio(TARGET_VS_KY)} target is missed: ky alone, as the issue defines it, runs without a timeout, reads nothing but \`.json()\` and validates nothing, while every SDK call has a deadline (ky's \`timeout\` over the headers, one timer over the body: a proxy that stalls after the headers must not hang the call), reads the body through the size cap and checks the answer with zod. Those are guarantees the reliability suite checks, not overhead to drop; the block spread above shows how much of the rest is the shared machine.`,
      );
    }
    return {
      setup: [
        `Server: node:http on 127.0.0.1, in a child process, answering \`${BODY}\` with a Content-Length, keep-alive.`,
        'SDK: `new WhatsAppGatewayClient({ baseUrl, secret })` from the built package, default options (15 s timeout, 2 retries, validation on).',
        'ky alone: `ky.create({ retry: 0, timeout: false }).get(url, { headers }).json()` with the same two headers.',
        'raw: `JSON.parse(await (await fetch(url, { headers })).text())` with the same two headers.',
        `Interleaved blocks: ${BLOCKS} blocks; in each, every variant runs ${BLOCK_CALLS} calls in turn (order reversed every other block); each ratio is the two variants' CPU times (\`process.cpuUsage()\` of the measuring process, user + system) inside one block, and the table gives min / median / max over the blocks.`,
      ],
      tables: [network, breakdown],
      targets: [
        {
          label: 'SDK getChannel vs ky alone, same call, client CPU per call (min / median / max of blocks)',
          target: `≤ ${formatRatio(TARGET_VS_KY)} (median)`,
          actual: `${formatSpread(ratios(sdkName, kyName))} (${formatUs(median(cpuBlock[sdkName]!))} vs ${formatUs(median(cpuBlock[kyName]!))} of CPU; wall ${formatRatio(median(wallRatios(sdkName, kyName)))})`,
          pass: vsKy.median <= TARGET_VS_KY,
        },
      ],
      notes,
    };
  });
}
