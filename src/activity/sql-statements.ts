/**
 * The SQL text of the activity source, per dialect and layout. Names come checked and are quoted here; every
 * value (ids, event types, JSON paths, times) is a bound parameter.
 *
 * Every read returns rows `{ session_id, unix_s, wall_s }`: the newest time of one session (possibly one row
 * per event type), as epoch seconds read by the database in its session's zone (`unix_s`), and as the bare
 * wall-clock reading as if it were UTC (`wall_s`), for the `timeZone` option and for times the database
 * cannot turn into epoch seconds (MariaDB's `UNIX_TIMESTAMP` stops in 2038).
 * @module
 * @internal
 */
import type { SqlDialect } from './sql-errors.js';
import { type Identifier, quote } from './sql-identifiers.js';

/** Where the session id of a row is. @internal */
export type SessionLocation =
  | { kind: 'column'; column: Identifier }
  | { kind: 'json'; column: Identifier; paths: readonly string[] };

/** The table the source reads, checked. @internal */
export interface TableLayout {
  dialect: SqlDialect;
  table: Identifier;
  session: SessionLocation;
  time: Identifier;
  /** Null: every row counts (a table that only holds messages, or the compact `latest` table). */
  event: Identifier | null;
  events: readonly string[];
}

/** A statement and its parameters. @internal */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** MySQL allows 65,535 placeholders per statement; ids beyond this many go to a second statement. @internal */
export const MYSQL_IDS_PER_STATEMENT = 8_192;

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * The ids of a MySQL statement, padded with copies of the first to the next power of two. mysql2's `execute`
 * prepares a statement per distinct SQL text on each connection and keeps it; the server caps prepared
 * statements for all clients together (`max_prepared_stmt_count`, 16,382 by default). One text per listing
 * size would let a few pooled connections exhaust it for the whole server; padded, there are at most 14 texts.
 * A repeated value in `IN (…)` changes nothing.
 * @internal
 */
export function padIds(ids: readonly string[]): string[] {
  let size = 1;
  while (size < ids.length) size *= 2;
  return [...ids, ...Array.from({ length: size - ids.length }, () => ids[0]!)];
}

/** `$.session.id` → `{session,id}`: the text[] path of PostgreSQL's `#>>`. @internal */
export function pgJsonPath(path: string): string[] {
  return path.split('.').slice(1);
}

function mysqlTimes(time: string): string {
  return (
    `UNIX_TIMESTAMP(MAX(${time})) AS unix_s, ` +
    `TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', MAX(${time})) / 1000000 AS wall_s`
  );
}

function pgTimes(time: string): string {
  // `::timestamptz` reads a zone-less `timestamp` in the session's zone and leaves a timestamptz alone;
  // `::timestamp` gives the wall-clock reading of either.
  return (
    `extract(epoch FROM (${time})::timestamptz)::float8 AS unix_s, ` +
    `extract(epoch FROM (${time})::timestamp)::float8 AS wall_s`
  );
}

/** The session id expression of the JSON-payload layout, and its parameters (the paths). */
function jsonSessionExpr(layout: TableLayout & { session: { kind: 'json' } }): Statement {
  const payload = quote(layout.dialect, layout.session.column);
  const { paths } = layout.session;
  if (layout.dialect === 'mysql') {
    // JSON_VALID first: MySQL 8 raises an error on a row that is not JSON (the table may keep bodies that
    // failed to parse). The explicit binary collation keeps `FrontDesk` ≠ `frontdesk`.
    const extracts = paths.map(() => `JSON_UNQUOTE(JSON_EXTRACT(${payload}, ?))`).join(', ');
    return {
      sql: `CASE WHEN JSON_VALID(${payload}) THEN CAST(COALESCE(${extracts}) AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin END`,
      params: [...paths],
    };
  }
  const extracts = paths.map((_, i) => `(${payload})::jsonb #>> $${i + 1}::text[]`).join(', ');
  return { sql: `COALESCE(${extracts})`, params: paths.map(pgJsonPath) };
}

/**
 * The read for `ids` (distinct, non-empty; for MySQL at most {@link MYSQL_IDS_PER_STATEMENT}).
 * @internal
 */
export function lastActivityStatement(layout: TableLayout, distinctIds: readonly string[]): Statement {
  const ids = layout.dialect === 'mysql' ? padIds(distinctIds) : distinctIds;
  const q = (name: Identifier) => quote(layout.dialect, name);
  const table = q(layout.table);
  const time = q(layout.time);
  const event = layout.event ? q(layout.event) : null;

  if (layout.dialect === 'mysql') {
    if (layout.session.kind === 'json') {
      const expr = jsonSessionExpr({ ...layout, session: layout.session });
      const where = event ? ` WHERE ${event} IN (${marks(layout.events.length)})` : '';
      return {
        sql:
          `SELECT j.session_id AS session_id, ${mysqlTimes('j.t')} FROM ` +
          `(SELECT ${expr.sql} AS session_id, ${time} AS t FROM ${table}${where}) AS j ` +
          `WHERE j.session_id IN (${marks(ids.length)}) GROUP BY j.session_id`,
        params: [...expr.params, ...(event ? layout.events : []), ...ids],
      };
    }
    const session = q(layout.session.column);
    // Grouping by event type as well lets the server answer each (session, event) pair from the end of the
    // (session, event, time) index, instead of reading every message row of the session.
    return {
      sql:
        `SELECT ${session} AS session_id, ${mysqlTimes(time)} FROM ${table} ` +
        `WHERE ${session} IN (${marks(ids.length)})` +
        (event
          ? ` AND ${event} IN (${marks(layout.events.length)}) GROUP BY ${session}, ${event}`
          : ` GROUP BY ${session}`),
      params: [...ids, ...(event ? layout.events : [])],
    };
  }

  if (layout.session.kind === 'json') {
    const expr = jsonSessionExpr({ ...layout, session: layout.session });
    let n = expr.params.length;
    const where = event ? ` WHERE ${event} = ANY($${++n}::text[])` : '';
    const idsParam = `$${++n}::text[]`;
    return {
      sql:
        `SELECT j.session_id AS session_id, ${pgTimes('max(j.t)')} FROM ` +
        `(SELECT ${expr.sql} AS session_id, ${time} AS t FROM ${table}${where}) AS j ` +
        `WHERE j.session_id = ANY(${idsParam}) GROUP BY j.session_id`,
      params: [...expr.params, ...(event ? [layout.events] : []), [...ids]],
    };
  }
  const session = q(layout.session.column);
  if (!event) {
    return {
      sql:
        `SELECT t.${session} AS session_id, ${pgTimes(`max(t.${time})`)} FROM ${table} AS t ` +
        `WHERE t.${session} = ANY($1::text[]) GROUP BY t.${session}`,
      params: [[...ids]],
    };
  }
  // PostgreSQL has no loose index scan: one `max()` per (id, event type) pair, each answered from the end of
  // the (session, event, time) index, beats a scan of every message row of the listed sessions.
  return {
    sql:
      `SELECT s.id AS session_id, ${pgTimes('m.at')} ` +
      `FROM unnest($1::text[]) AS s(id) CROSS JOIN unnest($2::text[]) AS e(ev) ` +
      `CROSS JOIN LATERAL (SELECT max(t.${time}) AS at FROM ${table} AS t ` +
      `WHERE t.${session} = s.id AND t.${event} = e.ev) AS m WHERE m.at IS NOT NULL`,
    params: [[...ids], [...layout.events]],
  };
}

/**
 * The upsert of the compact table: keeps the later of the stored time and `epochMs`.
 * @internal
 */
export function recordStatement(
  dialect: SqlDialect,
  table: Identifier,
  session: Identifier,
  time: Identifier,
  id: string,
  epochMs: number,
): Statement {
  const q = (name: Identifier) => quote(dialect, name);
  // Epoch seconds as text with milliseconds: the database makes the instant itself, so neither this process's
  // zone nor the driver's date handling can shift it.
  const seconds = (epochMs / 1000).toFixed(3);
  if (dialect === 'mysql') {
    return {
      sql:
        `INSERT INTO ${q(table)} (${q(session)}, ${q(time)}) VALUES (?, FROM_UNIXTIME(?)) ` +
        `ON DUPLICATE KEY UPDATE ${q(time)} = GREATEST(${q(time)}, VALUES(${q(time)}))`,
      params: [id, seconds],
    };
  }
  return {
    sql:
      `INSERT INTO ${q(table)} AS cur (${q(session)}, ${q(time)}) VALUES ($1, to_timestamp($2::float8)) ` +
      `ON CONFLICT (${q(session)}) DO UPDATE SET ${q(time)} = GREATEST(cur.${q(time)}, EXCLUDED.${q(time)})`,
    params: [id, seconds],
  };
}
