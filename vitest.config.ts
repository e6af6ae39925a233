import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The package's own name resolves to the sources, so the README's test recipe (test/recipe/) runs as a user
  // would write it. tsconfig.json maps the same names for the type checker.
  resolve: {
    alias: [
      { find: /^whatsapp-gateway-sdk$/, replacement: src('index.ts') },
      { find: /^whatsapp-gateway-sdk\/testing$/, replacement: src('testing/index.ts') },
      { find: /^whatsapp-gateway-sdk\/testing\/msw$/, replacement: src('testing/msw.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup/unhandled.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
