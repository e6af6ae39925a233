/**
 * Plumbing shared by the helpers that start real database servers for the tests (mariadb.ts, postgres.ts):
 * a free loopback port, a data directory copied from a once-per-machine template, a child process that dies
 * with the test worker, readiness read from the server's own log, and a stop that leaves nothing behind.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when the tests run as root (CI containers): servers that refuse root then run as `nobody`. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** The unprivileged account servers run as when the tests run as root. */
export const UNPRIVILEGED = { user: 'nobody', group: 'nogroup' } as const;

/** A port nobody listens on right now (the server may still lose a race for it: callers retry). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A random password of letters and digits, different for every server started. */
export function randomPassword(): string {
  return `pw${randomBytes(12).toString('hex')}`;
}

/** A fresh temp directory; `owner` chowns it (the unprivileged server must own its data). */
export async function tempDir(prefix: string, owner?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (owner) await run('chown', [owner, dir]);
  return dir;
}

/**
 * The path of an initialized data directory for `name`, built once per machine and binary version by `build`
 * (into a scratch directory it receives), then reused by copying: initializing takes seconds, copying a few
 * tens of milliseconds. Concurrent test files may both build it; the first rename wins, the loser's copy is
 * discarded, and nobody ever sees a half-built template.
 */
export async function template(
  name: string,
  versionKey: string,
  build: (scratch: string) => Promise<void>,
  owner?: string,
): Promise<string> {
  const hash = createHash('sha256').update(versionKey).digest('hex').slice(0, 12);
  const finalDir = join(tmpdir(), `wgsdk-${name}-template-${hash}-${RUNNING_AS_ROOT ? 'root' : 'user'}`);
  if (existsSync(join(finalDir, 'READY'))) return finalDir;
  const scratch = await tempDir(`wgsdk-${name}-build-`, owner);
  try {
    await build(scratch);
    await run('touch', [join(scratch, 'READY')]);
    await rename(scratch, finalDir).catch(async (error: NodeJS.ErrnoException) => {
      // Another worker won the race (ENOTEMPTY/EEXIST); its template is as good as ours.
      if (!existsSync(join(finalDir, 'READY'))) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return finalDir;
}

/** Copies `from` to `to` keeping owners and modes (`cp -a`). */
export async function copyTree(from: string, to: string): Promise<void> {
  await run('cp', ['-a', from, to]);
}

/** Runs a command to completion; rejects with its output on failure. */
export async function runCommand(command: string, args: readonly string[], cwd?: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} failed: ${(stderr || stdout || String(error)).slice(-2000)}`);
  }
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** What is starting, for error messages. */
  name: string;
  command: string;
  args: readonly string[];
  /** Run as {@link UNPRIVILEGED} when the tests run as root. */
  unprivileged?: boolean;
  /** Signal sent to the server when the test worker dies without stopping it. */
  parentDeathSignal: 'SIGTERM' | 'SIGQUIT' | 'SIGKILL';
  /** Signal of an orderly stop. */
  stopSignal: 'SIGTERM' | 'SIGINT';
  /** The log line that says the server accepts connections. */
  readyLine: RegExp;
  /** Log lines that say the port was taken: the caller retries on another port. */
  portTakenLine: RegExp;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Default 30 s. */
  readyTimeoutMs?: number;
}

/** A server process started by {@link startServer}. */
export interface ServerProcess {
  child: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  /** Orderly stop, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown by {@link startServer} when the port was taken between {@link freePort} and the bind. */
export class PortTakenError extends Error {}

/**
 * Spawns a server, wrapped in `setpriv` so it gets `parentDeathSignal` when this worker dies (no orphaned
 * servers even when vitest kills a worker) and, when asked, drops to an unprivileged user. Resolves when the
 * server logs `readyLine`.
 */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const wrapper = ['--pdeathsig', options.parentDeathSignal];
  if (options.unprivileged && RUNNING_AS_ROOT) {
    wrapper.push(`--reuid=${UNPRIVILEGED.user}`, `--regid=${UNPRIVILEGED.group}`, '--clear-groups');
  }
  const child = spawn('setpriv', [...wrapper, options.command, ...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} not ready after ${options.readyTimeoutMs ?? 30_000} ms`)),
      options.readyTimeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (options.readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (options.portTakenLine.test(output)) reject(new PortTakenError(options.name));
      else
        reject(new Error(`${options.name} exited (${code ?? signal}) before ready:\n${output.slice(-3000)}`));
    });
  });

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(options.stopSignal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  try {
    await ready;
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  return { child, log: () => output, stop };
}

/** Retries `attempt` on a fresh port when the previous one was taken meanwhile. */
export async function onFreePort<T>(attempt: (port: number) => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt(await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || i >= tries) throw error;
    }
  }
}
