/**
 * The column headers of every table the benchmarks write into docs/benchmarks.md, in one module without
 * imports, so the documentation test (test/bench/doc-format.test.ts) can check the document against them
 * without building or running anything.
 * @module
 */

/** The default listing concurrency the fleet tables name. */
export const FLEET_CONCURRENCY = 16;

export const SUMMARY_COLUMNS = ['Benchmark', 'Target', 'Goal', 'Measured', 'Result'];
export const RUN_COLUMNS = ['Command', 'Node', 'CPUs', 'Date', 'Load (1 min) at start', 'Duration'];
export const TARGET_COLUMNS = ['Target', 'Goal', 'Measured', 'Result'];

export const PER_CALL_COLUMNS = [
  'Variant',
  'Median per call',
  'vs raw fetch (min / median / max of blocks)',
  'vs ky alone (min / median / max of blocks)',
];
export const PIECES_COLUMNS = ['Piece', 'µs per call'];

export const FLEET_SCALING_COLUMNS = [
  'Sessions',
  'SDK list (median)',
  'WPPConnect calls per session',
  `Ideal at concurrency ${FLEET_CONCURRENCY}`,
  'SDK vs ideal (min / median / max)',
  'Sequential loop (median)',
  'Sequential / SDK (min / median / max)',
  'Process CPU per WPPConnect call',
  'Activity calls',
];
export const FLEET_CONTEXT_COLUMNS = [
  'Run',
  'Time',
  'WPPConnect calls per session',
  'WPPConnect calls',
  'Ideal',
  'vs ideal',
  'Sequential / run',
  'Process CPU per WPPConnect call',
];
export const FLEET_LARGE_COLUMNS = [
  'Operation',
  'Time',
  'WPPConnect calls per session',
  'WPPConnect calls',
  'Ideal',
  'vs ideal',
  'Process CPU per WPPConnect call',
];

export const SIZE_COLUMNS = ['Entry', 'Minified', 'Minified + gzip'];
export const STARTUP_COLUMNS = [
  'Import',
  'Import time median',
  'Import time p95',
  'Process wall time median',
  'Process wall time p95',
];
export const MEMORY_COLUMNS = ['Round', 'Heap used after gc'];

export const STORE_TRIPS_COLUMNS = [
  'Store',
  'Round trips per listing, 10 sessions',
  'Round trips per listing, 1,000 sessions',
  'Commands the Redis server counted, 1,000 sessions',
];
export const STORE_TIME_COLUMNS = [
  'Variant',
  'Listing median (min / max)',
  'vs no store (min / median / max)',
  'Added per listing, median (min / max)',
  'Store reads alone, median (p95)',
  'WPPConnect calls per listing',
];
