/**
 * The schemas the SQL activity source reads and writes, as SQL text for each dialect: the compact table of
 * `SqlActivitySource.record`, a webhook log table with the session id in its own indexed column, and the
 * migration that gives a JSON-payload log table that column.
 * @module
 */
import type { SqlDialect } from './sql-errors.js';
import { identifier, quote } from './sql-identifiers.js';

/** The default table of the `latest` layout (one row per session). */
export const ACTIVITY_TABLE = 'whatsapp_session_activity';
/** The default table of the `events` and `json` layouts. */
export const WEBHOOK_LOG_TABLE = 'webhook_raw_logs';

/** Options of the schema helpers. */
export interface SqlSchemaOptions {
  /** `mysql` (MySQL 8, MariaDB 10.6+) or `postgres` (PostgreSQL 13+). */
  dialect: SqlDialect;
  /** The table; `schema.table` is allowed. Default: {@link ACTIVITY_TABLE} or {@link WEBHOOK_LOG_TABLE}. */
  table?: string;
}

function names(options: SqlSchemaOptions, fallback: string) {
  const table = identifier(options.table ?? fallback, 'options.table', true);
  const last = table[table.length - 1]!;
  return { table: quote(options.dialect, table), index: quote(options.dialect, [`${last}_activity_idx`]) };
}

/**
 * `CREATE TABLE` for the compact table of the `latest` layout: one row per session, `session_id` and
 * `last_message_at`, written by `SqlActivitySource.record`. In MySQL the id compares case-sensitively
 * (`utf8mb4_bin`) and the time is a `TIMESTAMP(3)` (an instant, whatever the zones); in PostgreSQL `text`
 * and `timestamptz`.
 *
 * @example
 * ```ts
 * await pool.query(activityTableSql({ dialect: 'postgres' }));
 * ```
 */
export function activityTableSql(options: SqlSchemaOptions): string {
  const { table } = names(options, ACTIVITY_TABLE);
  if (options.dialect === 'mysql') {
    return [
      `CREATE TABLE IF NOT EXISTS ${table} (`,
      '  `session_id` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,',
      '  `last_message_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),',
      '  PRIMARY KEY (`session_id`)',
      ')',
    ].join('\n');
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (`,
    '  "session_id" text PRIMARY KEY,',
    '  "last_message_at" timestamptz NOT NULL',
    ')',
  ].join('\n');
}

/**
 * `CREATE TABLE` (and, for PostgreSQL, `CREATE INDEX`) for a webhook log in the fast `events` layout: the
 * columns of a typical raw webhook log (`event_type`, `payload_json`, `created_at`, …) plus `session_id`,
 * filled by your webhook receiver, and the `(session_id, event_type, created_at)` index the activity query
 * reads. Statements to run in order.
 */
export function webhookLogTableSql(options: SqlSchemaOptions): string[] {
  const { table, index } = names(options, WEBHOOK_LOG_TABLE);
  if (options.dialect === 'mysql') {
    return [
      [
        `CREATE TABLE IF NOT EXISTS ${table} (`,
        '  `id` BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,',
        '  `received_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        '  `event_type` VARCHAR(100) NOT NULL,',
        '  `session_id` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,',
        '  `payload_hash` CHAR(16) NULL,',
        '  `payload_json` LONGTEXT NOT NULL,',
        '  `processed` TINYINT(1) NOT NULL DEFAULT 0,',
        '  `event_id` VARCHAR(100) NULL,',
        '  `error_message` TEXT NULL,',
        '  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        `  KEY ${index} (\`session_id\`, \`event_type\`, \`created_at\`)`,
        ')',
      ].join('\n'),
    ];
  }
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${table} (`,
      '  "id" bigserial PRIMARY KEY,',
      '  "received_at" timestamptz NOT NULL DEFAULT now(),',
      '  "event_type" varchar(100) NOT NULL,',
      '  "session_id" varchar(100) NULL,',
      '  "payload_hash" char(16) NULL,',
      '  "payload_json" jsonb NOT NULL,',
      '  "processed" boolean NOT NULL DEFAULT false,',
      '  "event_id" varchar(100) NULL,',
      '  "error_message" text NULL,',
      '  "created_at" timestamptz NOT NULL DEFAULT now()',
      ')',
    ].join('\n'),
    `CREATE INDEX IF NOT EXISTS ${index} ON ${table} ("session_id", "event_type", "created_at")`,
  ];
}

/**
 * The migration from the slow `json` layout (the session id only inside `payload_json`) to the fast `events`
 * layout: a generated `session_id` column computed from `$.session.id` (the gateway's envelope) or `$.session`
 * (WPPConnect's own body), and the `(session_id, event_type, created_at)` index. Existing rows get the column
 * too; your receiver changes nothing. Statements to run in order; then read with the default `events` layout.
 *
 * MySQL/MariaDB: a `VIRTUAL` column (no table rewrite; the index stores its values), `NULL` for rows whose
 * payload is not valid JSON. PostgreSQL: a `STORED` column, which rewrites the table once; its payload column
 * must hold valid JSON (`json`/`jsonb`, or `text` that always parses).
 */
export function jsonPayloadMigrationSql(options: SqlSchemaOptions): string[] {
  const { table, index } = names(options, WEBHOOK_LOG_TABLE);
  if (options.dialect === 'mysql') {
    const extract = (path: string) => `JSON_UNQUOTE(JSON_EXTRACT(\`payload_json\`, '${path}'))`;
    return [
      [
        `ALTER TABLE ${table}`,
        '  ADD COLUMN `session_id` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
        '    GENERATED ALWAYS AS (CASE WHEN JSON_VALID(`payload_json`)',
        `      THEN LEFT(COALESCE(${extract('$.session.id')}, ${extract('$.session')}), 100) END) VIRTUAL,`,
        `  ADD INDEX ${index} (\`session_id\`, \`event_type\`, \`created_at\`)`,
      ].join('\n'),
    ];
  }
  return [
    [
      `ALTER TABLE ${table}`,
      '  ADD COLUMN "session_id" text GENERATED ALWAYS AS',
      `    (COALESCE(("payload_json")::jsonb #>> '{session,id}', ("payload_json")::jsonb #>> '{session}')) STORED`,
    ].join('\n'),
    `CREATE INDEX IF NOT EXISTS ${index} ON ${table} ("session_id", "event_type", "created_at")`,
  ];
}
