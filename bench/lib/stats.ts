/**
 * Statistics for noisy, shared machines: medians and p95 rather than means (a GC pause or a neighbour's build
 * would drag a mean), and variants measured interleaved so that drift hits them alike.
 * @module
 */

/** A summary of timing samples, in the unit of the samples. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The `q` quantile (0…1) of `sorted`, interpolating between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low]!;
  const b = sorted[high]!;
  return a + (b - a) * (position - low);
}

/** Median, p95, min and max of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}

/** Options of {@link interleave}. */
export interface InterleaveOptions {
  /** Calls of each variant before any timing: JIT, connection pools and caches warm up. */
  warmup: number;
  /** Timed calls of each variant. */
  iterations: number;
}

/**
 * Times `iterations` calls of every variant, one call of each in turn (A B C, then C B A, …), so a slow
 * second on the machine lands on all variants alike. Returns the per-call times in milliseconds.
 */
export async function interleave<K extends string>(
  variants: Record<K, () => Promise<unknown>>,
  options: InterleaveOptions,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  for (const name of names) for (let i = 0; i < options.warmup; i++) await variants[name]();
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < options.iterations; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await variants[name]();
      samples[name].push(performance.now() - started);
    }
  }
  return samples;
}

/**
 * Calls `fn` `n` times, one after the other; the CPU time this process spent, in µs per call (user +
 * system). On a shared machine CPU time holds still where wall time does not: waiting for a core is not
 * counted.
 */
export async function cpuMicrosPerCall(fn: () => unknown, n: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / n;
}

/** Runs `fn`, returning its result and its wall time in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** `1 234 ms`, `0.41 ms`, `12.3 s`: enough digits to read, no more. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** Microseconds from milliseconds: `412 µs`. */
export function formatUs(ms: number): string {
  return `${Math.round(ms * 1000).toLocaleString('en-US')} µs`;
}

/** `1.23×` */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** `16,506 B (16.1 KiB)` */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} B (${(bytes / 1024).toFixed(1)} KiB)`;
}

/** `1.02× / 1.05× / 1.10×`: min / median / max of a set of ratios, each measured side by side. */
export function formatSpread(ratios: readonly number[]): string {
  const s = summarize(ratios);
  return `${formatRatio(s.min)} / ${formatRatio(s.median)} / ${formatRatio(s.max)}`;
}
