/**
 * The CPU breakdown of item 1: each piece of an SDK call timed alone, with a `fetch` stub that answers at
 * once (no socket), each in its own fresh process. Alone, because pieces pollute each other: every
 * `AbortSignal.timeout` leaves a 15 s timer behind, and every signal-carrying `Request` a finalizer, which
 * slow down whatever runs next in the same heap.
 *
 *   node --expose-gc --import tsx bench/per-call-pieces.ts '<piece name>'   prints µs per call
 * @module
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ky from 'ky';
import { channelAnswer } from '../src/gateway/schemas.js';
import { readBody } from '../src/http/body.js';
import { PIECES_COLUMNS } from './lib/columns.js';
import type { Table } from './lib/report.js';
import { loadSdk, sdk } from './lib/sdk.js';
import { cpuMicrosPerCall, median } from './lib/stats.js';

const BODY = JSON.stringify({
  success: true,
  channel: { id: 'frontdesk', name: 'frontdesk', status: 'connected' },
});
const HEADERS = { 'x-gateway-secret': 'bench-gateway-secret', accept: 'application/json' };
const URL_ = 'http://gateway.bench/api/channels/frontdesk';
const TIMEOUT_MS = 15_000;
const WARMUP = 2_000;
const PASSES = 3;
const CALLS = 2_000;
/** Each piece is timed this many times, in fresh processes, the pieces taking turns (drift hits all alike). */
const ROUNDS = 3;

async function pieces(): Promise<Record<string, () => unknown>> {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(BODY.length),
  };
  const answer = () => new Response(BODY, { status: 200, headers });
  const stub = async (_input: RequestInfo | URL, _init?: RequestInit) => answer();
  const client = (Client: typeof sdk.WhatsAppGatewayClient) =>
    new Client({ baseUrl: 'http://gateway.bench', secret: HEADERS['x-gateway-secret'], fetch: stub });
  const gateway = client(sdk.WhatsAppGatewayClient);
  const otherPath = process.env['BENCH_COMPARE_SDK'];
  const other = otherPath ? client((await loadSdk(otherPath)).WhatsAppGatewayClient) : undefined;
  const stubKy = ky.create({ retry: 0, throwHttpErrors: false, fetch: stub });
  const parsed: unknown = JSON.parse(BODY);
  return {
    'stub fetch + text + JSON.parse (the raw call without the network)': async () =>
      JSON.parse(await (await stub(URL_, { headers: HEADERS })).text()),
    'SDK getChannel over the stub (all the SDK adds)': () => gateway.getChannel('frontdesk'),
    ...(other
      ? { 'SDK getChannel over the stub, BENCH_COMPARE_SDK build': () => other.getChannel('frontdesk') }
      : {}),
    'ky over the stub with the transport’s options (timeout 15 000), + text': async () =>
      (await stubKy(URL_, { method: 'GET', headers: HEADERS, timeout: TIMEOUT_MS })).text(),
    'ky alone over the stub (retry 0, timeout false), + json': () =>
      stubKy(URL_, { method: 'GET', headers: HEADERS, timeout: false }).json(),
    'new Request(url, { headers })': () => new Request(URL_, { headers: HEADERS }),
    'new Request(url, { headers, signal })': () =>
      new Request(URL_, { headers: HEADERS, signal: new AbortController().signal }),
    'AbortSignal.timeout(15 000) (what the transport made per attempt before)': () =>
      AbortSignal.timeout(TIMEOUT_MS),
    'new Response + response.text() + JSON.parse': async () => JSON.parse(await answer().text()),
    'new Response + readBody (the SDK’s body reader)': () => readBody(answer(), 10 * 1024 * 1024),
    'zod: channelAnswer.safeParse': () => channelAnswer.safeParse(parsed),
  };
}

/** Times one piece's CPU cost in this process: the median of {@link PASSES} passes, after a warm-up. */
async function timePiece(name: string): Promise<number> {
  const fn = (await pieces())[name];
  if (!fn) throw new Error(`no piece named ${name}`);
  await cpuMicrosPerCall(fn, WARMUP);
  const passes: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    globalThis.gc?.();
    passes.push(await cpuMicrosPerCall(fn, CALLS));
  }
  return median(passes);
}

/** Times every piece in fresh processes, {@link ROUNDS} times in turn; the table, and µs per call by name. */
export async function cpuBreakdown(): Promise<{ table: Table; us: Record<string, number> }> {
  const self = fileURLToPath(import.meta.url);
  const names = Object.keys(await pieces());
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, name], {
        env: process.env,
      });
      samples.get(name)!.push(Number(out.toString()));
    }
  }
  const us = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
  const table: Table = {
    title: `CPU breakdown: CPU µs per call (process user + system time) with a fetch stub (no network); each piece timed in ${ROUNDS} fresh processes taking turns, each the median of ${PASSES} passes × ${CALLS.toLocaleString('en-US')} calls after ${WARMUP.toLocaleString('en-US')} warm-up calls; the median of the ${ROUNDS} is shown`,
    columns: PIECES_COLUMNS,
    rows: Object.entries(us).map(([name, value]) => [name, value.toFixed(1)]),
  };
  return { table, us };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  process.stdout.write(String(await timePiece(process.argv[2])));
}
