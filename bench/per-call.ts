/**
 * Issue #6, item 1: the SDK's cost per call. `gateway.getChannel('imobsites')` against a local keep-alive
 * server that answers like the gateway, versus a bare `fetch` + `JSON.parse` of the same answer.
 *
 * Two context variants run interleaved with them, because they split the overhead without patching the SDK:
 * a bare `fetch` carrying the same per-attempt timeout signal the SDK creates, and ky called with the
 * transport's own options. A CPU-only breakdown (bench/per-call-pieces.ts, a `fetch` stub that answers at
 * once) times each piece alone: ky's request building, the timeout signal, body reading, zod.
 * @module
 */
import ky from 'ky';
import { type BenchResult, runBenchmark, type Table } from './lib/report.js';
import { loadSdk, sdk } from './lib/sdk.js';
import { startJsonServer } from './lib/servers.js';
import { formatRatio, formatUs, interleave, summarize } from './lib/stats.js';
import { cpuBreakdown } from './per-call-pieces.js';

/** The gateway's answer to `GET /api/channels/imobsites` (field notes §3). */
const BODY = JSON.stringify({
  success: true,
  channel: { id: 'imobsites', name: 'imobsites', status: 'connected' },
});
const SECRET = 'bench-gateway-secret';
const HEADERS = { 'x-gateway-secret': SECRET, accept: 'application/json' };
/** The SDK's default per-attempt timeout, so the context variants carry the same signal. */
const TIMEOUT_MS = 15_000;
const TARGET = 1.1;
const WARMUP = 1_000;
const ITERATIONS = 4_000;

export function perCall(): Promise<BenchResult> {
  return runBenchmark('per-call', '1. Per-call overhead', async () => {
    const server = await startJsonServer(BODY);
    const url = `${server.url}/api/channels/imobsites`;
    const gateway = new sdk.WhatsAppGatewayClient({ baseUrl: server.url, secret: SECRET });
    const transportKy = ky.create({ retry: 0, throwHttpErrors: false });
    // BENCH_COMPARE_SDK=path/to/other/index.js adds that build as one more interleaved variant.
    const otherPath = process.env['BENCH_COMPARE_SDK'];
    const other = otherPath
      ? new (await loadSdk(otherPath)).WhatsAppGatewayClient({ baseUrl: server.url, secret: SECRET })
      : undefined;

    const variants: Record<string, () => Promise<unknown>> = {
      raw: async () => JSON.parse(await (await fetch(url, { headers: HEADERS })).text()),
      sdk: () => gateway.getChannel('imobsites'),
      'raw + timeout signal': async () =>
        JSON.parse(
          await (await fetch(url, { headers: HEADERS, signal: AbortSignal.timeout(TIMEOUT_MS) })).text(),
        ),
      'ky (transport options)': async () =>
        JSON.parse(
          await (
            await transportKy(url, {
              method: 'GET',
              headers: HEADERS,
              timeout: false,
              signal: AbortSignal.timeout(TIMEOUT_MS),
            })
          ).text(),
        ),
      ...(other ? { 'sdk (BENCH_COMPARE_SDK build)': () => other.getChannel('imobsites') } : {}),
    };
    globalThis.gc?.();
    let samples: Record<string, number[]>;
    try {
      samples = await interleave(variants, { warmup: WARMUP, iterations: ITERATIONS });
    } finally {
      await server.close();
    }
    const stats = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summarize(s)]));
    const raw = stats['raw']!;
    const sdkStats = stats['sdk']!;
    const ratio = sdkStats.median / raw.median;
    const kyRatio = stats['ky (transport options)']!.median / raw.median;
    const timeoutRatio = stats['raw + timeout signal']!.median / raw.median;

    const network: Table = {
      title: `Keep-alive GET over 127.0.0.1, ${ITERATIONS.toLocaleString('en-US')} calls per variant after ${WARMUP.toLocaleString('en-US')} warm-up calls, interleaved call by call`,
      columns: ['Variant', 'Median', 'p95', 'Median vs raw', 'p95 vs raw'],
      rows: Object.entries(stats).map(([name, s]) => [
        name,
        formatUs(s.median),
        formatUs(s.p95),
        formatRatio(s.median / raw.median),
        formatRatio(s.p95 / raw.p95),
      ]),
    };

    const { table: breakdown, us } = await cpuBreakdown();
    const piece = (name: string) => (us[name] ?? Number.NaN).toFixed(0);
    const overhead = ratio - 1;
    const kyShare = overhead > 0 ? (kyRatio - timeoutRatio) / overhead : 0;
    const notes = [
      `The SDK call is ${formatRatio(ratio)} a bare fetch at the median. Splitting that overhead with the context variants: a fetch carrying the same per-attempt timeout signal is ${formatRatio(timeoutRatio)}, and ky with the transport's options (retry 0, throwHttpErrors false, timeout false, that signal) is ${formatRatio(kyRatio)}; so ky's request building accounts for about ${Math.round(kyShare * 100)} % of the SDK's overhead, the timeout signal for ${overhead > 0 ? Math.round(((timeoutRatio - 1) / overhead) * 100) : 0} %, and the SDK's own work (body reading, validation, mapping) for the rest.`,
      `Why ky costs so much here (CPU breakdown, no network): ky over a stub takes ${piece('ky over the stub with the transport’s options, + text')} µs per call where the bare stub call takes ${piece('stub fetch + text + JSON.parse (the raw call without the network)')} µs. Every call builds a \`Request\` with a signal, clones it for retries (turned off here), and undici's \`fetch\` wraps it in a third \`Request\`; ky also adds its own \`AbortController\`, joined to the caller's signal with \`AbortSignal.any\`. On Node 20 a \`Request\` carrying a signal costs ${piece('new Request(url, { headers, signal })')} µs against ${piece('new Request(url, { headers })')} µs without one (undici ties a controller and a finalizer to it).`,
      `zod is not the problem: validating this answer costs ${(us['zod: channelAnswer.safeParse'] ?? Number.NaN).toFixed(1)} µs. Nor is the body reader: ${piece('new Response + readBody (the SDK’s body reader)')} µs against ${piece('new Response + response.text() + JSON.parse')} µs for \`text()\` + \`JSON.parse\`. Validation stays.`,
    ];
    if (ratio > TARGET) {
      notes.push(
        'What would fix most of it: bench/proposals/1-transport-without-ky.diff (not applied here: src/http is being edited by others) makes `src/http/transport.ts` call `fetch` directly. ky only built the request (method, headers, a JSON body); its retries, timeout and error throwing were already off. Validation is unchanged. To see both builds side by side: `node --import tsx bench/proposals/build-patched.ts`, then `BENCH_COMPARE_SDK=<printed path> node --expose-gc --import tsx bench/run.ts per-call`. What would remain: the per-attempt timeout signal (the "raw + timeout signal" row) and the SDK’s own work (body classification, validation, error context), a few tens of µs.',
      );
    }
    return {
      setup: [
        `Server: node:http on 127.0.0.1 answering \`${BODY}\` with a Content-Length, keep-alive (one socket reused by every variant).`,
        'SDK: `new WhatsAppGatewayClient({ baseUrl, secret })` from the built package, default options (15 s timeout, 2 retries, validation on).',
        'raw: `JSON.parse(await (await fetch(url, { headers })).text())` with the same two headers.',
        'Context variants, same loop: the raw call with `signal: AbortSignal.timeout(15000)` (what the SDK adds to every attempt), and ky with the transport’s options.',
        'Interleaved call by call (A B C D, then D C B A), so drift on the shared machine hits every variant alike.',
      ],
      tables: [network, breakdown],
      targets: [
        {
          label: 'SDK median vs raw fetch median',
          target: `≤ ${formatRatio(TARGET)}`,
          actual: `${formatRatio(ratio)} (${formatUs(sdkStats.median)} vs ${formatUs(raw.median)})`,
          pass: ratio <= TARGET,
        },
      ],
      notes,
    };
  });
}
