/**
 * An `ActivitySource` over a `webhook_raw_logs` table (field notes §5.3), for `mysql2/promise`: the last
 * *message* of every session, in ONE query per listing, matched by a `session_id` column.
 *
 * Why not the old query? Pixel Hub looked for each id with `payload_json LIKE '%<id>%'`, one query per
 * session. An id that appears anywhere in the JSON — inside another session's message text, say — counted as
 * activity, and the collation made `ImobSites` match `imobsites`. Store the session id in its own column when
 * the webhook arrives (your receiver knows it from the URL: see webhook-receiver.ts) and match on that.
 *
 *   MYSQL_URL=mysql://user:pass@db/app npx tsx examples/mysql-activity-source.ts pixel12digital imobsites
 */
import { pathToFileURL } from 'node:url';
// In your project: import type { ActivitySource } from 'whatsapp-gateway-sdk';
import type { ActivitySource } from '../src/index.js';

/**
 * The table, with the columns of field notes §5.3 plus `session_id`. `session_id` must compare
 * case-sensitively (`ImobSites` ≠ `imobsites`, field notes §7.2): in MySQL give it a binary collation, as
 * here; SQLite compares case-sensitively by default.
 */
export const MYSQL_SCHEMA = `
CREATE TABLE webhook_raw_logs (
  id            BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  received_at   DATETIME NOT NULL,
  event_type    VARCHAR(100) NOT NULL,
  session_id    VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  payload_hash  CHAR(16) NOT NULL,
  payload_json  LONGTEXT NOT NULL,
  processed     TINYINT(1) NOT NULL DEFAULT 0,
  event_id      VARCHAR(100) NULL,
  error_message TEXT NULL,
  created_at    DATETIME NOT NULL,
  KEY idx_activity (session_id, event_type, created_at)
)`;

/**
 * Event types that prove a session receives or sends messages: the list Pixel Hub's healthcheck uses
 * (field notes §5.1). Presence (`connection.update`, `onpresencechanged`) and acks (`message.ack`, `onack`)
 * are not proof of life: a dead session kept emitting them for days (field notes §7.3).
 */
export const MESSAGE_EVENT_TYPES = [
  'message',
  'onmessage',
  'onselfmessage',
  'message.sent',
  'message.received',
] as const;

/**
 * What the adapter needs from a database client: `query(sql, params)` resolving to `[rows, fields]`.
 * A `mysql2/promise` `Pool` or `Connection` fits as it is; a test can wrap anything else in it.
 */
export interface SqlClient {
  query(sql: string, values: unknown[]): Promise<[unknown, unknown]>;
}

/** Options of {@link MysqlActivitySource}. */
export interface MysqlActivitySourceOptions {
  /** Table name; default `webhook_raw_logs`. A plain identifier (letters, digits, `_`). */
  table?: string;
  /**
   * How to read a `created_at` that comes back as a string without a zone (mysql2 with `dateStrings`, or
   * SQLite): as UTC (default) or as the local time of this process. mysql2's default (`Date` objects) is
   * governed by its own `timezone` option. Mind the zone the writer used (field notes §5.3).
   */
  naiveTimesAre?: 'utc' | 'local';
}

/** The one query for a list of ids. Portable between MySQL and SQLite: `?` placeholders, no backticks. */
export function lastActivitySql(idCount: number, table = 'webhook_raw_logs'): string {
  if (!Number.isInteger(idCount) || idCount < 1) throw new RangeError('idCount must be a positive integer');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new RangeError(`not a plain table name: ${table}`);
  const placeholders = Array.from({ length: idCount }, () => '?').join(', ');
  const types = MESSAGE_EVENT_TYPES.map((type) => `'${type}'`).join(', ');
  return (
    `SELECT session_id, MAX(created_at) AS last_activity_at FROM ${table} ` +
    `WHERE session_id IN (${placeholders}) AND event_type IN (${types}) ` +
    'GROUP BY session_id'
  );
}

/** A `created_at` value as the driver returned it: a `Date`, a `YYYY-MM-DD HH:MM:SS` string, or epoch. */
export function toDate(value: unknown, naiveTimesAre: 'utc' | 'local' = 'utc'): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    // Below 1e12 it is unix seconds, from there on milliseconds (the SDK's own rule for webhook times).
    return n > 0 ? new Date(n < 1e12 ? n * 1000 : n) : null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const date = new Date(hasZone || naiveTimesAre === 'local' ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * {@link ActivitySource} over `webhook_raw_logs`: the newest message row per session, one query for all ids.
 *
 * @example
 * ```ts
 * import { createPool } from 'mysql2/promise';
 * const activity = new MysqlActivitySource(createPool(process.env.MYSQL_URL!));
 * const manager = new SessionManager({ gateway, wppconnect, activity });
 * ```
 */
export class MysqlActivitySource implements ActivitySource {
  readonly #db: SqlClient;
  readonly #table: string;
  readonly #naive: 'utc' | 'local';

  constructor(db: SqlClient, options: MysqlActivitySourceOptions = {}) {
    this.#db = db;
    this.#table = options.table ?? 'webhook_raw_logs';
    this.#naive = options.naiveTimesAre ?? 'utc';
    lastActivitySql(1, this.#table); // validates the table name now, not at the first listing
  }

  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    signal?.throwIfAborted();
    const result = new Map<string, Date | null>(ids.map((id) => [id, null]));
    const unique = [...new Set(ids)];
    if (unique.length === 0) return result; // `IN ()` is a syntax error, and there is nothing to ask
    const [rows] = await this.#db.query(lastActivitySql(unique.length, this.#table), unique);
    signal?.throwIfAborted();
    for (const row of Array.isArray(rows) ? rows : []) {
      const { session_id: id, last_activity_at: at } = row as {
        session_id?: unknown;
        last_activity_at?: unknown;
      };
      // Exact match only: a case-insensitive column would hand back `ImobSites` for `imobsites`.
      if (typeof id === 'string' && result.has(id)) result.set(id, toDate(at, this.#naive));
    }
    return result;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env['MYSQL_URL'];
  const ids = process.argv.slice(2);
  if (!url || ids.length === 0) {
    console.error('usage: MYSQL_URL=mysql://… mysql-activity-source.ts <sessionId>…');
    process.exit(2);
  }
  const { createPool } = await import('mysql2/promise');
  const pool = createPool(url);
  try {
    const source = new MysqlActivitySource(pool);
    for (const [id, at] of await source.lastActivity(ids))
      console.log(id, at?.toISOString() ?? 'no messages');
  } finally {
    await pool.end();
  }
}
