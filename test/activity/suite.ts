/**
 * The behaviour of `SqlActivitySource` on a real database, written once and run against MariaDB
 * (mysql.test.ts) and PostgreSQL (postgres.test.ts), each started in a time zone other than UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityTableSql,
  jsonPayloadMigrationSql,
  MESSAGE_EVENT_TYPES,
  SqlActivitySource,
  type SqlActivitySourceOptions,
  SqlConnectionError,
  SqlQueryError,
  webhookLogTableSql,
} from '../../src/activity/index.js';
import { ConnectionError, TimeoutError } from '../../src/errors.js';
import { freePort } from '../support/server-process.js';
import { type DbFixture, type EventRow, expectNoSecret } from './fixtures.js';

/** A small seeded PRNG (mulberry32), so a failing random case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NOISE_EVENTS = [
  'connection.update',
  'onpresencechanged',
  'message.ack',
  'onack',
  'status-find',
  'qrcode',
];

/** Ids that are data, not SQL nor patterns: quotes, LIKE wildcards, backslashes, case twins, Unicode. */
export const HOSTILE_IDS = [
  "o'brien",
  'quote"double',
  '%',
  '_',
  'a%',
  'a_c',
  'abc',
  'a\\b',
  'back\\',
  "'; DROP TABLE t; --",
  'FrontDesk',
  'frontdesk',
  'imobѕites', // Cyrillic ѕ
  'orders 📱',
  'ｆｕｌｌ',
  'sales',
];

/** The last message time of each id, the slow obvious way. */
function bruteForce(
  rows: readonly EventRow[],
  ids: readonly string[],
  now: number,
): Map<string, Date | null> {
  const messages = new Set(MESSAGE_EVENT_TYPES);
  return new Map(
    ids.map((id) => {
      let best = Number.NEGATIVE_INFINITY;
      for (const row of rows)
        if (row.session === id && messages.has(row.event) && row.at > best) best = row.at;
      return [id, best === Number.NEGATIVE_INFINITY ? null : new Date(Math.min(best, now))];
    }),
  );
}

let tableCounter = 0;
function freshTable(prefix: string): string {
  tableCounter += 1;
  return `${prefix}_${tableCounter}`;
}

/** Registers the suite for one database. `start` runs once, in beforeAll. */
export function sqlActivitySuite(
  name: string,
  start: () => Promise<{ fx: DbFixture; stop(): Promise<void> }>,
) {
  describe(name, () => {
    let fx: DbFixture;
    let stopServer: () => Promise<void>;
    const source = (options: Partial<SqlActivitySourceOptions> = {}) =>
      new SqlActivitySource({ dialect: fx.dialect, client: fx.client(), ...options });
    const eventsTable = async (prefix = 'logs') => {
      const table = freshTable(prefix);
      for (const statement of webhookLogTableSql({ dialect: fx.dialect, table })) await fx.exec(statement);
      return table;
    };

    beforeAll(async () => {
      const started = await start();
      fx = started.fx;
      stopServer = started.stop;
    }, 60_000);
    afterAll(async () => {
      await fx?.close();
      await stopServer?.();
    }, 30_000);

    it('answers the last message per id exactly as a brute-force scan of random data does', async () => {
      const random = prng(20_261_201);
      const table = await eventsTable();
      const now = Math.floor(Date.now() / 1000) * 1000;
      const ids = [...HOSTILE_IDS, ...Array.from({ length: 24 }, (_, i) => `s${i}`)];
      const rows: EventRow[] = [];
      for (let i = 0; i < 4_000; i++) {
        const session = ids[Math.floor(random() * ids.length)]!;
        const messageRow = random() < 0.35;
        const event = messageRow
          ? MESSAGE_EVENT_TYPES[Math.floor(random() * MESSAGE_EVENT_TYPES.length)]!
          : NOISE_EVENTS[Math.floor(random() * NOISE_EVENTS.length)]!;
        // Whole seconds over the last 30 days, and a few hours into the future for 2% of the rows.
        const offset = random() < 0.02 ? random() * 6 * 3_600_000 : -random() * 30 * 86_400_000;
        rows.push({ session, event, at: Math.floor((now + offset) / 1000) * 1000 });
      }
      await fx.insertEvents(table, rows);
      const asked = [...ids, 'absent', 'ABC', 'Sales', 's', '%%', ''];
      const answer = await source({ table, clock: { now: () => now } }).lastActivity(asked);
      const expected = bruteForce(rows, asked, now);
      expect([...answer.entries()].map(([id, at]) => [id, at?.toISOString() ?? null])).toEqual(
        [...expected.entries()].map(([id, at]) => [id, at?.toISOString() ?? null]),
      );
      // The data is not degenerate: most ids have a time, some only noise, and some times were in the future.
      expect([...expected.values()].filter((at) => at !== null).length).toBeGreaterThan(30);
      expect([...answer.values()].some((at) => at?.getTime() === now)).toBe(true);
    });

    it('ignores presence and ack rows however recent, and answers null for ids without a message', async () => {
      const table = await eventsTable();
      const now = Date.now();
      const old = Math.floor((now - 5 * 3_600_000) / 1000) * 1000;
      const recent = Math.floor((now - 60_000) / 1000) * 1000;
      await fx.insertEvents(table, [
        { session: 'zombie', event: 'onmessage', at: old },
        { session: 'zombie', event: 'onpresencechanged', at: recent },
        { session: 'zombie', event: 'connection.update', at: recent },
        { session: 'zombie', event: 'onack', at: recent },
        { session: 'zombie', event: 'message.ack', at: recent },
        { session: 'only-presence', event: 'onpresencechanged', at: recent },
      ]);
      const answer = await source({ table }).lastActivity(['zombie', 'only-presence', 'never-seen']);
      expect(answer.get('zombie')?.getTime()).toBe(old);
      expect(answer.get('only-presence')).toBeNull();
      expect(answer.get('never-seen')).toBeNull();
    });

    it('treats hostile ids as data: exact, case-sensitive matches, no wildcard, no injection', async () => {
      const table = await eventsTable();
      const base = Math.floor(Date.now() / 1000) * 1000 - 10 * 86_400_000;
      // Each id gets its own time, so an id answered with another id's row is caught.
      const rows = HOSTILE_IDS.map((session, i) => ({ session, event: 'message', at: base + i * 60_000 }));
      await fx.insertEvents(table, rows);
      const answer = await source({ table }).lastActivity([...HOSTILE_IDS, 'A_C', 'abcd', 'o', 'FRONTDESK']);
      HOSTILE_IDS.forEach((id, i) => {
        expect(answer.get(id)?.getTime(), id).toBe(base + i * 60_000);
      });
      for (const absent of ['A_C', 'abcd', 'o', 'FRONTDESK']) expect(answer.get(absent), absent).toBeNull();
      // The table is still there and whole.
      const count = await fx.exec(`SELECT COUNT(*) AS n FROM ${table}`);
      expect(Number(count[0]?.['n'])).toBe(HOSTILE_IDS.length);
    });

    it('answers an id no row can hold (NUL, a lone surrogate) with null, and the others normally', async () => {
      const table = await eventsTable();
      const at = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
      await fx.insertEvents(table, [{ session: 'sales', event: 'message', at }]);
      const answer = await source({ table }).lastActivity(['sales', 'a\u0000b', 'imob\uD800', 'sales']);
      expect(answer.get('sales')?.getTime()).toBe(at);
      expect(answer.get('a\u0000b')).toBeNull();
      expect(answer.get('imob\uD800')).toBeNull();
    });

    it('reads times written by NOW() (zone-less and zoned columns) as UTC instants, whatever the server zone', async () => {
      const table = freshTable('zones');
      if (fx.dialect === 'mysql') {
        await fx.exec(
          `CREATE TABLE ${table} (session_id VARCHAR(100) COLLATE utf8mb4_bin, event_type VARCHAR(50),
           created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), stamped TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))`,
        );
      } else {
        await fx.exec(
          `CREATE TABLE ${table} (session_id text, event_type text,
           created_at timestamp(3) NOT NULL DEFAULT now(), stamped timestamptz NOT NULL DEFAULT now())`,
        );
      }
      // Two hours ago, so a reading shifted by the zone's offset either way is caught (not hidden by the cap).
      const ago = fx.dialect === 'mysql' ? 'NOW(3) - INTERVAL 2 HOUR' : "now() - interval '2 hours'";
      const before = Date.now() - 2 * 3_600_000;
      await fx.exec(
        `INSERT INTO ${table} (session_id, event_type, created_at, stamped) VALUES ('sales', 'message', ${ago}, ${ago})`,
      );
      const after = Date.now() - 2 * 3_600_000;
      for (const timeColumn of ['created_at', 'stamped']) {
        const at = (await source({ table, timeColumn }).lastActivity(['sales'])).get('sales');
        expect(at, `${timeColumn} in ${fx.zone}`).toBeInstanceOf(Date);
        expect(at!.getTime(), timeColumn).toBeGreaterThanOrEqual(before - 1_000);
        expect(at!.getTime(), timeColumn).toBeLessThanOrEqual(after + 1_000);
      }
    });

    it('reads zone-less times written in another zone with the timeZone option (UTC, offsets, IANA)', async () => {
      const table = freshTable('wall');
      const type = fx.dialect === 'mysql' ? 'DATETIME(3)' : 'timestamp(3)';
      await fx.exec(
        `CREATE TABLE ${table} (session_id VARCHAR(100), event_type VARCHAR(50), created_at ${type})`,
      );
      const instant = Date.UTC(2026, 6, 15, 12, 30, 45, 250); // July: São Paulo is UTC-3, Berlin UTC+2
      const cases: Array<[string, string, number]> = [
        ['utc', 'UTC', 0],
        ['offset', '+05:30', 330],
        ['saopaulo', 'America/Sao_Paulo', -180],
        ['berlin', 'Europe/Berlin', 120],
      ];
      for (const [id, , minutes] of cases) {
        await fx.exec(
          `INSERT INTO ${table} VALUES ('${id}', 'message', ${fx.utcWallLiteral(instant + minutes * 60_000)})`,
        );
      }
      for (const [id, timeZone] of cases) {
        const at = (await source({ table, timeZone }).lastActivity([id])).get(id);
        expect(at?.toISOString(), `${id} read in ${timeZone}`).toBe(new Date(instant).toISOString());
      }
    });

    it('caps a time in the future at now, even one beyond 2038', async () => {
      const table = await eventsTable();
      await fx.exec(
        `INSERT INTO ${table} (session_id, event_type, payload_json, created_at) VALUES ('future', 'message', '{}', '2045-03-01 10:00:00')`,
      );
      const now = Date.now();
      const answer = await source({ table, clock: { now: () => now } }).lastActivity(['future']);
      expect(answer.get('future')?.getTime()).toBe(now);
    });

    it('sends one statement for a listing of 500 ids, through a query function too', async () => {
      const table = await eventsTable();
      const at = Math.floor(Date.now() / 1000) * 1000 - 120_000;
      await fx.insertEvents(table, [{ session: 'id-7', event: 'onmessage', at }]);
      const statements: string[] = [];
      const client = fx.client() as unknown as {
        query(sql: unknown, values?: unknown): Promise<unknown>;
        execute(sql: string, values: unknown[]): Promise<unknown>;
      };
      const activity = new SqlActivitySource({
        dialect: fx.dialect,
        table,
        query: async (sql, params) => {
          statements.push(sql);
          return fx.dialect === 'mysql'
            ? await client.execute(sql, [...params])
            : await client.query(sql, [...params]);
        },
      });
      const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
      const answer = await activity.lastActivity(ids);
      expect(statements).toHaveLength(1);
      expect(answer.size).toBe(500);
      expect(answer.get('id-7')?.getTime()).toBe(at);
      expect(await activity.lastActivity([])).toEqual(new Map());
      expect(statements).toHaveLength(1);
    });

    it("works with the driver's other API (mysql2 callback pool, pg Client)", async () => {
      const table = await eventsTable();
      const at = Math.floor(Date.now() / 1000) * 1000 - 30_000;
      await fx.insertEvents(table, [{ session: 'support-team', event: 'message.received', at }]);
      const activity = new SqlActivitySource({ dialect: fx.dialect, client: await fx.otherClient(), table });
      expect((await activity.lastActivity(['support-team'])).get('support-team')?.getTime()).toBe(at);
    });

    it('records into the compact table: upserts keep the later time, future capped, ids as data', async () => {
      const table = freshTable('latest');
      await fx.exec(activityTableSql({ dialect: fx.dialect, table }));
      const now = Math.floor(Date.now() / 1000) * 1000;
      const activity = source({ layout: 'latest', table, clock: { now: () => now } });
      const t1 = now - 3_600_000 + 123;
      await activity.record("o'brien", new Date(t1));
      await activity.record("o'brien", new Date(t1 - 60_000)); // older: ignored
      await activity.record('%', new Date(now + 86_400_000)); // future: now
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => activity.record('busy', new Date(now - i * 1_000))),
      );
      await activity.record('FrontDesk', new Date(t1 - 5_000));
      const answer = await activity.lastActivity(["o'brien", '%', 'busy', 'FrontDesk', 'frontdesk', '_']);
      expect(answer.get("o'brien")?.getTime()).toBe(t1);
      expect(answer.get('%')?.getTime()).toBe(now);
      expect(answer.get('busy')?.getTime()).toBe(now);
      expect(answer.get('FrontDesk')?.getTime()).toBe(t1 - 5_000);
      expect(answer.get('frontdesk')).toBeNull();
      expect(answer.get('_')).toBeNull();
      const rows = await fx.exec(`SELECT COUNT(*) AS n FROM ${table}`);
      expect(Number(rows[0]?.['n'])).toBe(4);
      await expect(source({ table }).record('x')).rejects.toThrow(/layout: 'latest'/);
    });

    it('reads the JSON-payload layout, and the same answers after the documented migration', async () => {
      const table = freshTable('seed');
      const [create] = webhookLogTableSql({ dialect: fx.dialect, table });
      // The seed's table: no session_id column; the id only inside payload_json.
      await fx.exec(
        create!.replace(/\n\s*[`"]session_id[`"][^\n]*\n/, '\n').replace(/,\n\s*KEY[^\n]*\n/, '\n'),
      );
      const now = Math.floor(Date.now() / 1000) * 1000;
      const random = prng(7);
      const ids = ['sales', 'Sales', "o'brien", '%', 'support-team'];
      const rows: EventRow[] = [];
      for (let i = 0; i < 400; i++) {
        const session = ids[Math.floor(random() * ids.length)]!;
        const event = random() < 0.5 ? 'message' : random() < 0.5 ? 'onmessage' : 'connection.update';
        const at = now - Math.floor(random() * 86_400) * 1000;
        // The gateway's envelope keeps the id in session.id; WPPConnect's own body in session.
        const payload =
          event === 'onmessage'
            ? JSON.stringify({ event, session, body: 'hi sales' })
            : JSON.stringify({
                event,
                session: { id: session, name: session },
                message: { text: 'about %' },
              });
        rows.push({ session, event, at, payload });
      }
      // Another session's message mentions "sales" in its text: the seed's LIKE scan would count it.
      rows.push({
        session: 'other',
        event: 'message',
        at: now,
        payload: JSON.stringify({ session: { id: 'other' }, message: { text: 'sales' } }),
      });
      await fx.insertEvents(table, rows, false);
      if (fx.dialect === 'mysql') {
        // A body that failed to parse is kept too (stored before validation): it must not break the query.
        await fx.exec(`INSERT INTO ${table} (event_type, payload_json) VALUES ('message', '{not json')`);
      }
      const asked = [...ids, 'other', 'absent'];
      const expected = bruteForce(rows, asked, now);
      const json = await source({ layout: 'json', table, clock: { now: () => now } }).lastActivity(asked);
      expect(json).toEqual(expected);

      for (const statement of jsonPayloadMigrationSql({ dialect: fx.dialect, table }))
        await fx.exec(statement);
      const events = await source({ table, clock: { now: () => now } }).lastActivity(asked);
      expect(events).toEqual(expected);
    });

    it('raises a typed connection error when the connection drops mid-query', async () => {
      const table = await eventsTable();
      const release = await fx.lock(table);
      try {
        const pending = source({ table }).lastActivity(['sales']);
        pending.catch(() => {});
        await fx.killBlockedActivityQuery();
        const error = await pending.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SqlConnectionError);
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as SqlConnectionError).code).toBe('connection_failed');
        expect((error as SqlConnectionError).dialect).toBe(fx.dialect);
        expectNoSecret(error, fx.password);
      } finally {
        await release();
      }
    });

    it('honours an abort at once while the statement waits, and times out with a TimeoutError', async () => {
      const table = await eventsTable();
      const release = await fx.lock(table);
      try {
        const controller = new AbortController();
        const pending = source({ table }).lastActivity(['sales'], controller.signal);
        setTimeout(() => controller.abort(new Error('stop now')), 100);
        const started = Date.now();
        await expect(pending).rejects.toThrow('stop now');
        expect(Date.now() - started).toBeLessThan(2_000);

        const slow = source({ table, timeoutMs: 200 }).lastActivity(['sales']);
        await expect(slow).rejects.toBeInstanceOf(TimeoutError);
        const aborted = new AbortController();
        aborted.abort();
        await expect(source({ table }).lastActivity(['sales'], aborted.signal)).rejects.toBe(
          aborted.signal.reason,
        );
      } finally {
        await release();
      }
    });

    it('turns a refused login, a closed port and a bad query into typed errors without the password', async () => {
      const table = await eventsTable();
      const login = await new SqlActivitySource({
        dialect: fx.dialect,
        client: fx.wrongPasswordClient(),
        table,
      })
        .lastActivity(['sales'])
        .catch((e: unknown) => e);
      expect(login).toBeInstanceOf(SqlConnectionError);
      expect((login as SqlConnectionError).code).toBe('bad_secret');
      expectNoSecret(login, fx.password);
      expectNoSecret(login, `${fx.password}x`);

      const port = await freePort();
      const refused = await new SqlActivitySource({
        dialect: fx.dialect,
        client: fx.unreachableClient(port),
        table,
      })
        .lastActivity(['sales'])
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SqlConnectionError);
      expect((refused as SqlConnectionError).code).toBe('connection_failed');
      expectNoSecret(refused, fx.password);

      const missing = await source({ table: 'no_such_table' })
        .lastActivity(['sales'])
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(SqlQueryError);
      expect((missing as SqlQueryError).message).toMatch(/no_such_table/);
      const column = await source({ table, timeColumn: 'no_such_column' })
        .lastActivity(['sales'])
        .catch((e: unknown) => e);
      expect(column).toBeInstanceOf(SqlQueryError);
      expectNoSecret(column, fx.password);
    });
  });
}
