/**
 * The throwaway servers of test/support: reachable on their unix socket and on loopback TCP with the password
 * only, and gone after stop(): no process, no directory.
 */
import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { expect, it } from 'vitest';
import { startMariaDb } from '../support/mariadb.js';
import { startPostgres } from '../support/postgres.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('MariaDB and PostgreSQL start, answer on socket and TCP, refuse a wrong password, and leave nothing', async () => {
  const [maria, postgres] = await Promise.all([startMariaDb(), startPostgres()]);
  try {
    const socket = await createConnection({
      socketPath: maria.socketPath,
      user: maria.user,
      password: maria.password,
    });
    expect((await socket.query('SELECT 1 AS one'))[0]).toEqual([{ one: 1 }]);
    await socket.end();
    await expect(
      createConnection({ host: '127.0.0.1', port: maria.port, user: maria.user, password: 'wrong' }),
    ).rejects.toThrow(/Access denied/);

    const client = new pg.Client({
      host: postgres.socketDir,
      port: postgres.port,
      user: postgres.user,
      database: 'app',
    });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    const wrong = new pg.Client({ connectionString: postgres.url.replace(postgres.password, 'wrong') });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  } finally {
    await Promise.all([maria.stop(), postgres.stop()]);
  }
  for (const server of [maria, postgres]) {
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  }
}, 60_000);
