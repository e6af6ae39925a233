/**
 * A throwaway REAL PostgreSQL server for a test file: a cluster copied from a template made once by `initdb`,
 * `postgres` listening on a unix socket in its temp dir and on a free loopback port, a database and a
 * password-protected role, then a stop that removes everything.
 *
 * PostgreSQL refuses to run as root: when the tests run as root (CI containers), `initdb` and `postgres` run
 * as `nobody`, and the temp dir belongs to it.
 *
 * ```ts
 * let pg: Postgres;
 * beforeAll(async () => { pg = await startPostgres(); });
 * afterAll(() => pg?.stop());
 * ```
 */
import { join } from 'node:path';
import pg from 'pg';
import {
  copyTree,
  onFreePort,
  RUNNING_AS_ROOT,
  randomPassword,
  runCommand,
  startServer,
  tempDir,
  template,
  UNPRIVILEGED,
} from './server-process.js';

const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const OWNER = RUNNING_AS_ROOT ? `${UNPRIVILEGED.user}:${UNPRIVILEGED.group}` : undefined;

/** As the unprivileged user when we are root, else as ourselves. */
function asServerUser(command: string, args: readonly string[]): [string, string[]] {
  return RUNNING_AS_ROOT
    ? [
        'setpriv',
        [`--reuid=${UNPRIVILEGED.user}`, `--regid=${UNPRIVILEGED.group}`, '--clear-groups', command, ...args],
      ]
    : [command, [...args]];
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** The server's `timezone` setting (what sessions start with), e.g. `America/Sao_Paulo`. Default `UTC`. */
  timeZone?: string;
  /** `shared_buffers`. Default `32MB` (tests); the bench's million rows want more. */
  sharedBuffers?: string;
}

/** A running PostgreSQL server. */
export interface Postgres {
  host: '127.0.0.1';
  port: number;
  /** The directory holding the server's unix socket (pg's `host` for a socket connection). */
  socketDir: string;
  user: string;
  /** Random for every server. */
  password: string;
  database: string;
  /** `postgres://user:password@127.0.0.1:port/database`. */
  url: string;
  /** A pg Pool on the database (TCP, with the password), closed by {@link Postgres.stop}. */
  pool(options?: pg.PoolConfig): pg.Pool;
  /** Runs a statement through a shared admin pool. */
  exec(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** The server's process id (the tests check it is gone after {@link Postgres.stop}). */
  pid: number;
  /** The temp directory holding its data, socket and log; removed by stop(). */
  dir: string;
  /** The server's log so far. */
  log(): string;
  /** Closes every pool made here, stops the server, removes its directory. */
  stop(): Promise<void>;
}

/** Starts a server; see the module comment. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<Postgres> {
  const version = await runCommand(join(BIN, 'postgres'), ['--version']);
  const templateDir = await template(
    'postgres',
    version,
    async (scratch) => {
      const [command, args] = asServerUser(join(BIN, 'initdb'), [
        '-D',
        join(scratch, 'data'),
        '-U',
        'postgres',
        '--auth-local=trust', // the socket sits in a 0700 dir of the server's user
        '--auth-host=scram-sha-256', // TCP needs the password: the tests prove it is sent and never leaked
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      await runCommand(command, args, scratch);
    },
    OWNER,
  );

  const dir = await tempDir('wgsdk-postgres-', OWNER);
  await copyTree(join(templateDir, 'data'), join(dir, 'data'));
  const user = 'app';
  const password = randomPassword();
  const database = 'app';

  let port = 0;
  const server = await onFreePort(async (candidate) => {
    port = candidate;
    return await startServer({
      name: 'postgres',
      command: join(BIN, 'postgres'),
      args: [
        '-D',
        join(dir, 'data'),
        '-k',
        dir,
        '-p',
        String(candidate),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `timezone=${options.timeZone ?? 'UTC'}`,
        // Throwaway data: durability only costs time.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        `shared_buffers=${options.sharedBuffers ?? '32MB'}`,
        '-c',
        'max_wal_size=1GB',
      ],
      unprivileged: true,
      cwd: dir,
      parentDeathSignal: 'SIGQUIT', // immediate shutdown: its backends follow it
      stopSignal: 'SIGINT', // fast shutdown: disconnects clients, then exits
      readyLine: /database system is ready to accept connections/,
      portTakenLine: /could not bind|Address already in use|could not create any TCP\/IP sockets/,
    });
  });

  try {
    const setup = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await setup.connect();
    try {
      await setup.query(`CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${password}'`);
      await setup.query(`CREATE DATABASE ${database} OWNER ${user}`);
    } finally {
      await setup.end();
    }
  } catch (error) {
    await server.stop();
    await runCommand('rm', ['-rf', dir]);
    throw error;
  }

  const pools: pg.Pool[] = [];
  const pool = (extra: pg.PoolConfig = {}) => {
    const made = new pg.Pool({ host: '127.0.0.1', port, user, password, database, ...extra });
    // An idle client whose backend is terminated emits 'error' on the pool; without a listener that would
    // crash the test worker.
    made.on('error', () => {});
    pools.push(made);
    return made;
  };
  let admin: pg.Pool | undefined;
  return {
    host: '127.0.0.1',
    port,
    socketDir: dir,
    user,
    password,
    database,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    pool,
    async exec(sql, values) {
      admin ??= pool({ max: 2 });
      return await admin.query(sql, values);
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
