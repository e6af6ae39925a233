/**
 * examples/mysql-activity-source.ts against a real MariaDB started here: the table it creates, the answers it
 * prints (as a user runs it, a child process with MYSQL_URL), and a SessionManager spotting a zombie with it.
 * Also shows why the per-session `LIKE '%<id>%'` scan it replaces was wrong.
 */
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTable, main, mysqlActivity } from '../../examples/mysql-activity-source.js';
import { SessionManager, WhatsAppGatewayClient, WppConnectClient } from '../../src/index.js';
import { type MariaDb, startMariaDb } from '../support/mariadb.js';
import { type Simulator, seedConnected, startSimulator } from './helpers.js';

let db: MariaDb;
beforeAll(async () => {
  db = await startMariaDb({ systemTimeZone: 'America/Sao_Paulo' });
}, 60_000);
afterAll(() => db?.stop(), 30_000);

/** `YYYY-MM-DD HH:MM:SS` of an instant in the server's zone, made by the server itself. */
async function insert(session: string | null, event: string, at: Date, payload: object): Promise<void> {
  await db.exec(
    `INSERT INTO webhook_raw_logs (session_id, event_type, payload_json, created_at)
     VALUES (?, ?, ?, FROM_UNIXTIME(?))`,
    [session, event, JSON.stringify(payload), Math.floor(at.getTime() / 1000)],
  );
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/mysql-activity-source.ts', ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('examples/mysql-activity-source.ts on MariaDB', () => {
  beforeAll(async () => {
    const pool = db.pool();
    await createTable(pool);
    await createTable(pool); // idempotent
    const message = (session: string, text: string) => ({
      spec_version: '1.0',
      event: 'message',
      session: { id: session, name: session },
      message: { text },
    });
    // sales talks about support-team: the old LIKE query counted this row as support-team's activity.
    await insert('sales', 'message', new Date('2026-02-09T10:00:00Z'), message('sales', 'call support-team'));
    await insert('sales', 'message.ack', new Date('2026-02-09T12:00:00Z'), { event: 'message.ack' });
    await insert('sales', 'connection.update', new Date('2026-02-09T12:30:00Z'), {
      event: 'connection.update',
    });
    // Support-Team (capitals) is another session than support-team.
    await insert('Support-Team', 'onmessage', new Date('2026-02-08T09:00:00Z'), { session: 'Support-Team' });
    await insert('Support-Team', 'onselfmessage', new Date('2026-02-08T11:00:00Z'), {
      session: 'Support-Team',
    });
    // Only presence and acks: alive by an "any webhook" rule, silent by the message rule.
    await insert('billing', 'onpresencechanged', new Date('2026-02-09T13:00:00Z'), {
      event: 'onpresencechanged',
    });
    await insert('billing', 'onack', new Date('2026-02-09T13:05:00Z'), { event: 'onack' });
    // A row stored before its session was known.
    await insert(
      null,
      'message',
      new Date('2026-02-10T00:00:00Z'),
      message('support-team', 'no session column'),
    );
  });

  it('prints the last message of each id, as a user runs it, without the password', async () => {
    const { code, stdout, stderr } = await run(
      ['sales', 'support-team', 'Support-Team', 'billing', 'never-seen'],
      {
        MYSQL_URL: db.url,
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      'sales\t2026-02-09T10:00:00.000Z', // the ack at 12:00 and the presence at 12:30 do not count
      'support-team\tno messages', // only mentioned in sales' text and in a row without session
      'Support-Team\t2026-02-08T11:00:00.000Z', // onselfmessage counts (the session's own messages)
      'billing\tno messages', // presence and acks only
      'never-seen\tno messages',
    ]);
  });

  it('exits 3 on a refused login and 2 without MYSQL_URL, never printing the password', async () => {
    const wrong = db.url.replace(db.password, `${db.password}x`);
    const refused = await run(['sales'], { MYSQL_URL: wrong });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/SqlConnectionError: MySQL refused the login/);
    expect(refused.stdout + refused.stderr).not.toContain(db.password);
    const lines: string[] = [];
    expect(
      await main(
        undefined,
        ['sales'],
        () => {},
        (line) => lines.push(line),
      ),
    ).toBe(2);
    expect(lines[0]).toContain('usage: MYSQL_URL=mysql://');
  });

  it('is the fix for the old LIKE scan, which saw support-team alive in other rows', async () => {
    // The seed's query, on the seed's kind of column (utf8mb4_unicode_ci, case-insensitive).
    await db.exec(
      'ALTER TABLE webhook_raw_logs MODIFY payload_json LONGTEXT COLLATE utf8mb4_unicode_ci NOT NULL',
    );
    const old = (await db.exec(
      `SELECT UNIX_TIMESTAMP(created_at) AS at FROM webhook_raw_logs
       WHERE event_type IN ('message','onmessage','onselfmessage','message.sent','message.received')
         AND payload_json LIKE '%support-team%' ORDER BY created_at DESC LIMIT 1`,
    )) as { at: string }[];
    expect(new Date(Number(old[0]?.at) * 1000).toISOString()).toBe('2026-02-10T00:00:00.000Z');
    const now = (await mysqlActivity(db.pool()).lastActivity(['support-team'])).get('support-team');
    expect(now).toBeNull();
  });
});

describe('the example behind a SessionManager', () => {
  let world: Simulator | undefined;
  afterEach(async () => {
    await world?.sim.close();
    world = undefined;
  });

  it('turns a connected session silent for 5 h into a zombie with one query, and leaves a recent one alone', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'quiet');
    seedConnected(world.sim, 'busy');
    await insert('quiet', 'message', new Date(Date.now() - 5 * 3_600_000), { event: 'message' });
    await insert('busy', 'message', new Date(Date.now() - 60_000), { event: 'message' });
    // `busy` also appears in an ack of quiet's; it does not matter any more.
    await insert('quiet', 'message.ack', new Date(), { event: 'message.ack', text: 'busy' });

    const pool = db.pool();
    let statements = 0;
    const counted = new Proxy(pool, {
      get(target, key, receiver) {
        if (key === 'execute') {
          return (...args: Parameters<typeof pool.execute>) => {
            statements += 1;
            return target.execute(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const manager = new SessionManager({
      gateway: new WhatsAppGatewayClient({ baseUrl: world.sim.gatewayUrl, secret: world.sim.secret }),
      wppconnect: new WppConnectClient({ baseUrl: world.sim.wppconnectUrl, secretKey: world.sim.secretKey }),
      activity: mysqlActivity(counted),
    });
    const sessions = await manager.listSessions();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get('quiet')).toMatchObject({ status: 'connected', isZombie: true });
    expect(byId.get('busy')).toMatchObject({ status: 'connected', isZombie: false });
    expect(statements).toBe(1); // one batched lookup per listing, never one per session
  });
});
