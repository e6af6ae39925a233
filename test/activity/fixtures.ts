/**
 * The same handful of operations on a real MariaDB and a real PostgreSQL, so one suite (suite.ts) can run the
 * SQL activity source against both: bulk inserts with times made by the server from epoch seconds, a lock
 * that makes the activity statement wait, and a way to kill that statement's connection.
 */
import { inspect } from 'node:util';
import mysql from 'mysql2';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { expect } from 'vitest';
import type { MysqlClientLike, PostgresClientLike, SqlDialect } from '../../src/activity/index.js';
import type { MariaDb } from '../support/mariadb.js';
import type { Postgres } from '../support/postgres.js';

/** One webhook row. */
export interface EventRow {
  session: string;
  event: string;
  /** Epoch milliseconds (whole seconds for zone-less second-precision columns). */
  at: number;
  payload?: string;
}

/** What a suite needs from a database. */
export interface DbFixture {
  dialect: SqlDialect;
  /** The database password: no error may show it. */
  password: string;
  /** The server's zone, for the test names. */
  zone: string;
  /** A fresh pool (closed when the server stops). */
  client(): MysqlClientLike & PostgresClientLike;
  /** The same driver's other API: mysql2's callback pool, pg's single Client (connected). */
  otherClient(): Promise<MysqlClientLike | PostgresClientLike>;
  /** A pool whose login is refused (wrong password). */
  wrongPasswordClient(): MysqlClientLike | PostgresClientLike;
  /** A pool pointed at a closed port. */
  unreachableClient(port: number): MysqlClientLike | PostgresClientLike;
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Inserts rows into an events-layout table; times become the server's own from epoch seconds. */
  insertEvents(table: string, rows: readonly EventRow[], withSessionColumn?: boolean): Promise<void>;
  /** Takes a lock that makes every read of `table` wait; resolves to its release. */
  lock(table: string): Promise<() => Promise<void>>;
  /** Waits until the activity statement is blocked, then kills its connection from the server side. */
  killBlockedActivityQuery(): Promise<void>;
  /** Turns an epoch (ms) into a SQL literal of the zone-less wall-clock time in UTC. */
  utcWallLiteral(epochMs: number): string;
  /** Closes what {@link DbFixture.otherClient} opened. */
  close(): Promise<void>;
}

function utcWall(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The fixture over a started MariaDB. */
export function mariaFixture(db: MariaDb, zone: string): DbFixture {
  const callbackPools: mysql.Pool[] = [];
  const exec = async (sql: string, params?: unknown[]) =>
    (await db.exec(sql, params)) as Record<string, unknown>[];
  return {
    dialect: 'mysql',
    password: db.password,
    zone,
    client: () => db.pool({ connectionLimit: 4 }) as unknown as MysqlClientLike & PostgresClientLike,
    async otherClient() {
      const pool = mysql.createPool({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
        connectionLimit: 2,
      });
      callbackPools.push(pool);
      return pool;
    },
    wrongPasswordClient: () => db.pool({ password: `${db.password}x`, connectionLimit: 1 }),
    unreachableClient: (port) => db.pool({ port, connectionLimit: 1, connectTimeout: 2_000 }),
    exec,
    async insertEvents(table, rows, withSessionColumn = true) {
      for (let i = 0; i < rows.length; i += 500) {
        const part = rows.slice(i, i + 500);
        const columns = withSessionColumn
          ? '(session_id, event_type, payload_json, created_at)'
          : '(event_type, payload_json, created_at)';
        const values = part
          .map(() => (withSessionColumn ? '(?, ?, ?, FROM_UNIXTIME(?))' : '(?, ?, FROM_UNIXTIME(?))'))
          .join(', ');
        await exec(
          `INSERT INTO ${table} ${columns} VALUES ${values}`,
          part.flatMap((row) => [
            ...(withSessionColumn ? [row.session] : []),
            row.event,
            row.payload ?? JSON.stringify({ event: row.event, session: { id: row.session } }),
            Math.floor(row.at / 1000),
          ]),
        );
      }
    },
    async lock(table) {
      const connection = await createConnection({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
      });
      await connection.query(`LOCK TABLES ${table} WRITE`);
      return async () => {
        await connection.query('UNLOCK TABLES');
        await connection.end();
      };
    },
    async killBlockedActivityQuery() {
      const id = await until('the blocked activity statement', async () => {
        const rows = await exec(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%unix_s%' AND ID <> CONNECTION_ID()",
        );
        return rows[0]?.['id'] as number | undefined;
      });
      await exec(`KILL CONNECTION ${Number(id)}`);
    },
    utcWallLiteral: (epochMs) => `'${utcWall(epochMs)}'`,
    async close() {
      await Promise.all(callbackPools.map((pool) => new Promise((resolve) => pool.end(resolve))));
    },
  };
}

/** The fixture over a started PostgreSQL. */
export function pgFixture(db: Postgres, zone: string): DbFixture {
  const exec = async (sql: string, params?: unknown[]) => (await db.exec(sql, params)).rows;
  const clients: pg.Client[] = [];
  return {
    dialect: 'postgres',
    password: db.password,
    zone,
    client: () => db.pool({ max: 4 }) as unknown as MysqlClientLike & PostgresClientLike,
    async otherClient() {
      const client = new pg.Client({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
      });
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      return client;
    },
    wrongPasswordClient: () => db.pool({ password: `${db.password}x`, max: 1 }),
    unreachableClient: (port) => db.pool({ port, max: 1, connectionTimeoutMillis: 2_000 }),
    exec,
    async insertEvents(table, rows, withSessionColumn = true) {
      for (let i = 0; i < rows.length; i += 5_000) {
        const part = rows.slice(i, i + 5_000);
        const payloads = part.map(
          (row) => row.payload ?? JSON.stringify({ event: row.event, session: { id: row.session } }),
        );
        const times = part.map((row) => row.at / 1000);
        const events = part.map((row) => row.event);
        if (withSessionColumn) {
          await exec(
            `INSERT INTO ${table} (session_id, event_type, payload_json, created_at)
             SELECT s, e, p::jsonb, to_timestamp(t) FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS u(s, e, p, t)`,
            [part.map((row) => row.session), events, payloads, times],
          );
        } else {
          await exec(
            `INSERT INTO ${table} (event_type, payload_json, created_at)
             SELECT e, p::jsonb, to_timestamp(t) FROM unnest($1::text[], $2::text[], $3::float8[]) AS u(e, p, t)`,
            [events, payloads, times],
          );
        }
      }
    },
    async lock(table) {
      const client = new pg.Client({
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
      });
      client.on('error', () => {});
      await client.connect();
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      return async () => {
        await client.query('COMMIT');
        await client.end();
      };
    },
    async killBlockedActivityQuery() {
      const pid = await until('the blocked activity statement', async () => {
        const rows = await exec(
          "SELECT pid FROM pg_stat_activity WHERE query LIKE '%unix_s%' AND pid <> pg_backend_pid() AND state = 'active'",
        );
        return rows[0]?.['pid'] as number | undefined;
      });
      await exec('SELECT pg_terminate_backend($1)', [pid]);
    },
    utcWallLiteral: (epochMs) => `'${utcWall(epochMs)}'`,
    async close() {
      await Promise.allSettled(clients.map((client) => client.end()));
    },
  };
}

/** Asserts that no rendering of `error` (message, stack, JSON, inspect, cause chain) holds `secret`. */
export function expectNoSecret(error: unknown, secret: string): void {
  const renderings = [
    String(error),
    (error as Error)?.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    inspect((error as Error)?.cause, { depth: 10, showHidden: true }),
  ].join('\n');
  for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
    expect(renderings).not.toContain(form);
  }
}
