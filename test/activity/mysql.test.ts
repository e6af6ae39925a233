/**
 * SqlActivitySource against a real MariaDB started by the test, whose system time zone is São Paulo (UTC-3):
 * every time must still come back as the right UTC instant.
 */
import { startMariaDb } from '../support/mariadb.js';
import { mariaFixture } from './fixtures.js';
import { sqlActivitySuite } from './suite.js';

sqlActivitySuite('SqlActivitySource on MariaDB (server zone America/Sao_Paulo)', async () => {
  const db = await startMariaDb({ systemTimeZone: 'America/Sao_Paulo' });
  return { fx: mariaFixture(db, 'America/Sao_Paulo'), stop: () => db.stop() };
});
