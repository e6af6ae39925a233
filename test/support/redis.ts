/**
 * A real Redis for the tests: Debian's `redis-server`, started in a temp dir on a unix socket (no TCP port),
 * with nothing saved to disk, and stopped (and its dir removed) by `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';

export interface RedisServer {
  /** The unix socket path. */
  socket: string;
  /** The server's temp dir. */
  dir: string;
  /** The password, when one was asked for. */
  password: string | undefined;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its dir. */
  stop(): Promise<void>;
  /** Sends SIGSTOP: the server stops answering (a "slow" Redis) until `resume()`. */
  pause(): void;
  resume(): void;
}

export interface StartRedisOptions {
  password?: string;
  /** Extra `redis-server` arguments, e.g. `['--rename-command', 'ZMSCORE', '']`. */
  args?: string[];
}

/** Sends PING over the socket; resolves when a reply line arrives (any reply: NOAUTH counts). */
function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = createConnection(socket);
    const done = (ok: boolean) => {
      conn.destroy();
      resolve(ok);
    };
    conn.setTimeout(500, () => done(false));
    conn.on('error', () => done(false));
    conn.on('data', () => done(true));
    conn.on('connect', () => conn.write('PING\r\n'));
  });
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wgw-redis-'));
  const socket = join(dir, 'redis.sock');
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start: ${stderr.slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  let stopped = false;
  return {
    socket,
    dir,
    password: options.password,
    process: child,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
