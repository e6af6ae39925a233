/**
 * `whatsapp-gateway healthcheck` with its activity from a real database (WPP_ACTIVITY_DB / --activity-db),
 * end to end: the built binary, the simulator, and a real MariaDB and PostgreSQL started here. No password
 * reaches any output (`runBin` checks every run against the database password too), and a database that refuses
 * the login or the query is an error exit, never "healthy".
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activityTableSql, SqlActivitySource, webhookLogTableSql } from '../../src/activity/index.js';
import { activityFromDatabase } from '../../src/cli/activity-db.js';
import { UsageError } from '../../src/cli/exit.js';
import { type MariaDb, startMariaDb } from '../support/mariadb.js';
import { type Postgres, startPostgres } from '../support/postgres.js';
import { closedPort, ensureBuilt, expectNoSecrets, runBin, runInProcess, startSim } from './helpers.js';

let maria: MariaDb;
let postgres: Postgres;
let sim: Awaited<ReturnType<typeof startSim>> | undefined;

beforeAll(async () => {
  ensureBuilt();
  [maria, postgres] = await Promise.all([
    startMariaDb({ systemTimeZone: 'America/Sao_Paulo' }),
    startPostgres({ timeZone: 'Asia/Kolkata' }),
  ]);
  // MariaDB: the webhook log (events layout). PostgreSQL: the compact table written by record().
  for (const statement of webhookLogTableSql({ dialect: 'mysql' })) await maria.exec(statement);
  const hours = (h: number) => Math.floor((Date.now() - h * 3_600_000) / 1000);
  await maria.exec(
    `INSERT INTO webhook_raw_logs (session_id, event_type, payload_json, created_at) VALUES
       ('quiet', 'message', '{}', FROM_UNIXTIME(?)),
       ('quiet', 'onpresencechanged', '{}', FROM_UNIXTIME(?)),
       ('busy', 'onmessage', '{}', FROM_UNIXTIME(?))`,
    [hours(5), hours(0), hours(0.1)],
  );
  await postgres.exec(activityTableSql({ dialect: 'postgres', table: 'wa_activity' }));
  const pool = postgres.pool();
  const recorder = new SqlActivitySource({
    dialect: 'postgres',
    client: pool,
    layout: 'latest',
    table: 'wa_activity',
  });
  await recorder.record('quiet', new Date(Date.now() - 5 * 3_600_000));
  await recorder.record('busy', new Date(Date.now() - 360_000));
}, 180_000);

afterAll(async () => {
  await Promise.all([maria?.stop(), postgres?.stop()]);
}, 60_000);

afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

async function world() {
  sim = await startSim();
  for (const id of ['quiet', 'busy']) {
    sim.servers.gateway.seedChannel(id, 'connected');
    sim.servers.wppconnect.seed(id, { status: 'CONNECTED' });
  }
  return sim;
}

const secrets = () => [maria.password, postgres.password];

describe('healthcheck with WPP_ACTIVITY_DB', () => {
  it('MariaDB (events layout): the silent session is a zombie (exit 1); a higher threshold makes all healthy', async () => {
    const { env } = await world();
    const run = await runBin(
      ['healthcheck'],
      { ...env, WPP_ACTIVITY_DB: maria.url },
      { extraSecrets: secrets() },
    );
    expect(run.stderr).not.toContain('no activity source');
    expect(run.stdout).toMatch(/FAIL\s+quiet\s+zombie/);
    expect(run.stdout).toMatch(/ok\s+busy\s+healthy/);
    expect(run.code).toBe(1);
    const relaxed = await runBin(
      ['healthcheck', '--silent-hours', '6'],
      { ...env, WPP_ACTIVITY_DB: maria.url },
      {
        extraSecrets: secrets(),
      },
    );
    expect(relaxed.code).toBe(0);
  });

  it('PostgreSQL (latest layout, --activity-table) with --json', async () => {
    const { env } = await world();
    const run = await runBin(
      ['healthcheck', '--json', '--activity-layout', 'latest', '--activity-table', 'wa_activity'],
      { ...env, WPP_ACTIVITY_DB: postgres.url },
      { extraSecrets: secrets() },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { sessions: { id: string; health: string }[] };
    expect(Object.fromEntries(report.sessions.map((s) => [s.id, s.health]))).toEqual({
      quiet: 'zombie',
      busy: 'healthy',
    });
  });

  it('a refused login, a closed port and a missing table are error exits, never healthy', async () => {
    const { env } = await world();
    const wrong = maria.url.replace(maria.password, `${maria.password}x`);
    const login = await runBin(
      ['healthcheck'],
      { ...env, WPP_ACTIVITY_DB: wrong },
      {
        extraSecrets: [...secrets(), `${maria.password}x`],
      },
    );
    expect(login.code).toBe(3);
    expect(login.stderr).toMatch(/MySQL refused the login/);
    expect(login.stderr).toMatch(/hint: the activity database refused the login/);
    expect(login.stdout).not.toMatch(/healthy/);

    const pgWrong = postgres.url.replace(postgres.password, 'nope-wrong');
    const pgLogin = await runBin(
      ['healthcheck'],
      { ...env, WPP_ACTIVITY_DB: pgWrong },
      { extraSecrets: secrets() },
    );
    expect(pgLogin.code).toBe(3);
    expect(pgLogin.stderr).toMatch(/PostgreSQL refused the login/);
    expect(pgLogin.stderr).not.toContain('nope-wrong');

    const port = await closedPort();
    const closed = await runBin(
      ['healthcheck'],
      { ...env, WPP_ACTIVITY_DB: `postgres://app:${postgres.password}@127.0.0.1:${port}/app` },
      { extraSecrets: secrets() },
    );
    expect(closed.code).toBe(3);
    expect(closed.stderr).toMatch(/PostgreSQL connection failed/);

    const table = await runBin(
      ['healthcheck', '--activity-table', 'no_such_table'],
      {
        ...env,
        WPP_ACTIVITY_DB: maria.url,
      },
      { extraSecrets: secrets() },
    );
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(/rejected the activity query/);
    expect(table.stderr).toMatch(/hint: the activity database rejected the query/);
    expect(table.stdout).toBe('');
  });

  it('refuses a password in --activity-db (exit 2) without echoing it; takes a URL without one', async () => {
    const { env } = await world();
    const flagged = await runBin(['healthcheck', '--activity-db', maria.url], env, {
      extraSecrets: secrets(),
    });
    expect(flagged.code).toBe(2);
    expect(flagged.stderr).toMatch(/--activity-db must not hold a password/);
    expect(flagged.stderr).toContain('WPP_ACTIVITY_DB');

    // No password in the flag: the server refuses the login (the app user has one), and says so.
    const bare = await runBin(
      ['healthcheck', '--activity-db', `mysql://app@127.0.0.1:${maria.port}/app`],
      env,
      {
        extraSecrets: secrets(),
      },
    );
    expect(bare.code).toBe(3);
    expect(bare.stderr).toMatch(/refused the login/);

    const scheme = await runBin(
      ['healthcheck'],
      { ...env, WPP_ACTIVITY_DB: 'redis://127.0.0.1:6379' },
      {
        extraSecrets: secrets(),
      },
    );
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/WPP_ACTIVITY_DB must be a mysql:\/\//);
    const layout = await runBin(
      ['healthcheck', '--activity-layout', 'rows'],
      { ...env, WPP_ACTIVITY_DB: maria.url },
      {
        extraSecrets: secrets(),
      },
    );
    expect(layout.code).toBe(2);
    const badTable = await runBin(
      ['healthcheck', '--activity-table', 'x;drop'],
      { ...env, WPP_ACTIVITY_DB: maria.url },
      {
        extraSecrets: secrets(),
      },
    );
    expect(badTable.code).toBe(2);
    expect(badTable.stderr).toMatch(/options.table/);
  });

  it('a database that fails after the start check is still an error exit (in-process)', async () => {
    const { env, servers } = await world();
    await maria.exec('CREATE TABLE moving LIKE webhook_raw_logs');
    await maria.exec('INSERT INTO moving SELECT * FROM webhook_raw_logs');
    let dropped: Promise<unknown> | undefined;
    // The gateway's first answer is delayed; meanwhile the table goes away (the start check has passed).
    servers.gateway.faults.latencyMs = () => {
      dropped ??= maria.exec('DROP TABLE moving');
      return 500;
    };
    const run = await runInProcess(['healthcheck', '--activity-table', 'moving'], {
      ...env,
      WPP_ACTIVITY_DB: maria.url,
    });
    await dropped;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rejected the activity query/);
    expect(run.stdout).not.toMatch(/healthy/);
    expectNoSecrets(run, secrets());
  });

  it('lists the database flags in help, and asks for the driver when it is missing', async () => {
    const help = await runBin(['healthcheck', '--help'], {});
    expect(help.stdout + help.stderr).toContain('--activity-db');
    expect(help.stdout + help.stderr).toContain('WPP_ACTIVITY_DB');
    const missing = await activityFromDatabase(
      'healthcheck',
      { dialect: 'postgres', url: 'postgres://app@127.0.0.1:1/app' },
      {},
      1_000,
      async () => {
        throw Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
      },
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as UsageError).message).toContain('npm install pg');
  });
});
