/**
 * What the core entry (`.`) pulls in: the live following, the HTTP handler, the file and Redis stores and the
 * SQL activity sources are subpaths of their own, so an app that imports only the core never ships them. The
 * entries are bundled here as an app's bundler would (esbuild, ky and zod external) and the modules each one
 * carries are read from the metafile.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function modulesOf(entry: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export * from './${entry}';`, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

describe('the core entry', () => {
  it('carries the session manager but none of the subpaths', async () => {
    const core = await modulesOf('src/index.ts');
    expect(core).toContain('src/sessions/manager.ts');
    expect(core).toContain('src/sessions/pairing-codes.ts');
    const subpathCode = core.filter((path) =>
      /^src\/(sessions\/watch(-hub|-queue)?\.ts|watch\/|handler\/|activity\/|testing\/|store\/(file|redis))/.test(
        path,
      ),
    );
    expect(subpathCode).toEqual([]);
  });

  it('leaves the live following to the watch subpath, which has all of it', async () => {
    const watch = await modulesOf('src/watch/index.ts');
    for (const module of [
      'src/sessions/watch.ts',
      'src/sessions/watch-hub.ts',
      'src/sessions/watch-queue.ts',
    ])
      expect(watch).toContain(module);
  });
});
