import { defineConfig } from 'tsup';

// The library: ESM and CJS from one source. ESM keeps every dependency external. CJS bundles ky, because ky 1.x
// is ESM-only and `require('ky')` throws ERR_REQUIRE_ESM on Node releases before 20.19.
const library = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'http/index': 'src/handler/index.ts',
  'store/index': 'src/store/index.ts',
  'sql/index': 'src/activity/index.ts',
};

export default defineConfig([
  {
    entry: library,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
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
  // The `whatsapp-gateway` command: ESM only, its own bundle, outside the library's import graph.
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
