#!/usr/bin/env node
// Regenerates (or checks) the example output blocks of the README's command-line section from real runs of
// the built binary against `whatsapp-gateway simulate`, so the README shows what the command really prints.
//
//   node scripts/readme-cli.mjs           rewrite the blocks between <!-- cli-example:NAME --> and <!-- /cli-example -->
//   node scripts/readme-cli.mjs --check   exit 1 when a block drifted from real output (ports, secrets and
//                                         durations are ignored)
//
// Needs `npm run build` first (it runs dist/cli/main.js). Nothing leaves 127.0.0.1.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist/cli/main.js');
const readmePath = join(root, 'README.md');

/** Runs the binary; resolves with its exit code and outputs. `onStdout` sees stdout as it arrives. */
function run(args, env, onStdout) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, child }));
  });
}

/** A loopback port nothing listens on. */
function closedPort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `simulate`; resolves once it printed its first line (JSON with `--json`, else the banner). */
function startSimulate(args) {
  let ready;
  const started = new Promise((resolve) => {
    ready = resolve;
  });
  const done = run(['simulate', ...args], {}, (stdout, child) => {
    if (args.includes('--json') ? stdout.includes('\n') : stdout.includes('Ctrl+C stops'))
      ready({ stdout, child });
  });
  return Promise.race([
    started,
    done.then((r) => Promise.reject(new Error(`simulate ended: ${r.stderr}`))),
  ]).then(({ stdout, child }) => ({
    stdout,
    stop: () => {
      child.kill('SIGTERM');
      return done;
    },
  }));
}

/** One block: the command line, its stdout, its stderr, and its exit code, as a shell would show them. */
function block(command, result) {
  const lines = [`$ ${command}`, result.stdout.trimEnd()];
  if (result.stderr.trim()) lines.push(result.stderr.trimEnd());
  lines.push('$ echo $?', String(result.code));
  return lines.filter((line) => line !== '').join('\n');
}

/** Runs `create <id>` and plays the phone: scans the QR over the simulator's route once it is on screen. */
function createAndScan(id, env) {
  let scanned = false;
  return run(['create', id], env, (stdout) => {
    if (scanned || !stdout.includes('waiting for the phone')) return;
    scanned = true;
    const scanUrl = env.WPP_ACTIVITY_URL.replace('/activity', `/scan/${id}`);
    fetch(scanUrl, { method: 'POST' }).then((r) => r.body?.cancel());
  });
}

/** Generates every example block, by name. Independent runs go in parallel, to keep the check short. */
export async function generate() {
  const sim = await startSimulate(['--json']);
  // The simulator's env carries its throwaway store (WPP_STORE), shared by the runs as a user's runs share the
  // default one, and removed when the simulator stops: never the real one here.
  const env = JSON.parse(sim.stdout.split('\n')[0]).env;
  const port = await closedPort();
  const unreachable = `WPP_GATEWAY_BASE_URL=http://127.0.0.1:${port}`;
  try {
    const [sessions, doctor, failed, banner] = await Promise.all([
      run(['sessions'], env),
      run(['doctor', 'frontdesk'], env),
      run(['sessions'], { ...env, WPP_GATEWAY_BASE_URL: `http://127.0.0.1:${port}` }),
      startSimulate([]).then(async (other) => {
        await other.stop();
        return other.stdout;
      }),
    ]);
    // Then the two sessions that change, each on its own session, and the healthcheck that sees the result.
    const [created, reconnected] = await Promise.all([
      createAndScan('frontdesk', env),
      run(['reconnect', 'helpdesk', '--force'], env),
    ]);
    const health = await run(['healthcheck'], env);
    return {
      sessions: block('whatsapp-gateway sessions', sessions),
      doctor: block('whatsapp-gateway doctor frontdesk', doctor),
      create: block('whatsapp-gateway create frontdesk', created),
      reconnect: block('whatsapp-gateway reconnect helpdesk --force', reconnected),
      healthcheck: block('whatsapp-gateway healthcheck', health),
      unreachable: block(`${unreachable} whatsapp-gateway sessions`, failed),
      simulate: `$ whatsapp-gateway simulate\n${banner.trimEnd()}`,
    };
  } finally {
    await sim.stop();
  }
}

/** What may differ between two runs: ports, the simulator's random secrets, durations, poll timing. */
export function normalize(text) {
  return text
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/[\w./-]*whatsapp-gateway-simulator-\w+/g, 'STORE_DIR')
    .replace(/sim-(gateway|wppconnect)-[0-9a-f]+/g, 'sim-$1-SECRET')
    .replace(/\(\d+(\.\d+)? (ms|s)\)/g, '(DURATION)')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
    .split('\n')
    .filter((line) => !/^\s+wppconnect\.getStatus\s+INITIALIZING$/.test(line))
    .join('\n');
}

const EXAMPLE = /<!-- cli-example:([\w-]+) -->\n```console\n([\s\S]*?)\n```\n<!-- \/cli-example -->/g;

async function main() {
  const check = process.argv.includes('--check');
  const readme = await readFile(readmePath, 'utf8');
  const blocks = await generate();
  const found = new Set();
  const drifted = [];
  const updated = readme.replace(EXAMPLE, (whole, name, current) => {
    found.add(name);
    const fresh = blocks[name];
    if (fresh === undefined) {
      drifted.push(`${name}: no such example in scripts/readme-cli.mjs`);
      return whole;
    }
    if (normalize(current) !== normalize(fresh)) drifted.push(name);
    return `<!-- cli-example:${name} -->\n\`\`\`console\n${fresh}\n\`\`\`\n<!-- /cli-example -->`;
  });
  for (const name of Object.keys(blocks))
    if (!found.has(name)) drifted.push(`${name}: missing from README.md`);
  if (check) {
    if (drifted.length > 0) {
      console.error(`README command-line examples drifted from real output: ${drifted.join(', ')}`);
      console.error('Run `npm run build && node scripts/readme-cli.mjs` to regenerate them.');
      for (const name of drifted) {
        if (!blocks[name]) continue;
        console.error(
          `\n--- ${name}, as the command prints it now (normalized):\n${normalize(blocks[name])}`,
        );
      }
      process.exit(1);
    }
    console.log(`README command-line examples match real output (${found.size} blocks).`);
    return;
  }
  await writeFile(readmePath, updated);
  console.log(`README command-line examples regenerated (${found.size} blocks).`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
