// The testing subpath from CommonJS. It loads msw, whose CommonJS build itself requires an ESM-only package,
// so this needs Node's require(esm) (on by default from Node 20.19); the library entry point does not.
const assert = require('node:assert/strict');
const testing = require('whatsapp-gateway-sdk/testing');

assert.equal(typeof testing.FakeWppConnect, 'function', 'CJS testing export FakeWppConnect');
assert.equal(typeof testing.mswHandlers, 'function', 'CJS testing export mswHandlers');
console.log('CJS require of the testing subpath ok');
