// Loads the built package the way a CommonJS consumer does. ky is ESM-only; the CJS build bundles it, so this
// works on every Node 20, not only on those with require(esm).
const assert = require('node:assert/strict');
const sdk = require('whatsapp-gateway-sdk');

for (const name of [
  'WhatsAppGatewayClient',
  'WppConnectClient',
  'SessionManager',
  'ActivityTracker',
  'parseWebhook',
  'PropagationError',
]) {
  assert.equal(typeof sdk[name], 'function', `CJS export ${name}`);
}
const gateway = new sdk.WhatsAppGatewayClient({ baseUrl: 'http://127.0.0.1:9', secret: 'smoke-secret' });
assert.ok(gateway);
// The http subpath is its own CommonJS bundle: errors thrown by the core's copy must still map by code.
const http = require('whatsapp-gateway-sdk/http');
assert.equal(http.toHttpError(new sdk.NotFoundError('x', { status: 404 })).status, 404);
assert.equal(http.toHttpError(new sdk.InvalidArgumentError('id', 'bad')).status, 400);
assert.equal(typeof http.createSessionsHandler, 'function');
// The store subpath shares the core's classes (one copy of errors.ts in a shared chunk), so its errors pass
// `instanceof` against the core's and its MemoryStore is the core's.
const store = require('whatsapp-gateway-sdk/store');
assert.equal(store.MemoryStore, sdk.MemoryStore);
assert.throws(() => new store.RedisStore({ client: {} }), sdk.InvalidArgumentError);
assert.equal(typeof store.FileStore, 'function');
// The sql subpath shares the core's classes (one copy of the error hierarchy), and loads no driver.
const sql = require('whatsapp-gateway-sdk/sql');
assert.equal(typeof sql.SqlActivitySource, 'function', 'CJS sql export SqlActivitySource');
assert.ok(
  sql.SqlConnectionError.prototype instanceof sdk.ConnectionError,
  'CJS SqlConnectionError is a ConnectionError',
);
assert.throws(() => new sql.SqlActivitySource({ dialect: 'mysql' }), sdk.InvalidArgumentError);
// The watch subpath reaches a manager's internals by a registered symbol, so it accepts a manager of this
// build and refuses anything else with the core's InvalidArgumentError.
const watch = require('whatsapp-gateway-sdk/watch');
const manager = new sdk.SessionManager({ gateway });
const controller = new AbortController();
controller.abort();
assert.equal(typeof watch.watchSession(manager, 'sales', { signal: controller.signal }).next, 'function');
assert.throws(() => watch.watchSession({}, 'sales'), sdk.InvalidArgumentError);
console.log('CJS require ok');
