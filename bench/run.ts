/**
 * `npm run bench`: runs every benchmark of issue #6, prints the figures, and rewrites docs/benchmarks.md.
 *
 *   node --expose-gc --import tsx bench/run.ts               all of them, then rewrite the document
 *   node --expose-gc --import tsx bench/run.ts fleet memory  only these, printed; the document is left alone
 *   node --expose-gc --import tsx bench/run.ts --update-doc sql
 *                                                            only these, and their sections of the document
 *                                                            replaced; the others' stay as they were
 *
 * Each benchmark runs in a fresh child process: what one leaves behind (pending timers, a grown heap, warm
 * connection pools) must not bend the next one, least of all the memory benchmark.
 * @module
 */
import { fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fleet } from './fleet.js';
import { renderDocument, spliceDocument } from './lib/markdown.js';
import { type BenchResult, machine } from './lib/report.js';
import { formatMs } from './lib/stats.js';
import { memory } from './memory.js';
import { perCall } from './per-call.js';
import { qrLatency } from './qr-latency.js';
import { sizeAndStartup } from './size-startup.js';
import { sqlActivity } from './sql.js';
import { store } from './store.js';

/** In the order they run and appear in the document. */
const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  'per-call': perCall,
  fleet,
  'qr-latency': qrLatency,
  'size-startup': sizeAndStartup,
  memory,
  sql: sqlActivity,
  store,
};

const CHILD_FLAG = '--child';
const UPDATE_FLAG = '--update-doc';

function print(result: BenchResult): void {
  console.log(`\n## ${result.title}  (${formatMs(result.durationMs)}, load at start ${result.loadAtStart})`);
  for (const table of result.tables) {
    if (table.title) console.log(`\n${table.title}`);
    console.table(table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]]))));
  }
  for (const t of result.targets) {
    console.log(`${t.pass ? 'PASS' : 'MISS'}  ${t.label}: ${t.actual} (goal ${t.target})`);
  }
}

/** Runs one benchmark in a child process with the same flags, and returns what it sent back. */
function inChild(id: string): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, [CHILD_FLAG, id], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
    });
    let result: BenchResult | undefined;
    child.on('message', (message) => {
      const sent = message as BenchResult & { startedAt: string };
      result = { ...sent, startedAt: new Date(sent.startedAt) };
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`benchmark ${id} failed (exit code ${code})`));
    });
  });
}

async function child(id: string): Promise<void> {
  const result = await BENCHMARKS[id]!();
  await new Promise<void>((resolve, reject) =>
    process.send!(result, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  // Fakes and keep-alive sockets may hold the loop open; the result is sent, so leave now.
  process.exit(0);
}

async function main(): Promise<void> {
  const all = process.argv.slice(2);
  if (all[0] === CHILD_FLAG) return child(all[1]!);
  const updateDoc = all.includes(UPDATE_FLAG);
  const args = all.filter((arg) => arg !== UPDATE_FLAG);
  const unknown = args.filter((id) => !(id in BENCHMARKS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`,
    );
  }
  const ids = args.length > 0 ? args : Object.keys(BENCHMARKS);
  const started = performance.now();
  const results: BenchResult[] = [];
  for (const id of ids) {
    console.log(`\n… ${id}`);
    const result = await inChild(id);
    print(result);
    results.push(result);
  }
  const docs = new URL('../docs/', import.meta.url);
  if (args.length > 0) {
    if (!updateDoc) return;
    const path = new URL('benchmarks.md', docs);
    await writeFile(path, spliceDocument(await readFile(path, 'utf8'), results, machine()));
    console.log(`\ndocs/benchmarks.md: the sections of ${ids.join(', ')} replaced`);
    return;
  }
  const doc = renderDocument(results, machine(), performance.now() - started);
  await mkdir(docs, { recursive: true });
  await writeFile(new URL('benchmarks.md', docs), doc);
  console.log(`\ndocs/benchmarks.md rewritten (${formatMs(performance.now() - started)} in all)`);
}

await main();
