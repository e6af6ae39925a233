/**
 * SqlActivitySource without a database: every bad option or argument is an InvalidArgumentError before any
 * statement runs, names are quoted, values are parameters, and driver errors are typed and scrubbed.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  activityTableSql,
  jsonPayloadMigrationSql,
  SqlActivitySource,
  type SqlActivitySourceOptions,
  SqlConnectionError,
  SqlQueryError,
  webhookLogTableSql,
} from '../../src/activity/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { expectNoSecret } from './fixtures.js';

function recorder(rows: unknown = []) {
  const calls: { sql: string; params: readonly unknown[] }[] = [];
  return {
    calls,
    query: async (sql: string, params: readonly unknown[]) => {
      calls.push({ sql, params });
      return rows;
    },
  };
}

function invalid(options: Partial<SqlActivitySourceOptions>, argument: string) {
  const { query, calls } = recorder();
  const build = () =>
    new SqlActivitySource({ dialect: 'mysql', query, ...options } as SqlActivitySourceOptions);
  expect(build).toThrow(InvalidArgumentError);
  try {
    build();
  } catch (error) {
    expect((error as InvalidArgumentError).argument).toBe(argument);
  }
  expect(calls).toHaveLength(0);
}

describe('options', () => {
  it('rejects a bad dialect, layout, client or query', () => {
    invalid({ dialect: 'sqlite' as never }, 'options.dialect');
    invalid({ layout: 'rows' as never }, 'options.layout');
    expect(() => new SqlActivitySource({ dialect: 'mysql' })).toThrow(
      /exactly one of options.client and options.query/,
    );
    expect(
      () => new SqlActivitySource({ dialect: 'mysql', client: { execute: () => 0 }, query: async () => [] }),
    ).toThrow(InvalidArgumentError);
    expect(() => new SqlActivitySource({ dialect: 'mysql', client: { query: () => 0 } as never })).toThrow(
      /mysql2 Pool or Connection/,
    );
    expect(
      () => new SqlActivitySource({ dialect: 'postgres', client: { execute: () => 0 } as never }),
    ).toThrow(/pg Pool or Client/);
    invalid({ query: 'SELECT 1' as never }, 'options.query');
  });

  it.each([
    ['table', 'logs; DROP TABLE users', 'options.table'],
    ['table', 'a b', 'options.table'],
    ['table', '`logs`', 'options.table'],
    ['table', '"logs"', 'options.table'],
    ['table', 'a.b.c', 'options.table'],
    ['table', '1logs', 'options.table'],
    ['table', 'x'.repeat(64), 'options.table'],
    ['table', '', 'options.table'],
    ['sessionColumn', 'a.b', 'options.sessionColumn'],
    ['sessionColumn', "id'", 'options.sessionColumn'],
    ['timeColumn', 'created at', 'options.timeColumn'],
    ['eventColumn', 'event-type', 'options.eventColumn'],
    ['payloadColumn', 'payload)', 'options.payloadColumn'],
  ])('rejects %s %j', (option, value, argument) => {
    invalid({ [option]: value, layout: option === 'payloadColumn' ? 'json' : 'events' }, argument);
  });

  it('rejects bad message events, JSON paths, time zones and timeouts', () => {
    invalid({ messageEvents: [] }, 'options.messageEvents');
    invalid({ messageEvents: ['message', 3 as never] }, 'options.messageEvents');
    invalid({ layout: 'json', sessionJsonPaths: ["$.session') OR 1=1 --"] }, 'options.sessionJsonPaths');
    invalid({ layout: 'json', sessionJsonPaths: ['session.id'] }, 'options.sessionJsonPaths');
    invalid({ timeZone: 'Mars/Olympus_Mons' }, 'options.timeZone');
    invalid({ timeZone: '+25:00' }, 'options.timeZone');
    invalid({ timeoutMs: 0 }, 'options.timeoutMs');
    invalid({ timeoutMs: Number.NaN }, 'options.timeoutMs');
  });

  it('rejects bad ids before any statement, and asks nothing for an empty listing', async () => {
    const { query, calls } = recorder();
    const source = new SqlActivitySource({ dialect: 'postgres', query });
    await expect(source.lastActivity('sales' as never)).rejects.toThrow(InvalidArgumentError);
    await expect(source.lastActivity(['sales', 3 as never])).rejects.toThrow(InvalidArgumentError);
    expect(await source.lastActivity([])).toEqual(new Map());
    expect(await source.lastActivity(['', 'a\u0000b'])).toEqual(
      new Map([
        ['', null],
        ['a\u0000b', null],
      ]),
    );
    expect(calls).toHaveLength(0);
  });

  it('rejects bad record() arguments before any statement', async () => {
    const { query, calls } = recorder();
    const source = new SqlActivitySource({ dialect: 'mysql', query, layout: 'latest' });
    await expect(source.record('')).rejects.toThrow(InvalidArgumentError);
    await expect(source.record('x'.repeat(101))).rejects.toThrow(InvalidArgumentError);
    await expect(source.record('imob\uD800')).rejects.toThrow(/lone surrogate/);
    await expect(source.record('sales', new Date(Number.NaN))).rejects.toThrow(InvalidArgumentError);
    await expect(source.record('sales', '2026-01-01' as never)).rejects.toThrow(InvalidArgumentError);
    expect(calls).toHaveLength(0);
    await source.record('sales', new Date(1_700_000_000_123));
    expect(calls[0]?.params).toEqual(['sales', '1700000000.123']);
  });
});

describe('statements', () => {
  it('quotes names and binds every value (MySQL)', async () => {
    const { query, calls } = recorder();
    await new SqlActivitySource({
      dialect: 'mysql',
      query,
      table: 'analytics.hook_log',
      sessionColumn: 'channel',
      messageEvents: ['message', "it's"],
    }).lastActivity(["o'brien", '%', "o'brien"]);
    expect(calls).toHaveLength(1);
    const { sql, params } = calls[0]!;
    expect(sql).toContain('FROM `analytics`.`hook_log`');
    expect(sql).toContain('`channel` IN (?, ?)');
    expect(sql).toContain('`event_type` IN (?, ?)');
    expect(sql).not.toContain("o'brien");
    expect(sql).not.toContain("it's");
    expect(params).toEqual(["o'brien", '%', 'message', "it's"]);
    await new SqlActivitySource({ dialect: 'mysql', query }).lastActivity(['a', 'b', 'c']);
    expect(calls[1]?.sql).toContain('`session_id` IN (?, ?, ?, ?)');
    expect(calls[1]?.params.slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('quotes names and binds every value (PostgreSQL), ids as one array', async () => {
    const { query, calls } = recorder();
    const ids = Array.from({ length: 300 }, (_, i) => `s${i}`);
    await new SqlActivitySource({ dialect: 'postgres', query, table: 'public.Hooks' }).lastActivity(ids);
    const { sql, params } = calls[0]!;
    expect(sql).toContain('FROM "public"."Hooks"');
    expect(sql).toContain('unnest($1::text[])');
    expect(params[0]).toEqual(ids);
    expect(params).toHaveLength(2);
  });

  it('splits only huge MySQL listings (8,192 ids per statement)', async () => {
    const { query, calls } = recorder();
    const ids = Array.from({ length: 20_000 }, (_, i) => `s${i}`);
    const answer = await new SqlActivitySource({ dialect: 'mysql', query }).lastActivity(ids);
    expect(calls).toHaveLength(3);
    expect(answer.size).toBe(20_000);
  });

  it('pads MySQL id lists to a power of two, so listings of any size share a few statement texts', async () => {
    const { query, calls } = recorder();
    const source = new SqlActivitySource({ dialect: 'mysql', query });
    for (let n = 1; n <= 300; n++) await source.lastActivity(Array.from({ length: n }, (_, i) => `s${i}`));
    expect(new Set(calls.map((call) => call.sql)).size).toBe(10); // 1, 2, 4, … 512
    const last = calls[calls.length - 1]!;
    expect(last.params.slice(0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => `s${i}`));
    expect(new Set(last.params.slice(300, 512))).toEqual(new Set(['s0']));
  });

  it('accepts rows as an array, a [rows, fields] pair or a { rows } result', async () => {
    const row = { session_id: 'sales', unix_s: '1700000000.500', wall_s: '0' };
    for (const shape of [[row], [[row], []], { rows: [row] }]) {
      const { query } = recorder(shape);
      const answer = await new SqlActivitySource({ dialect: 'mysql', query }).lastActivity(['sales']);
      expect(answer.get('sales')?.toISOString()).toBe('2023-11-14T22:13:20.500Z');
    }
  });

  it('gives schema SQL for both dialects and custom tables', () => {
    expect(activityTableSql({ dialect: 'mysql' })).toContain(
      'CREATE TABLE IF NOT EXISTS `whatsapp_session_activity`',
    );
    expect(activityTableSql({ dialect: 'postgres', table: 'app.activity' })).toContain('"app"."activity"');
    expect(webhookLogTableSql({ dialect: 'postgres' })[1]).toContain('"webhook_raw_logs_activity_idx"');
    expect(jsonPayloadMigrationSql({ dialect: 'mysql' })[0]).toContain('GENERATED ALWAYS AS');
    expect(() => activityTableSql({ dialect: 'mysql', table: 'x; DROP' })).toThrow(InvalidArgumentError);
  });
});

describe('errors', () => {
  const password = 'pw-S3cret/with:chars';

  it('scrubs the client password and URL credentials from driver errors, and keeps the codes', async () => {
    const client = {
      config: { connectionConfig: { password } },
      execute: async () => {
        throw Object.assign(
          new Error(
            `Access denied (password ${password}) via mysql://app:${encodeURIComponent(password)}@db/app`,
          ),
          { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlState: '28000', config: { password } },
        );
      },
    };
    const error = await new SqlActivitySource({ dialect: 'mysql', client })
      .lastActivity(['sales'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlConnectionError);
    expect((error as SqlConnectionError).code).toBe('bad_secret');
    expect((error as SqlConnectionError).driverCode).toBe('ER_ACCESS_DENIED_ERROR');
    expect((error as SqlConnectionError).sqlState).toBe('28000');
    expectNoSecret(error, password);
    expect(String(error)).toContain('[REDACTED]');
  });

  it('tells connection failures from query failures (pg codes and messages)', async () => {
    const failing = (error: unknown) =>
      new SqlActivitySource({
        dialect: 'postgres',
        query: async () => {
          throw error;
        },
      })
        .lastActivity(['sales'])
        .catch((e: unknown) => e);
    expect(
      await failing(Object.assign(new Error('terminating connection'), { code: '57P01' })),
    ).toBeInstanceOf(SqlConnectionError);
    expect(await failing(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(SqlConnectionError);
    expect(
      await failing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeInstanceOf(SqlConnectionError);
    const login = await failing(
      Object.assign(new Error('password authentication failed'), { code: '28P01' }),
    );
    expect((login as SqlConnectionError).code).toBe('bad_secret');
    const query = await failing(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }));
    expect(query).toBeInstanceOf(SqlQueryError);
    expect((query as SqlQueryError).sqlState).toBe('42P01');
  });

  it('never shows the client in toString, JSON or inspect', () => {
    const client = { options: { password }, query: async () => ({ rows: [] }) };
    const source = new SqlActivitySource({ dialect: 'postgres', client });
    const text = [
      String(source),
      JSON.stringify(source),
      inspect(source, { depth: 10, showHidden: true }),
    ].join();
    expect(text).not.toContain(password);
    expect(JSON.stringify(source)).toBe('{"dialect":"postgres","layout":"events"}');
  });
});
