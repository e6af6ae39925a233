/**
 * The user's database client, whatever it is (a mysql2 pool with the promise or the callback API, a pg Pool
 * or Client, or a plain query function), behind one `run(sql, params)` that resolves to rows. Also finds the
 * password the client holds, so that no error can ever echo it.
 * @module
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import type { SqlDialect } from './sql-errors.js';

/**
 * A mysql2 `Pool`, `PoolConnection` or `Connection`, from `mysql2` (callback API) or `mysql2/promise`. Only
 * `execute` is used: it sends the values apart from the statement (a server-side prepared statement), so no
 * value is ever spliced into SQL text, whatever the server's `sql_mode`.
 */
export interface MysqlClientLike {
  /** mysql2's `execute(sql, values)`. */
  execute(...args: never[]): unknown;
}

/** A pg `Pool` or `Client` (from the `pg` package). Only `query({ text, values })` is used. */
export interface PostgresClientLike {
  /** pg's `query(config)`. */
  query(...args: never[]): unknown;
}

/**
 * Your own way to run a statement: resolves to the rows, as an array of objects keyed by column name (a
 * mysql2-style `[rows, fields]` pair or a pg-style `{ rows }` result are accepted too). Placeholders are `?`
 * for MySQL and `$1`, `$2`… for PostgreSQL; `params` are in placeholder order. Bind them: never splice them.
 */
export type SqlQueryFunction = (sql: string, params: readonly unknown[]) => Promise<unknown>;

/** One statement, its rows. @internal */
export type SqlRunner = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

/** The rows of whatever a driver or a query function resolved to. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) {
    // mysql2: [rows, fields]. A row is an object, never an array, so an array in front is the rows.
    const rows = Array.isArray(result[0]) ? result[0] : result;
    return rows.filter(isObject);
  }
  if (isObject(result) && Array.isArray(result['rows'])) return result['rows'].filter(isObject);
  return [];
}

/**
 * Builds the runner for `client` or `query` (exactly one of them).
 * @throws {@link InvalidArgumentError} when neither or both are given, or the client does not fit the dialect.
 * @internal
 */
export function runnerFor(dialect: SqlDialect, client: unknown, query: unknown): SqlRunner {
  if ((client === undefined) === (query === undefined)) {
    throw new InvalidArgumentError('options.client', 'give exactly one of options.client and options.query');
  }
  if (query !== undefined) {
    if (typeof query !== 'function') throw new InvalidArgumentError('options.query', 'must be a function');
    const fn = query as SqlQueryFunction;
    return async (sql, params) => rowsOf(await fn(sql, params));
  }
  if (!isObject(client)) throw new InvalidArgumentError('options.client', 'must be a database client');
  if (dialect === 'mysql') {
    if (typeof client['execute'] !== 'function') {
      throw new InvalidArgumentError(
        'options.client',
        'must be a mysql2 Pool or Connection (promise or callback API): it has no execute()',
      );
    }
    // The callback API has `promise()`, which wraps the same pool; the promise API has not.
    let target: Loose | undefined;
    return async (sql, params) => {
      target ??= typeof client['promise'] === 'function' ? (client['promise'] as () => Loose)() : client;
      const execute = target['execute'] as (sql: string, values: unknown[]) => Promise<unknown>;
      return rowsOf(await execute.call(target, sql, [...params]));
    };
  }
  if (typeof client['query'] !== 'function') {
    throw new InvalidArgumentError('options.client', 'must be a pg Pool or Client: it has no query()');
  }
  const pgQuery = client['query'] as (config: { text: string; values: unknown[] }) => Promise<unknown>;
  return async (sql, params) => rowsOf(await pgQuery.call(client, { text: sql, values: [...params] }));
}

function passwordOfUrl(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const password = new URL(value).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function read(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

// Where mysql2 and pg keep the password (and URLs that may hold it), for each kind of client.
const PASSWORD_PATHS: readonly (readonly string[])[] = [
  ['config', 'connectionConfig', 'password'], // mysql2 Pool
  ['pool', 'config', 'connectionConfig', 'password'], // mysql2/promise Pool
  ['config', 'password'], // mysql2 Connection
  ['connection', 'config', 'password'], // mysql2/promise Connection
  ['options', 'password'], // pg Pool
  ['password'], // pg Client
  ['connectionParameters', 'password'], // pg Client
];
const URL_PATHS: readonly (readonly string[])[] = [
  ['config', 'connectionConfig', 'uri'],
  ['pool', 'config', 'connectionConfig', 'uri'],
  ['options', 'connectionString'],
  ['connectionString'],
];

/**
 * The passwords a client holds, read at each call (a pg password may be set late). Never stored elsewhere.
 * @internal
 */
export function passwordsOf(client: unknown): string[] {
  if (!isObject(client)) return [];
  const found = PASSWORD_PATHS.map((path) => read(client, path)).filter(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  for (const path of URL_PATHS) found.push(...passwordOfUrl(read(client, path)));
  return found;
}
