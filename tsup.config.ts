import { defineConfig } from 'tsup';

// Two builds from one source. ESM keeps every dependency external. CJS bundles ky, because ky 1.x is
// ESM-only and `require('ky')` throws ERR_REQUIRE_ESM on Node releases before 20.19.
const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
};

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    noExternal: ['ky'],
    treeshake: true,
  },
]);
