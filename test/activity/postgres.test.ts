/**
 * SqlActivitySource against a real PostgreSQL started by the test, whose `timezone` is Kolkata (UTC+5:30):
 * every time must still come back as the right UTC instant.
 */
import { startPostgres } from '../support/postgres.js';
import { pgFixture } from './fixtures.js';
import { sqlActivitySuite } from './suite.js';

sqlActivitySuite('SqlActivitySource on PostgreSQL (server zone Asia/Kolkata)', async () => {
  const db = await startPostgres({ timeZone: 'Asia/Kolkata' });
  return { fx: pgFixture(db, 'Asia/Kolkata'), stop: () => db.stop() };
});
