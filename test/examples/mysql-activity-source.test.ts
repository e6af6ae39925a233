/**
 * The adapter's SQL runs against a real SQL engine: SQLite compiled to WebAssembly (sql.js), in process,
 * with the `webhook_raw_logs` columns of field notes §5.3 plus `session_id`.
 */
import type { Pool } from 'mysql2/promise';
import initSqlJs, { type Database } from 'sql.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  lastActivitySql,
  MysqlActivitySource,
  type SqlClient,
  toDate,
} from '../../examples/mysql-activity-source.js';
import { SessionManager, WhatsAppGatewayClient, WppConnectClient } from '../../src/index.js';
import { type Simulator, seedConnected, startSimulator } from './helpers.js';

// A mysql2/promise Pool is a SqlClient as it is (checked by tsc).
const poolFits = (pool: Pool): SqlClient => pool;
void poolFits;

const SQLITE_SCHEMA = `
CREATE TABLE webhook_raw_logs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at   TEXT NOT NULL,
  event_type    TEXT NOT NULL,
  session_id    TEXT NULL,
  payload_hash  TEXT NOT NULL,
  payload_json  TEXT NOT NULL,
  processed     INTEGER NOT NULL DEFAULT 0,
  event_id      TEXT NULL,
  error_message TEXT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX idx_activity ON webhook_raw_logs (session_id, event_type, created_at);`;

let SQL: Awaited<ReturnType<typeof initSqlJs>>;
beforeAll(async () => {
  SQL = await initSqlJs();
});

/** A mysql2-like client over sql.js that records every query it runs. */
function sqlClient(db: Database) {
  const queries: { sql: string; values: unknown[] }[] = [];
  const client: SqlClient = {
    async query(sql, values) {
      queries.push({ sql, values });
      const statement = db.prepare(sql);
      try {
        statement.bind(values as (string | number | null)[]);
        const rows: Record<string, unknown>[] = [];
        while (statement.step()) rows.push(statement.getAsObject());
        return [rows, []];
      } finally {
        statement.free();
      }
    },
  };
  return { client, queries };
}

function insert(
  db: Database,
  sessionId: string | null,
  eventType: string,
  createdAt: string,
  payload: object,
) {
  const json = JSON.stringify(payload);
  db.run(
    `INSERT INTO webhook_raw_logs (received_at, event_type, session_id, payload_hash, payload_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [createdAt, eventType, sessionId, '0123456789abcdef', json, createdAt],
  );
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as a DATETIME column holds it. */
function sqlTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

let db: Database;
beforeEach(() => {
  db = new SQL.Database();
  db.run(SQLITE_SCHEMA);
  const message = (session: string, text: string) => ({
    spec_version: '1.0',
    event: 'message',
    session: { id: session, name: session },
    message: { text },
  });
  // pixel12digital talks about imobsites: the old LIKE query counted this row as imobsites' activity.
  insert(
    db,
    'pixel12digital',
    'message',
    '2026-02-09 10:00:00',
    message('pixel12digital', 'call imobsites tomorrow'),
  );
  insert(db, 'pixel12digital', 'message.ack', '2026-02-09 12:00:00', { event: 'message.ack' });
  insert(db, 'pixel12digital', 'connection.update', '2026-02-09 12:30:00', { event: 'connection.update' });
  // ImobSites (capital I and S) is another session than imobsites.
  insert(db, 'ImobSites', 'onmessage', '2026-02-08 09:00:00', { event: 'onmessage', session: 'ImobSites' });
  insert(db, 'ImobSites', 'onselfmessage', '2026-02-08 11:00:00', {
    event: 'onselfmessage',
    session: 'ImobSites',
  });
  // Only presence and acks: alive by the old "any webhook" rule, silent by the message rule (field notes §7.3).
  insert(db, 'vendas', 'onpresencechanged', '2026-02-09 13:00:00', { event: 'onpresencechanged' });
  insert(db, 'vendas', 'onack', '2026-02-09 13:05:00', { event: 'onack' });
  insert(db, 'suporte', 'message.received', '2026-02-07 08:00:00', { event: 'message.received' });
  insert(db, 'suporte', 'message.sent', '2026-02-07 08:30:00', { event: 'message.sent' });
  // A row stored before its session was known.
  insert(db, null, 'message', '2026-02-10 00:00:00', message('imobsites', 'no session column'));
});
afterEach(() => db.close());

describe('examples/mysql-activity-source.ts against SQLite (sql.js)', () => {
  it('answers for every id with ONE query, by the session_id column, messages only', async () => {
    const { client, queries } = sqlClient(db);
    const source = new MysqlActivitySource(client);
    const ids = ['pixel12digital', 'imobsites', 'ImobSites', 'vendas', 'suporte', 'never-seen'];
    const result = await source.lastActivity(ids);

    expect(queries).toHaveLength(1);
    expect(queries[0]?.sql).toBe(lastActivitySql(ids.length));
    expect(queries[0]?.values).toEqual(ids);
    expect(Object.fromEntries([...result].map(([id, at]) => [id, at?.toISOString() ?? null]))).toEqual({
      pixel12digital: '2026-02-09T10:00:00.000Z', // the ack at 12:00 and the presence at 12:30 do not count
      imobsites: null, // mentioned in pixel12digital's text, and in a row without session: not its activity
      ImobSites: '2026-02-08T11:00:00.000Z', // onselfmessage counts (the session's own messages)
      vendas: null, // presence and acks only
      suporte: '2026-02-07T08:30:00.000Z',
      'never-seen': null,
    });
  });

  it('is the fix for the old LIKE query, which saw imobsites alive in other sessions’ rows', () => {
    const old = db.exec(
      `SELECT created_at FROM webhook_raw_logs
       WHERE event_type IN ('message','onmessage','onselfmessage','message.sent','message.received')
         AND (payload_json LIKE '%imobsites%')
       ORDER BY created_at DESC LIMIT 1`,
    );
    // SQLite's LIKE, like MySQL's _ci collations, ignores case: ImobSites' rows and others' texts match.
    expect(old[0]?.values[0]?.[0]).toBe('2026-02-10 00:00:00');
  });

  it('sends each id once and makes no query at all for an empty list', async () => {
    const { client, queries } = sqlClient(db);
    const source = new MysqlActivitySource(client);
    expect([...(await source.lastActivity([]))]).toEqual([]);
    expect(queries).toHaveLength(0);

    const twice = await source.lastActivity(['suporte', 'suporte']);
    expect(queries[0]?.values).toEqual(['suporte']);
    expect(queries[0]?.sql).toContain('IN (?)');
    expect([...twice.keys()]).toEqual(['suporte']);
  });

  it('does not query when the signal is already aborted', async () => {
    const { client, queries } = sqlClient(db);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      new MysqlActivitySource(client).lastActivity(['suporte'], controller.signal),
    ).rejects.toThrow('stop');
    expect(queries).toHaveLength(0);
  });

  it('keeps the SQL portable and refuses a table name that is not a plain identifier', () => {
    const sql = lastActivitySql(3, 'webhook_raw_logs');
    expect(sql).toBe(
      'SELECT session_id, MAX(created_at) AS last_activity_at FROM webhook_raw_logs ' +
        'WHERE session_id IN (?, ?, ?) ' +
        "AND event_type IN ('message', 'onmessage', 'onselfmessage', 'message.sent', 'message.received') " +
        'GROUP BY session_id',
    );
    expect(sql).not.toContain('`');
    expect(() => new MysqlActivitySource(sqlClient(db).client, { table: 'logs; DROP TABLE x' })).toThrow(
      RangeError,
    );
    expect(() => lastActivitySql(0)).toThrow(RangeError);
  });

  it('reads created_at as mysql2 and SQLite return it', () => {
    const date = new Date('2026-02-09T10:00:00Z');
    expect(toDate(date)).toBe(date);
    expect(toDate('2026-02-09 10:00:00')?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
    expect(toDate('2026-02-09 10:00:00', 'local')?.getTime()).toBe(new Date(2026, 1, 9, 10).getTime());
    expect(toDate('2026-02-09T10:00:00+02:00')?.toISOString()).toBe('2026-02-09T08:00:00.000Z');
    expect(toDate(1_770_631_200)?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
    expect(toDate(1_770_631_200_000)?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
    expect(toDate('yesterday')).toBeNull();
    expect(toDate(null)).toBeNull();
  });
});

describe('MysqlActivitySource behind a SessionManager', () => {
  let world: Simulator | undefined;
  afterEach(async () => {
    await world?.sim.close();
    world = undefined;
  });

  it('turns a connected session silent for 5 h into a zombie, and leaves a recent one alone', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'quiet');
    seedConnected(world.sim, 'busy');
    insert(db, 'quiet', 'message', sqlTime(new Date(Date.now() - 5 * 3_600_000)), { event: 'message' });
    insert(db, 'busy', 'message', sqlTime(new Date(Date.now() - 60_000)), { event: 'message' });
    // `busy` also appears in quiet's text; it does not matter any more.
    insert(db, 'quiet', 'message.ack', sqlTime(new Date()), { event: 'message.ack', text: 'busy' });

    const { client, queries } = sqlClient(db);
    const manager = new SessionManager({
      gateway: new WhatsAppGatewayClient({ baseUrl: world.sim.gatewayUrl, secret: world.sim.secret }),
      wppconnect: new WppConnectClient({ baseUrl: world.sim.wppconnectUrl, secretKey: world.sim.secretKey }),
      activity: new MysqlActivitySource(client),
    });
    const sessions = await manager.listSessions();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get('quiet')).toMatchObject({ status: 'connected', isZombie: true });
    expect(byId.get('busy')).toMatchObject({ status: 'connected', isZombie: false });
    expect(queries).toHaveLength(1); // one batched lookup per listing, never one per session
  });
});
