/**
 * The SDK as users get it: the BUILT package (`dist/index.js`, what `npm run bench` builds first), not the
 * sources through tsx, whose on-the-fly transform and unminified module graph would be measured too.
 *
 * It is loaded by a computed URL and typed from the sources, so `tsc --noEmit` passes before any build
 * (`npm test` type-checks before it builds). `BENCH_SDK` points the benchmarks at another build, e.g. a
 * patched one, to compare before and after on the same machine.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sdk from '../../src/index.js';

/** A build given on the command line: a path relative to the working directory, or an absolute one. */
function fromCwd(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

/** Where the measured build lives. */
export const sdkUrl = process.env['BENCH_SDK']
  ? fromCwd(process.env['BENCH_SDK'])
  : new URL('../../dist/index.js', import.meta.url).href;

/** The built package. */
export const sdk = (await import(sdkUrl)) as typeof Sdk;

/** Loads another build of the package (for before/after comparisons). */
export async function loadSdk(path: string): Promise<typeof Sdk> {
  return (await import(fromCwd(path))) as typeof Sdk;
}
