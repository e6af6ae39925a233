// Loads the built package the way an ESM consumer does (through the package's own name and `exports`).
import assert from 'node:assert/strict';
import * as sdk from 'whatsapp-gateway-sdk';
import * as http from 'whatsapp-gateway-sdk/http';
import * as sql from 'whatsapp-gateway-sdk/sql';
import * as store from 'whatsapp-gateway-sdk/store';
import * as testing from 'whatsapp-gateway-sdk/testing';
import * as watch from 'whatsapp-gateway-sdk/watch';

const exported = new Map(Object.entries(sdk));
for (const name of [
  'WhatsAppGatewayClient',
  'WppConnectClient',
  'SessionManager',
  'ActivityTracker',
  'parseWebhook',
  'PropagationError',
]) {
  assert.equal(typeof exported.get(name), 'function', `ESM export ${name}`);
}
assert.equal(typeof http.createSessionsHandler, 'function', 'ESM http export createSessionsHandler');
assert.equal(typeof http.toHttpError, 'function', 'ESM http export toHttpError');
assert.equal(typeof testing.FakeWppConnect, 'function', 'ESM testing export FakeWppConnect');
const watchExports = new Map(Object.entries(watch));
for (const name of ['watchSession', 'waitForConnection', 'sessionEvents'])
  assert.equal(typeof watchExports.get(name), 'function', `ESM watch export ${name}`);
assert.equal(typeof exported.get('SessionManager').prototype.watch, 'undefined', 'watch is not in the core');
assert.throws(() => watch.watchSession({}, 'sales'), sdk.InvalidArgumentError);
const error = new sdk.NotFoundError('x', { status: 404 });
assert.ok(error instanceof sdk.WhatsAppSdkError);
assert.equal(store.MemoryStore, sdk.MemoryStore, 'one MemoryStore for core and store');
assert.throws(() => new store.RedisStore({ client: {} }), sdk.InvalidArgumentError);
assert.ok(
  sql.SqlConnectionError.prototype instanceof sdk.ConnectionError,
  'ESM SqlConnectionError is a ConnectionError',
);
assert.throws(() => new sql.SqlActivitySource({ dialect: 'mysql' }), sdk.InvalidArgumentError);
console.log('ESM import ok');
