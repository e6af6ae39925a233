/**
 * The command's activity source over a database: `WPP_ACTIVITY_DB` (a `mysql://` or `postgres://` URL, with
 * its password) or `--activity-db` (the same URL without a password: a secret on the command line lands in
 * shell history and `ps`). The driver (`mysql2` or `pg`, optional peer dependencies) is loaded only when a
 * database is configured.
 *
 * A command runs one or two lookups, so each lookup opens a small pool and ends it: nothing stays open to keep
 * the process alive. The source is checked once before the command does anything (login, table and columns),
 * and remembers any later failure, so a command can refuse to call sessions healthy on evidence it never got.
 * @module
 */
import type { ActivitySource } from '../activity/source.js';
import { SqlActivitySource, type SqlActivitySourceOptions } from '../activity/sql.js';
import type { SqlDialect } from '../activity/sql-errors.js';
import { UsageError } from './exit.js';

/** The environment variable holding the database URL (password allowed). */
export const ACTIVITY_DB_ENV = 'WPP_ACTIVITY_DB';

const SCHEMES: Readonly<Record<string, SqlDialect>> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

/** Where the URL came from, for messages: the flag or the environment variable. */
export type ActivityDbOrigin = '--activity-db' | typeof ACTIVITY_DB_ENV;

/**
 * Checks a database URL; never echoes it (it may hold a password).
 * @throws {@link UsageError} for a URL that does not parse, an unknown scheme, or a password in the flag.
 */
export function parseActivityDbUrl(
  command: string,
  value: string,
  origin: ActivityDbOrigin,
): { dialect: SqlDialect; url: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${origin} is not a URL (expected mysql://user@host:3306/db or postgres://…)`,
      command,
    );
  }
  const dialect = SCHEMES[url.protocol];
  if (!dialect) {
    throw new UsageError(
      `${origin} must be a mysql://, mariadb://, postgres:// or postgresql:// URL`,
      command,
    );
  }
  if (origin === '--activity-db' && url.password !== '') {
    throw new UsageError(
      '--activity-db must not hold a password: a secret on the command line lands in the shell history and in `ps`. ' +
        `Put the URL with its password in ${ACTIVITY_DB_ENV} instead.`,
      command,
    );
  }
  // mysql2 reads the URL itself; it only knows the mysql: scheme.
  if (url.protocol === 'mariadb:') return { dialect, url: `mysql:${value.slice('mariadb:'.length)}` };
  return { dialect, url: value };
}

/** Table layout settings from the `--activity-*` flags. */
export type ActivityDbTable = Pick<
  SqlActivitySourceOptions,
  'layout' | 'table' | 'sessionColumn' | 'timeColumn' | 'eventColumn' | 'timeZone'
>;

/** A pool of the user's driver, and how to end it. */
interface Pool {
  client: NonNullable<SqlActivitySourceOptions['client']>;
  end(): Promise<void>;
}

/** Loads a module by name (the driver); injectable so the "driver missing" path is testable. */
export type ModuleLoader = (name: string) => Promise<unknown>;

const defaultLoader: ModuleLoader = (name) => import(name);

const DRIVERS: Readonly<Record<SqlDialect, string>> = { mysql: 'mysql2', postgres: 'pg' };

async function openPool(
  command: string,
  dialect: SqlDialect,
  url: string,
  timeoutMs: number,
  load: ModuleLoader,
): Promise<Pool> {
  let driver: Record<string, unknown>;
  try {
    driver = (await load(dialect === 'mysql' ? 'mysql2/promise' : 'pg')) as Record<string, unknown>;
  } catch {
    throw new UsageError(
      `a ${dialect === 'mysql' ? 'MySQL' : 'PostgreSQL'} activity database needs the ${DRIVERS[dialect]} package: npm install ${DRIVERS[dialect]}`,
      command,
    );
  }
  const connectTimeout = Math.ceil(timeoutMs);
  if (dialect === 'mysql') {
    const mysql = (driver['default'] ?? driver) as {
      createPool(options: object): Pool['client'] & { end(): Promise<void> };
    };
    const pool = mysql.createPool({ uri: url, connectionLimit: 2, connectTimeout });
    return { client: pool, end: () => pool.end() };
  }
  const pg = (driver['default'] ?? driver) as {
    Pool: new (
      options: object,
    ) => Pool['client'] & { end(): Promise<void>; on(event: string, fn: () => void): void };
  };
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: connectTimeout });
  // An idle client whose server went away emits 'error' on the pool; the lookup reports it, not a crash.
  pool.on('error', () => {});
  return { client: pool, end: () => pool.end() };
}

/** The database activity source of a command: an {@link ActivitySource} that remembers its last failure. */
export interface DatabaseActivity extends ActivitySource {
  /** The last lookup's failure, if it failed (a typed SDK error, without the password). */
  readonly failure: Error | undefined;
}

/**
 * Builds the source and checks it with one lookup (login, table, columns) before the command runs.
 * @throws {@link UsageError} without the driver; the source's typed errors when the database refuses.
 */
export async function activityFromDatabase(
  command: string,
  { dialect, url }: { dialect: SqlDialect; url: string },
  table: ActivityDbTable,
  timeoutMs: number,
  load: ModuleLoader = defaultLoader,
): Promise<DatabaseActivity> {
  // Options are checked now, before any connection: a bad table name is a usage error.
  new SqlActivitySource({ dialect, query: async () => [], ...table });
  let failure: Error | undefined;
  const source: DatabaseActivity = {
    get failure() {
      return failure;
    },
    async lastActivity(ids, signal) {
      const pool = await openPool(command, dialect, url, timeoutMs, load);
      try {
        const sql = new SqlActivitySource({ dialect, client: pool.client, timeoutMs, ...table });
        const answer = await sql.lastActivity(ids, signal);
        failure = undefined;
        await pool.end().catch(() => {});
        return answer;
      } catch (error) {
        failure = error as Error;
        // Not awaited: after an abort or a timeout the statement may still be running, and ending the pool
        // waits for it. The pool closes when it ends.
        pool.end().catch(() => {});
        throw error;
      }
    },
  };
  await source.lastActivity(['whatsapp-gateway-check']);
  return source;
}
