/**
 * `whatsapp-gateway-sdk/sql`: activity sources over MySQL/MariaDB and PostgreSQL. Bring your own driver
 * (`mysql2` or `pg`); this entry imports neither.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { SqlActivitySource } from 'whatsapp-gateway-sdk/sql';
 *
 * const activity = new SqlActivitySource({ dialect: 'postgres', client: new pg.Pool() });
 * ```
 * @module whatsapp-gateway-sdk/sql
 */
export type { ActivitySource } from './source.js';
export {
  MESSAGE_EVENT_TYPES,
  SESSION_JSON_PATHS,
  type SqlActivityLayout,
  SqlActivitySource,
  type SqlActivitySourceOptions,
} from './sql.js';
export type { MysqlClientLike, PostgresClientLike, SqlQueryFunction } from './sql-driver.js';
export { SqlConnectionError, type SqlDialect, type SqlErrorDetails, SqlQueryError } from './sql-errors.js';
export {
  ACTIVITY_TABLE,
  activityTableSql,
  jsonPayloadMigrationSql,
  type SqlSchemaOptions,
  WEBHOOK_LOG_TABLE,
  webhookLogTableSql,
} from './sql-schema.js';
