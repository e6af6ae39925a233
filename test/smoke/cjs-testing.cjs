// The testing subpaths from CommonJS. `whatsapp-gateway-sdk/testing` does not load msw, so it needs nothing
// beyond the library; `whatsapp-gateway-sdk/testing/msw` loads msw, whose CommonJS build itself requires an
// ESM-only package, so that one needs Node's require(esm) (on by default from Node 20.19).
const assert = require('node:assert/strict');
const testing = require('whatsapp-gateway-sdk/testing');

assert.equal(typeof testing.FakeWppConnect, 'function', 'CJS testing export FakeWppConnect');
assert.equal(typeof testing.startFakeServers, 'function', 'CJS testing export startFakeServers');
assert.equal(typeof testing.seedConnected, 'function', 'CJS testing export seedConnected');
assert.equal('mswHandlers' in testing, false, 'the testing subpath does not carry the MSW handlers');
assert.ok(
  !Object.keys(require.cache).some((path) => path.includes('/node_modules/msw/')),
  'requiring the testing subpath does not load msw',
);
const msw = require('whatsapp-gateway-sdk/testing/msw');
assert.equal(typeof msw.mswHandlers, 'function', 'CJS testing/msw export mswHandlers');
console.log('CJS require of the testing subpaths ok');
