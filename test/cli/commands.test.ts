/**
 * The commands in-process (`runCli` with collected output) against the fakes on loopback: the cases the
 * binary tests do not cover — dead pages, case-only misses, zombies after a restart, gateway-only mode,
 * QR rotation and expiry, dry runs, the simulator's routes, the terminal spinner, interruption.
 */
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/run.js';
import { startSimulator } from '../../src/cli/simulator.js';
import { defaultStoreDir } from '../../src/store/file.js';
import { closedPort, randomSecret, runInProcess, startSim, waitFor } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

const HOUR = 3_600_000;

/** Seeds a connected session on both fakes. */
function connected(world: Sim, id: string): void {
  world.servers.gateway.seedChannel(id, 'connected');
  world.servers.wppconnect.seed(id, { status: 'CONNECTED' });
}

/** The env without WPPConnect: gateway-only mode. */
function gatewayOnly(env: Record<string, string>): Record<string, string> {
  const { WPPCONNECT_BASE_URL: _url, WPPCONNECT_SECRET_KEY: _key, ...rest } = env;
  return rest;
}

describe('dispatch and help', () => {
  it('`help <command>` is `<command> --help`; no command, or an unknown one, is a usage error', async () => {
    for (const command of COMMANDS) {
      const [a, b] = await Promise.all([
        runInProcess(['help', command.name]),
        runInProcess([command.name, '-h']),
      ]);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).toContain(`Usage: whatsapp-gateway ${command.name}`);
    }
    const none = await runInProcess([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: whatsapp-gateway <command>');
    expect((await runInProcess(['help', 'nope'])).code).toBe(2);
    expect((await runInProcess(['--json'])).stderr).toContain('options go after the command');
    expect((await runInProcess(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('sessions', () => {
  it('prints the table, the notes behind the verdicts, and a summary', async () => {
    sim = await startSim();
    connected(sim, 'marketing');
    sim.servers.gateway.seedChannel('frontdesk', 'qr_required');
    sim.servers.wppconnect.seed('orphan', { status: 'CONNECTED' }); // only WPPConnect has it (field notes §7.2)
    const now = Date.now();
    const r = await runInProcess(['sessions'], sim.env, { now: () => now });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SESSION\s+STATUS\s+GATEWAY\s+WPPCONNECT\s+LAST MESSAGE\s+FLAGS$/);
    expect(r.stdout).toMatch(/marketing\s+connected\s+connected\s+CONNECTED\s+–\s+–$/m);
    expect(r.stdout).toMatch(/frontdesk\s+not_propagated\s+disconnected\s+CLOSED\s+–\s+–$/m);
    expect(r.stdout).toMatch(/orphan\s+connected\s+\(not listed\)\s+CONNECTED\s+–\s+inconsistent$/m);
    expect(r.stdout).toContain('orphan: WPPConnect has this session but the gateway does not list it');
    expect(r.stdout).toContain('3 sessions: 2 connected, 1 not propagated, 1 inconsistent.');
    expect(r.stdout).toContain('No activity source');
  });

  it('gateway-only mode says the statuses are the gateway’s word', async () => {
    sim = await startSim();
    connected(sim, 'marketing');
    const r = await runInProcess(['sessions'], gatewayOnly(sim.env));
    expect(r.stdout).toMatch(/marketing\s+connected\s+connected\s+–/);
    expect(r.stdout).toContain('WPPConnect was not asked (no WPPCONNECT_BASE_URL)');
  });
});

describe('doctor', () => {
  it('a dead browser page: ✗ liveness probe; --repair reconnects and every check passes (exit 0)', async () => {
    sim = await startSim();
    connected(sim, 'helpdesk');
    sim.servers.wppconnect.killPage('helpdesk');
    const before = await runInProcess(['doctor', 'helpdesk'], sim.env);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /✗ liveness probe\s+WPPConnect says CONNECTED but its browser page is dead/,
    );
    expect(before.stdout).toContain('→ run `whatsapp-gateway reconnect helpdesk` (or doctor --repair)');
    const repaired = await runInProcess(['doctor', 'helpdesk', '--repair'], sim.env);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('Checking again:');
    expect(repaired.stdout).toMatch(/Checking again:[\s\S]*✓ liveness probe\s+its browser page answers/);
    expect(repaired.stdout).toContain('All checks passed for "helpdesk".');
  });

  it('a case-only miss: "did you mean", the rest skipped', async () => {
    sim = await startSim();
    connected(sim, 'FrontDesk');
    const r = await runInProcess(['doctor', 'frontdesk', '--json'], sim.env);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.checks[2]).toMatchObject({
      name: 'channel known to the gateway',
      state: 'fail',
      remedy: 'use the exact id: whatsapp-gateway doctor FrontDesk',
    });
    expect(json.checks.slice(3).every((c: { state: string }) => c.state === 'skip')).toBe(true);
  });

  it('a zombie: ✗ last message; --repair restarts it, and silence then counts from the restart (exit 0)', async () => {
    sim = await startSim();
    connected(sim, 'helpdesk');
    const file = await import('node:fs').then(({ mkdtempSync, writeFileSync }) => {
      const path = `${mkdtempSync('/tmp/wgw-')}/a.json`;
      writeFileSync(path, JSON.stringify({ helpdesk: new Date(Date.now() - 9 * HOUR).toISOString() }));
      return path;
    });
    const r = await runInProcess(['doctor', 'helpdesk', '--repair', '--activity-file', file], sim.env);
    expect(r.stdout).toMatch(/✗ last message\s+connected, but no message for 9\.0 h \(threshold 4\.0 h\)/);
    expect(r.stdout).toContain('→ run `whatsapp-gateway reconnect helpdesk --force` (or doctor --repair)');
    expect(r.stdout).toContain('rung 3: close-session + start-session');
    expect(r.stdout).toMatch(
      /Checking again:[\s\S]*✓ last message\s+last message 9 h ago, but restarted just now/,
    );
    expect(r.code).toBe(0);
    expect(sim.servers.wppconnect.session('helpdesk')?.startCount).toBeGreaterThan(0);
  });

  it('gateway-only mode on the FrontDesk fault: WPPConnect checks skipped, the missing QR is the ✗', async () => {
    sim = await startSim();
    sim.servers.gateway.faults.dropPropagation = true;
    sim.servers.gateway.faults.staleStatus = true; // the gateway keeps saying qr_required
    sim.servers.gateway.seedChannel('frontdesk', 'qr_required');
    const r = await runInProcess(['doctor', 'frontdesk'], gatewayOnly(sim.env));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  WPPConnect  not given (WPPCONNECT_BASE_URL)');
    expect(r.stdout).toMatch(/– WPPConnect reachable\s+skipped: no WPPConnect URL/);
    expect(r.stdout).toMatch(/✗ QR code obtainable\s+/);
    expect(r.stdout).toContain('run `whatsapp-gateway create frontdesk` (or doctor --repair)');
  });

  it('WPPConnect unreachable or its key rejected: ✗ WPPConnect reachable, the later checks skipped', async () => {
    sim = await startSim();
    connected(sim, 'marketing');
    const port = await closedPort();
    const [down, key] = await Promise.all([
      runInProcess(['doctor', 'marketing', '--json'], {
        ...sim.env,
        WPPCONNECT_BASE_URL: `http://127.0.0.1:${port}`,
      }),
      runInProcess(['doctor', 'marketing'], {
        ...sim.env,
        WPPCONNECT_SECRET_KEY: randomSecret('wrong'),
      }),
    ]);
    expect(down.code).toBe(1);
    const checks = JSON.parse(down.stdout).checks as { name: string; state: string }[];
    expect(checks.map((c) => c.state)).toEqual([
      'ok',
      'ok',
      'ok',
      'fail',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
    expect(key.stdout).toMatch(/✗ WPPConnect reachable\s+WPPConnect rejected the secret key/);
    expect(key.stdout).toContain('set WPPCONNECT_SECRET_KEY');
  });

  it('a closed session on WPPConnect: ✗ with the reconnect remedy', async () => {
    sim = await startSim();
    sim.servers.gateway.faults.staleStatus = true; // the gateway goes on claiming "connected"
    sim.servers.gateway.seedChannel('orders', 'connected');
    sim.servers.wppconnect.seed('orders', { status: 'CLOSED' });
    const r = await runInProcess(['doctor', 'orders'], sim.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ session on WPPConnect\s+WPPConnect has it, closed/);
    expect(r.stdout).toMatch(
      /✗ gateway and WPPConnect agree\s+the gateway claims "connected" but the evidence says disconnected/,
    );
    expect(r.stdout).toContain('follows from the problem above');
  });
});

describe('create and reconnect', () => {
  it('redraws the QR when it rotates, and exits 1 when nobody scans within the bound', async () => {
    sim = await startSim({ wppconnect: { qrRotateMs: 300 } });
    const r = await runInProcess(
      ['create', 'orders', '--wait-seconds', '1.5', '--poll-seconds', '0.1'],
      sim.env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('The QR code rotated; scan this one instead:');
    expect(r.stderr).toContain('Not scanned within 2 s');
  });

  it('on a terminal, a rotated QR replaces the previous one in place (cursor up, clear)', async () => {
    sim = await startSim({ wppconnect: { qrRotateMs: 300 } });
    let out = '';
    const r = await runInProcess(
      ['create', 'orders', '--wait-seconds', '1.5', '--poll-seconds', '0.1'],
      { ...sim.env, NO_COLOR: '1' },
      { stdout: { write: (t: string) => (out += t), isTTY: true } },
    );
    expect(r.code).toBe(1);
    const redraws = [...out.matchAll(/\x1b\[(\d+)F\x1b\[J/g)];
    expect(redraws.length).toBeGreaterThanOrEqual(2);
    // Each redraw moves up over exactly the QR block drawn before it: heading and QR rows.
    const spinnerFree = (text: string) => text.replace(/\r\x1b\[2K[^\n\r]*/g, '');
    const first = out.indexOf('Scan this QR code');
    const firstBlock = spinnerFree(out.slice(first, redraws[0]!.index));
    expect(firstBlock.split('\n').length - 1).toBe(Number(redraws[0]![1]));
    const secondBlock = spinnerFree(out.slice(redraws[0]!.index! + redraws[0]![0].length, redraws[1]!.index));
    expect(secondBlock.startsWith('The QR code rotated')).toBe(true);
    expect(secondBlock.split('\n').length - 1).toBe(Number(redraws[1]![1]));
  });

  it('off a terminal, each rotated QR is printed after the last, with no cursor movement', async () => {
    sim = await startSim({ wppconnect: { qrRotateMs: 300 } });
    const r = await runInProcess(
      ['create', 'orders', '--wait-seconds', '1', '--poll-seconds', '0.1'],
      sim.env,
    );
    expect(r.stdout).toContain('The QR code rotated');
    expect(r.stdout).not.toMatch(/\x1b\[\d+F/);
  });

  it('exits 1 when the session leaves the QR state (WPPConnect closed it unscanned)', async () => {
    sim = await startSim({ wppconnect: { autoCloseMs: 1_200 } });
    const r = await runInProcess(['create', 'orders', '--poll-seconds', '0.1', '--json'], sim.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The session left the QR state');
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'qr_lost', final: { status: 'disconnected' } });
  });

  it('gateway-only mode: the gateway starts the session; its QR has no text, so --qr-out is offered', async () => {
    sim = await startSim();
    const r = await runInProcess(['create', 'orders', '--no-wait'], gatewayOnly(sim.env));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Not verified on WPPConnect');
    expect(r.stdout).toContain('pass --qr-out qr.png');
    expect(r.stderr).not.toContain('--webhook-url');
  });

  it('on a terminal: a spinner, colours, and a coloured QR; with NO_COLOR no colours', async () => {
    sim = await startSim();
    const tty = await runInProcess(['create', 'a', '--no-wait'], sim.env, {
      stdout: { write: () => 0, isTTY: true },
    });
    expect(tty.code).toBe(0);
    let out = '';
    const coloured = await runInProcess(['create', 'b', '--no-wait'], sim.env, {
      stdout: { write: (t: string) => (out += t), isTTY: true },
    });
    expect(coloured.code).toBe(0);
    expect(out).toContain('\r\x1b[2K');
    expect(out).toMatch(/\x1b\[3[07];4[07]m▀/);
    let plain = '';
    await runInProcess(
      ['create', 'c', '--no-wait'],
      { ...sim.env, NO_COLOR: '1' },
      {
        stdout: { write: (t: string) => (plain += t), isTTY: true },
      },
    );
    expect(plain).not.toMatch(/\x1b\[\d+m/);
  });

  it('warns when WPPConnect may start a session without a webhook', async () => {
    sim = await startSim();
    const { WPP_WEBHOOK_URL: _hook, ...env } = sim.env;
    const r = await runInProcess(['create', 'orders', '--no-wait'], env);
    expect(r.stderr).toContain('note: no --webhook-url');
    expect(sim.servers.wppconnect.session('orders')?.webhook).toBeNull();
    await runInProcess(
      ['reconnect', 'orders', '--no-wait', '--webhook-url', 'https://hub.example/wpp/{id}'],
      env,
    );
  });

  it('Ctrl+C while waiting for the scan: exit 130', async () => {
    sim = await startSim();
    const controller = new AbortController();
    const running = runInProcess(['create', 'orders', '--poll-seconds', '0.1'], sim.env, {
      signal: controller.signal,
    });
    await waitFor(() => sim?.servers.wppconnect.session('orders')?.status === 'QRCODE');
    setTimeout(() => controller.abort(), 700);
    const r = await running;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
  });
});

describe('healthcheck', () => {
  it('--dry-run says what it would repair; --repair brings a dead page back (exit 0)', async () => {
    sim = await startSim();
    connected(sim, 'helpdesk');
    sim.servers.wppconnect.killPage('helpdesk');
    const dry = await runInProcess(['healthcheck', '--dry-run'], sim.env);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(
      /FAIL\s+helpdesk\s+disconnected\s+disconnected: WPPConnect says CONNECTED but its browser page is dead \(liveness probe failed\) → would run reconnect \(dry run\)/,
    );
    const fixed = await runInProcess(['healthcheck', '--repair'], sim.env);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/fixed\s+helpdesk\s+disconnected\s+.*→ repaired: now connected/);
    expect(fixed.stdout).toContain('OK: 1 session');
    const both = await runInProcess(['healthcheck', '--silent-hours', '1', '--zombie-hours', '1'], sim.env);
    expect(both.code).toBe(2);
  });
});

describe('the simulator', () => {
  it('serves activity, scan and the webhook sink; closes everything on abort', async () => {
    const simulator = await startSimulator({ scenario: 'lost-propagation' });
    try {
      const activity = await (await fetch(simulator.activityUrl)).json();
      expect(Object.keys(activity).sort()).toEqual(['frontdesk', 'helpdesk', 'marketing', 'orders']);
      expect(activity.orders).toBeNull();
      const hook = await fetch(simulator.webhookUrl.replace('{id}', 'orders'), {
        method: 'POST',
        body: JSON.stringify({
          event: 'onmessage',
          session: 'orders',
          body: 'hi',
          type: 'chat',
          from: '5511@c.us',
        }),
      });
      expect(await hook.json()).toEqual({ recorded: true });
      expect(simulator.activity.get('orders')).toBeInstanceOf(Date);
      expect((await fetch(`${simulator.scanUrl}/orders`, { method: 'POST' })).status).toBe(409);
      expect((await fetch(`${simulator.scanUrl}/nobody`, { method: 'POST' })).status).toBe(404);
      expect(simulator.servers.gateway.faults.dropPropagation).toBeInstanceOf(Function);
    } finally {
      await simulator.close();
    }
    await expect(fetch(simulator.activityUrl)).rejects.toThrow();
  });

  it('`simulate` in-process: prints the env to export, runs until aborted, exits 0', async () => {
    const controller = new AbortController();
    let out = '';
    const running = runInProcess(
      ['simulate', '--scenario', 'healthy'],
      {},
      {
        stdout: { write: (t: string) => (out += t) },
        signal: controller.signal,
      },
    );
    await waitFor(() => out.includes('Ctrl+C stops'));
    expect(out).toContain('throwaway secrets of this simulator run, printed on purpose');
    const env = Object.fromEntries(
      [...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(Object.keys(env)).toEqual([
      'WPP_GATEWAY_BASE_URL',
      'WPP_GATEWAY_SECRET',
      'WPPCONNECT_BASE_URL',
      'WPPCONNECT_SECRET_KEY',
      'WPP_WEBHOOK_URL',
      'WPP_ACTIVITY_URL',
      'WPP_STORE',
    ]);
    // The run's own throwaway store, never the user's default one; gone when the simulator stops.
    const storeDir = env['WPP_STORE']!;
    expect(storeDir.startsWith(tmpdir())).toBe(true);
    expect(storeDir).not.toBe(defaultStoreDir());
    expect(statSync(storeDir).mode & 0o777).toBe(0o700);
    expect(out).toContain(`store         ${storeDir} (throwaway: removed when the simulator stops)`);
    const health = await runInProcess(['healthcheck'], env);
    expect(health.code).toBe(0);
    controller.abort();
    expect((await running).code).toBe(0);
    expect(out).toContain('Simulator stopped.');
    expect(existsSync(storeDir)).toBe(false);
    expect((await runInProcess(['simulate', '--scenario', 'nope'])).code).toBe(2);
  });
});

it('secrets from files are used and never printed', async () => {
  sim = await startSim();
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/wgw-secret-');
  writeFileSync(`${dir}/gw`, `${sim.secret}\n`);
  writeFileSync(`${dir}/wpp`, sim.secretKey);
  connected(sim, 'marketing');
  const { WPP_GATEWAY_SECRET: _s, WPPCONNECT_SECRET_KEY: _k, ...env } = sim.env;
  let out = '';
  const r = await runInProcess(
    ['doctor', 'marketing', '--gateway-secret-file', `${dir}/gw`, '--wppconnect-secret-file', `${dir}/wpp`],
    env,
    { stdout: { write: (t: string) => (out += t) } },
  );
  expect(r.code).toBe(0);
  expect(out).not.toContain(sim.secret);
  expect(out).not.toContain(sim.secretKey);
  expect(randomSecret('x')).not.toBe(randomSecret('x'));
});
