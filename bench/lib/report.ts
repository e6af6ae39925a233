/**
 * What each benchmark hands back to `bench/run.ts`, and the machine it ran on.
 * @module
 */
import { cpus, loadavg } from 'node:os';

/** A table of figures, already formatted. */
export interface Table {
  title?: string;
  columns: string[];
  rows: string[][];
}

/** One target of the issue, with what was measured against it. */
export interface Target {
  label: string;
  target: string;
  actual: string;
  pass: boolean;
}

/** The outcome of one benchmark. */
export interface BenchResult {
  id: string;
  title: string;
  /** The command that produced these figures. */
  command: string;
  startedAt: Date;
  durationMs: number;
  /** One-minute load average when the benchmark started: how busy the shared machine was. */
  loadAtStart: number;
  /** What was measured and how, one line each. */
  setup: string[];
  tables: Table[];
  targets: Target[];
  /** Findings: where the time or bytes go, why a target is missed and what would fix it. */
  notes: string[];
}

/** The machine the benchmarks ran on. */
export interface Machine {
  node: string;
  cpuCount: number;
  cpuModel: string;
  platform: string;
}

/** The current machine. */
export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The one-minute load average, rounded. */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** A progress line on stderr, for runs that take minutes; the results go to stdout and the document. */
export function progress(message: string): void {
  console.error(`  · ${message}`);
}

/** The command that runs benchmark `id` alone (all of them with `npm run bench`). */
export function commandFor(id: string): string {
  return `npm run build && node --expose-gc --import tsx bench/run.ts ${id}`;
}

/** Wraps a benchmark body with the bookkeeping every result carries. */
export async function runBenchmark(
  id: string,
  title: string,
  body: () => Promise<Pick<BenchResult, 'setup' | 'tables' | 'targets' | 'notes'>>,
): Promise<BenchResult> {
  const startedAt = new Date();
  const loadAtStart = currentLoad();
  const started = performance.now();
  const parts = await body();
  return {
    id,
    title,
    command: commandFor(id),
    startedAt,
    durationMs: performance.now() - started,
    loadAtStart,
    ...parts,
  };
}
