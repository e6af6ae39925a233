/**
 * Builds the SDK with the proposed patches of this folder applied, without touching `src/`, so the
 * benchmarks can compare it with the current build on the same machine:
 *
 *   node --import tsx bench/proposals/build-patched.ts            # prints the path of the patched build
 *   BENCH_COMPARE_SDK=<that path> node --expose-gc --import tsx bench/run.ts per-call    # side by side
 *   BENCH_SDK=<that path> node --expose-gc --import tsx bench/run.ts fleet memory        # instead of dist/
 *
 * The copy of `src/` is patched with `patch -p1` and bundled with esbuild (ky and zod left external). The
 * output goes under `node_modules/.cache/`, so the bundle's bare `ky` and `zod` imports resolve.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const OUT = `${ROOT}node_modules/.cache/bench-patched/`;

const patches = (await readdir(HERE)).filter((name) => name.endsWith('.diff')).sort();
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
await cp(`${ROOT}src`, `${OUT}src`, { recursive: true });
for (const patch of patches) {
  execFileSync('patch', ['-p1', '--quiet', '-i', `${HERE}${patch}`], { cwd: OUT, stdio: 'inherit' });
}
await build({
  entryPoints: [`${OUT}src/index.ts`],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ky', 'zod'],
  outfile: `${OUT}index.js`,
  logLevel: 'warning',
});
console.log(`${OUT}index.js  (${patches.join(', ')} applied to a copy of src/)`);
