/**
 * A throwaway REAL MariaDB server for a test file: a data directory copied from a template made once by
 * `mariadb-install-db`, `mariadbd` on a unix socket in a temp dir and on a free loopback port, a database and
 * a password-protected user, then a stop that removes everything.
 *
 * ```ts
 * let db: MariaDb;
 * beforeAll(async () => { db = await startMariaDb(); });
 * afterAll(() => db?.stop());
 * ```
 *
 * Start one per test file at most (≈0.5 s from the template, ≈3 s the first time on a machine).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import {
  copyTree,
  onFreePort,
  RUNNING_AS_ROOT,
  randomPassword,
  runCommand,
  startServer,
  tempDir,
  template,
} from './server-process.js';

const MARIADBD = process.env['MARIADBD'] ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env['MARIADB_INSTALL_DB'] ?? 'mariadb-install-db';

// Small InnoDB files keep the template small, so each copy is quick.
const SERVER_FLAGS = [
  '--no-defaults', // never read the machine's /etc/mysql: the tests must not depend on it
  '--skip-name-resolve',
  '--innodb-log-file-size=48M',
  '--innodb-flush-log-at-trx-commit=0', // throwaway data: durability only costs time
  '--skip-log-bin',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_unicode_ci', // the collation real apps use (case-INsensitive), on purpose
];

/** Options of {@link startMariaDb}. */
export interface StartMariaDbOptions {
  /**
   * The server process's system time zone (`TZ`), e.g. `America/Sao_Paulo`. `NOW()` and `TIMESTAMP` columns
   * then live in it. Default `UTC`.
   */
  systemTimeZone?: string;
  /** `--default-time-zone`, e.g. `+05:30`: the sessions' zone. Default: the system zone. */
  defaultTimeZone?: string;
  /** `--innodb-buffer-pool-size`. Default `64M` (tests); the bench's million rows want more. */
  bufferPool?: string;
}

/** A running MariaDB server. */
export interface MariaDb {
  host: '127.0.0.1';
  port: number;
  socketPath: string;
  user: string;
  /** Random for every server. */
  password: string;
  database: string;
  /** `mysql://user:password@127.0.0.1:port/database`. */
  url: string;
  /** A mysql2/promise pool on the database (TCP), closed by {@link MariaDb.stop}. */
  pool(options?: PoolOptions): Pool;
  /** Runs statements on the database through a shared admin pool. */
  exec(sql: string, values?: unknown[]): Promise<unknown>;
  /** The server's process id (the tests check it is gone after {@link MariaDb.stop}). */
  pid: number;
  /** The temp directory holding its data, socket and log; removed by stop(). */
  dir: string;
  /** The server's log so far. */
  log(): string;
  /** Closes every pool made here, stops the server, removes its directory. */
  stop(): Promise<void>;
}

async function serverVersion(): Promise<string> {
  return (await runCommand(MARIADBD, ['--version'])).trim();
}

/** Starts a server; see the module comment. */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDb> {
  const version = await serverVersion();
  const templateDir = await template('mariadb', version + SERVER_FLAGS.join(' '), async (scratch) => {
    await runCommand(INSTALL_DB, [
      '--no-defaults',
      `--datadir=${join(scratch, 'data')}`,
      ...(RUNNING_AS_ROOT ? ['--user=root'] : []),
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      '--skip-name-resolve',
      '--innodb-log-file-size=48M',
    ]);
  });

  const dir = await tempDir('wgsdk-mariadb-');
  await copyTree(join(templateDir, 'data'), join(dir, 'data'));
  const socketPath = join(dir, 'mysqld.sock');
  const user = 'app';
  const password = randomPassword();
  const database = 'app';
  // Run at every start, before the server accepts connections: the password differs per server.
  const initFile = join(dir, 'init.sql');
  await writeFile(
    initFile,
    [
      `CREATE DATABASE IF NOT EXISTS ${database};`,
      ...['%', 'localhost'].flatMap((host) => [
        `CREATE OR REPLACE USER '${user}'@'${host}' IDENTIFIED BY '${password}';`,
        `GRANT ALL PRIVILEGES ON *.* TO '${user}'@'${host}' WITH GRANT OPTION;`,
      ]),
      '',
    ].join('\n'),
  );

  let port = 0;
  const server = await onFreePort(async (candidate) => {
    port = candidate;
    return await startServer({
      name: 'mariadbd',
      command: MARIADBD,
      args: [
        ...SERVER_FLAGS,
        `--datadir=${join(dir, 'data')}`,
        ...(RUNNING_AS_ROOT ? ['--user=root'] : []),
        `--socket=${socketPath}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        '--bind-address=127.0.0.1',
        `--port=${candidate}`,
        `--init-file=${initFile}`,
        `--tmpdir=${dir}`,
        `--innodb-buffer-pool-size=${options.bufferPool ?? '64M'}`,
        ...(options.defaultTimeZone ? [`--default-time-zone=${options.defaultTimeZone}`] : []),
      ],
      cwd: dir,
      env: { TZ: options.systemTimeZone ?? 'UTC' },
      parentDeathSignal: 'SIGKILL',
      stopSignal: 'SIGTERM',
      readyLine: /ready for connections/,
      portTakenLine: /Address already in use|Do you already have another .* server running/,
    });
  });

  const pools: Pool[] = [];
  const pool = (extra: PoolOptions = {}) => {
    const made = createPool({ host: '127.0.0.1', port, user, password, database, ...extra });
    pools.push(made);
    return made;
  };
  let admin: Pool | undefined;
  return {
    host: '127.0.0.1',
    port,
    socketPath,
    user,
    password,
    database,
    url: `mysql://${user}:${password}@127.0.0.1:${port}/${database}`,
    pool,
    async exec(sql, values) {
      admin ??= pool({ connectionLimit: 2, multipleStatements: true });
      const [result] = await admin.query(sql, values);
      return result;
    },
    pid: server.child.pid!,
    dir,
    log: server.log,
    async stop() {
      await Promise.allSettled(pools.map((made) => made.end()));
      await server.stop();
      await runCommand('rm', ['-rf', dir]);
    },
  };
}
