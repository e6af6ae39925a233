import { chmod, readFile, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// The library: ESM and CJS from one source. ESM keeps every dependency external. CJS bundles ky, because ky 1.x
// is ESM-only and `require('ky')` throws ERR_REQUIRE_ESM on Node releases before 20.19. lean-qr (QR codes for
// the CLI and the fakes) is a devDependency, so both builds bundle it: the runtime dependencies stay ky and zod.
const library = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'testing/msw': 'src/testing/msw.ts',
  'http/index': 'src/handler/index.ts',
  'watch/index': 'src/watch/index.ts',
  'store/index': 'src/store/index.ts',
  'sql/index': 'src/activity/index.ts',
};

/** The `whatsapp-gateway` command's entry: made executable, with its shebang, after the build. */
const CLI = 'dist/cli/main.js';

export default defineConfig([
  {
    // The command is built with the library, so it imports the library's chunks instead of carrying a
    // second copy of the SDK and the fakes (the ESM build is split into shared chunks).
    entry: { ...library, 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    dts: { entry: library },
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
    async onSuccess() {
      const code = await readFile(CLI, 'utf8');
      if (!code.startsWith('#!')) await writeFile(CLI, `#!/usr/bin/env node\n${code}`);
      await chmod(CLI, 0o755);
    },
  },
  {
    entry: library,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    noExternal: ['ky'],
    // Shared chunks in CJS too: without them each entry (core, store, sql) carries its own copy of the error classes, and
    // `require('whatsapp-gateway-sdk/sql')`'s SqlConnectionError would not be an instance of the core's
    // ConnectionError.
    splitting: true,
    treeshake: true,
  },
]);
