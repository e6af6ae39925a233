/**
 * The client's CPU in one `listSessions()` over a fleet (the fleet benchmark's: CONNECTED, 80 % with a recent
 * message), the fakes in a child process answering at once, so what is measured is this process's work only:
 * the SDK, ky, undici and zod.
 *
 *   npm run build && node --import tsx bench/profile-listing.ts [sessions=1000] [listings=15] [--profile]
 *       [--against=<another build's index.js>]
 *
 * Prints the CPU ms of each timed listing and their median, beside a bare `fetch` pool making the same calls.
 * `--against` loads a second build (e.g. a copy of `dist/` from before a change) and alternates listings of
 * the two in one process (A B B A …), so a busy neighbour on the machine weighs on both alike. With
 * `--profile`, the timed listings of the measured build run under the V8 sampling profiler (node:inspector)
 * and the top self-time functions are printed, with the share of the SDK, ky, zod and Node's own code.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { type ChildRig, childRig } from './lib/child-servers.js';
import { barePoolOnce } from './lib/fleet-runs.js';
import { loadSdk, sdk, sdkUrl } from './lib/sdk.js';
import { CountingActivity, sessionIds } from './lib/servers.js';
import { summarize } from './lib/stats.js';

type Sdk = typeof sdk;

const args = process.argv.slice(2);
const profile = args.includes('--profile');
const against = args.find((a) => a.startsWith('--against='))?.slice('--against='.length);
const [size = 1_000, listings = 15] = args.filter((a) => !a.startsWith('--')).map(Number);

/** The directory of the measured build, as the profiler names its files. */
const sdkDir = sdkUrl.slice(0, sdkUrl.lastIndexOf('/') + 1);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where a function lives, in a word: the SDK's chunks, ky, zod, or Node's own code. */
function area(url: string): string {
  if (url.includes('/node_modules/ky/')) return 'ky';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.startsWith(sdkDir)) return 'sdk';
  if (url.startsWith('node:') || url === '') return 'node';
  return 'other';
}

function summariseProfile({ nodes, startTime, endTime, samples }: Profile, runs: number): void {
  // The sampler falls behind its interval on a busy thread: the real time per sample is the span over the count.
  const sampleUs = (endTime - startTime) / samples.length;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const file = url.startsWith(sdkDir)
      ? `sdk/${url.slice(sdkDir.length)}`
      : url.replace(/^.*\/node_modules\/([^/]+)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
    const where =
      functionName === '(garbage collector)' ? 'gc' : functionName === '(program)' ? 'native' : area(url);
    byArea.set(where, (byArea.get(where) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  const ms = (hits: number) => ((hits * sampleUs) / 1000 / runs).toFixed(2);
  console.log(`\nself time per listing (sampled, ${runs} listings): ${ms(total)} ms`);
  for (const [where, hits] of [...byArea].sort((a, b) => b[1] - a[1]))
    console.log(`  ${where.padEnd(6)} ${ms(hits).padStart(8)} ms  ${((100 * hits) / total).toFixed(1)} %`);
  console.log('\ntop functions by self time:');
  const top = [...byFunction].sort((a, b) => b[1] - a[1]);
  for (const [key, hits] of top.slice(0, 30)) console.log(`  ${ms(hits).padStart(7)} ms  ${key}`);
  console.log('\ntop SDK functions by self time:');
  for (const [key, hits] of top.filter(([key]) => key.includes(' sdk/')).slice(0, 25))
    console.log(`  ${ms(hits).padStart(7)} ms  ${key}`);
}

/** One warm listing (every token already in the client's store) with `using`; returns its CPU ms. */
async function listing(rig: ChildRig, ids: readonly string[], using: Sdk): Promise<number> {
  const tokens = new using.MemoryTokenStore();
  for (const id of ids) tokens.set(id, rig.issueToken(id));
  const { gateway, wppconnect } = rig.clients(tokens, using);
  const manager = new using.SessionManager({ gateway, wppconnect, activity: new CountingActivity() });
  const before = process.cpuUsage();
  const sessions = await manager.listSessions();
  const cpu = process.cpuUsage(before);
  if (sessions.length !== ids.length || sessions.some((info) => info.status !== 'connected'))
    throw new Error('the listing is not a connected fleet');
  return (cpu.user + cpu.system) / 1000;
}

const describe = (label: string, cpu: number[]) => {
  const s = summarize(cpu);
  return `${label}: CPU ms per listing median ${s.median.toFixed(1)} (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}, n ${s.n})`;
};

const rig = await childRig({ latencyMs: 0, autoCloseMs: 0 });
try {
  const ids = sessionIds(size);
  await rig.seed(ids);
  const other = against ? await loadSdk(against) : undefined;
  for (let i = 0; i < 5; i++) {
    await listing(rig, ids, sdk); // JIT and sockets
    if (other) await listing(rig, ids, other);
  }
  const session = new Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const mine: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < listings; i++) {
    // A B, then B A: drift on the machine lands on both alike.
    if (other && i % 2 === 1) theirs.push(await listing(rig, ids, other));
    mine.push(await listing(rig, ids, sdk));
    if (other && i % 2 === 0) theirs.push(await listing(rig, ids, other));
  }
  let result: Profile | undefined;
  if (profile) {
    result = (await session.post('Profiler.stop')).profile as unknown as Profile;
    session.disconnect();
  }
  console.log(`${size} sessions, CONNECTED, 80 % with a recent message, WPPConnect answering at once`);
  console.log(describe(sdkUrl.replace(/^.*\/([^/]+\/[^/]+)$/, '$1'), mine));
  if (other && against) console.log(describe(against, theirs));
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) bare.push((await barePoolOnce(rig, ids, 16)).cpuMs);
  console.log(describe('bare fetch pool, same calls, 16 at a time', bare));
  if (result) {
    await writeFile('/tmp/listing.cpuprofile', JSON.stringify(result));
    summariseProfile(result, listings);
  }
} finally {
  await rig.close();
}
