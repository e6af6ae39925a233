#!/usr/bin/env node
// Package checks run by `npm test` after the build: the published shape must work for every consumer.
// 1. publint: package.json fields and files agree.
// 2. attw --pack: TypeScript resolves the right types for import and require, in every module mode.
// 3. Smoke tests: the built package really loads with `import` and with `require` on this Node.
import { execFileSync } from 'node:child_process';

const run = (command, args, options = {}) => {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit', ...options });
};

run('npx', ['publint', '--strict']);
run('npx', ['attw', '--pack', '.']);
run('node', ['test/smoke/esm.mjs']);
// Without require(esm) (off before Node 20.19): proves the CJS build does not need it for ky.
run('node', ['--no-experimental-require-module', 'test/smoke/cjs.cjs']);
run('node', ['test/smoke/cjs-testing.cjs']);
// The testing subpath needs neither msw nor require(esm): only the MSW handlers do.
run('node', [
  '--no-experimental-require-module',
  '-e',
  "require('whatsapp-gateway-sdk/testing').startFakeServers().then((s) => s.close()).then(() => console.log('CJS testing without require(esm) ok'))",
]);
console.log('\npackage checks passed');
