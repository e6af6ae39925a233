/**
 * The last *message* of every session, from the MySQL/MariaDB table your webhook receiver already writes:
 * `SqlActivitySource` from `whatsapp-gateway-sdk/sql`, one query per listing, handed to a `SessionManager`.
 *
 * Why not `payload_json LIKE '%<id>%'`, one query per session? It scans the whole table for every session,
 * counts an id that appears anywhere in the JSON (inside another session's message text, say) and, under a
 * `_ci` collation, makes `FrontDesk` match `frontdesk`. Store the session id in its own column when the
 * webhook arrives (your receiver knows it from the URL: see webhook-receiver.ts), index it, and match on it.
 * Already have millions of rows with the id only inside the JSON? `jsonPayloadMigrationSql` adds the column
 * and the index without touching the receiver (docs/guide.md, "Where activity comes from").
 *
 *   MYSQL_URL=mysql://user:pass@db/app npx tsx examples/mysql-activity-source.ts sales support-team
 *   MYSQL_URL=mysql://user:pass@db/app npx tsx examples/mysql-activity-source.ts --create-table
 */
import { pathToFileURL } from 'node:url';
import type { Pool } from 'mysql2/promise';
// In your project: import { SqlActivitySource, webhookLogTableSql } from 'whatsapp-gateway-sdk/sql';
import { SqlActivitySource, webhookLogTableSql } from '../src/activity/index.js';
import { WhatsAppSdkError } from '../src/index.js';

/**
 * The activity source over `webhook_raw_logs`: the columns of a typical raw webhook log plus `session_id`
 * (`webhookLogTableSql({ dialect: 'mysql' })` creates it, with the index the query reads).
 */
export function mysqlActivity(pool: Pool, table = 'webhook_raw_logs'): SqlActivitySource {
  return new SqlActivitySource({ dialect: 'mysql', client: pool, table });
}

/** Creates the table and its index when missing. */
export async function createTable(pool: Pool, table = 'webhook_raw_logs'): Promise<void> {
  for (const statement of webhookLogTableSql({ dialect: 'mysql', table })) await pool.query(statement);
}

/**
 * Prints the last message time of each id, or creates the table. Returns the exit code: 0, 2 for usage, 3
 * when the database cannot be reached or refuses the login, 1 when it rejects the query.
 */
export async function main(
  url: string | undefined,
  args: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  if (!url || args.length === 0) {
    err('usage: MYSQL_URL=mysql://… mysql-activity-source.ts <sessionId>… | --create-table');
    return 2;
  }
  const { createPool } = await import('mysql2/promise');
  const pool = createPool({ uri: url, connectionLimit: 2 });
  try {
    if (args[0] === '--create-table') {
      await createTable(pool);
      out('webhook_raw_logs is ready');
      return 0;
    }
    for (const [id, at] of await mysqlActivity(pool).lastActivity(args)) {
      out(`${id}\t${at?.toISOString() ?? 'no messages'}`);
    }
    return 0;
  } catch (error) {
    // SDK errors never carry the password; anything else is not printed at all.
    if (!(error instanceof WhatsAppSdkError)) throw error;
    err(`${error.name}: ${error.message}`);
    return error.code === 'api_error' ? 1 : 3;
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.env['MYSQL_URL'], process.argv.slice(2));
}
