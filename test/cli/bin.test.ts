/**
 * The built binary (`node dist/cli/main.js …`) as a child process against the fakes started in this process:
 * exit codes, JSON output, help texts, the doctor's checklist on the production faults, and that no secret
 * ever comes back in any output (every run is checked by `runBin`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/run.js';
import {
  BIN,
  closedPort,
  ensureBuilt,
  expectNoSecrets,
  ROOT,
  randomSecret,
  runBin,
  startSim,
  waitFor,
} from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;

beforeAll(() => ensureBuilt(), 180_000);
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

/** The FrontDesk world: the gateway has the channel, WPPConnect never got it; plus a zombie and a live one. */
async function frontdeskWorld(): Promise<Sim> {
  const world = await startSim();
  const { gateway, wppconnect } = world.servers;
  gateway.faults.dropPropagation = (id) => id === 'frontdesk';
  gateway.seedChannel('frontdesk', 'qr_required');
  for (const id of ['marketing', 'helpdesk']) {
    gateway.seedChannel(id, 'connected');
    wppconnect.seed(id, { status: 'CONNECTED' });
  }
  return world;
}

function activityFile(entries: Record<string, string | null>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgw-cli-'));
  const path = join(dir, 'activity.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

describe('whatsapp-gateway (the built binary)', () => {
  it('prints help for the program and for every command, exit 0', async () => {
    // `help <command>` prints the same text; it is checked in-process (commands.test.ts) to spare spawns.
    const runs = await Promise.all([runBin(['--help']), ...COMMANDS.map((c) => runBin([c.name, '--help']))]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0));
    expect(runs[0]!.stdout).toContain('Usage: whatsapp-gateway <command>');
    for (const c of COMMANDS) expect(runs[0]!.stdout).toContain(`  ${c.name}`);
    COMMANDS.forEach((c, i) => {
      const help = runs[i + 1]!.stdout;
      expect(help).toContain(`Usage: whatsapp-gateway ${c.name}`);
      expect(help).toContain('Exit codes:');
    });
    expect(runs.find((r) => r.stdout.includes('Usage: whatsapp-gateway sessions'))!.stdout).toContain(
      '--json',
    );
  });

  it('imports only Node built-ins, the package dependencies and the library’s own chunks (no msw, no copy)', () => {
    const importsOf = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]!);
    // Follow the relative imports: the command is built with the library and shares its chunks.
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const name of importsOf(file)) {
        if (name.startsWith('.')) visit(join(dirname(file), name));
        else if (!builtinModules.includes(name.replace(/^node:/, ''))) external.add(name);
      }
    };
    visit(BIN);
    expect([...external].sort()).toEqual(['ky', 'zod']);
    const chunks = importsOf(BIN).filter((name) => name.startsWith('../chunk-'));
    expect(chunks.length).toBeGreaterThan(0);
    // The library's entry imports the same chunk: one copy of the SDK in the package, not two.
    const library = importsOf(join(ROOT, 'dist/index.js')).map((name) => name.replace('./', '../'));
    expect(chunks.some((chunk) => library.includes(chunk))).toBe(true);
  });

  it('exits 2 on usage and configuration errors, naming the problem', async () => {
    const world = await startSim();
    sim = world;
    const [unknown, missingId, noConfig, noSecret, secretFlag, badOption, noKey] = await Promise.all([
      runBin(['sesions']),
      runBin(['doctor'], world.env),
      runBin(['sessions']),
      runBin(['sessions'], { WPP_GATEWAY_BASE_URL: world.env['WPP_GATEWAY_BASE_URL']! }),
      runBin(['sessions', `--gateway-secret=${world.secret}`], {
        WPP_GATEWAY_BASE_URL: world.servers.gatewayUrl,
      }),
      runBin(['sessions', '--frobnicate'], world.env),
      runBin(['sessions'], { ...world.env, WPPCONNECT_SECRET_KEY: '' }),
    ]);
    for (const r of [unknown, missingId, noConfig, noSecret, secretFlag, badOption, noKey])
      expect(r.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "sesions"');
    expect(missingId.stderr).toContain('missing <id>');
    expect(noConfig.stderr).toContain('WPP_GATEWAY_BASE_URL');
    expect(noSecret.stderr).toContain('WPP_GATEWAY_SECRET');
    expect(secretFlag.stderr).toContain('--gateway-secret is not accepted');
    // The secret typed on the command line is not echoed (runBin cannot know it: check it here).
    expectNoSecrets(secretFlag, [world.secret]);
    expect(badOption.stderr).toContain('unknown option --frobnicate');
    expect(noKey.stderr).toContain('WPPCONNECT_SECRET_KEY');
    expect(noConfig.stdout).toBe('');
  });

  it('exits 3 when the gateway is unreachable (a closed loopback port)', async () => {
    const port = await closedPort();
    const env = { WPP_GATEWAY_BASE_URL: `http://127.0.0.1:${port}`, WPP_GATEWAY_SECRET: randomSecret('gw') };
    const [sessions, doctor, health] = await Promise.all([
      runBin(['sessions'], env),
      runBin(['doctor', 'frontdesk', '--json'], env),
      runBin(['healthcheck'], env),
    ]);
    expect([sessions.code, doctor.code, health.code]).toEqual([3, 3, 3]);
    expect(sessions.stderr).toContain('could not connect to the gateway');
    const report = JSON.parse(doctor.stdout);
    expect(report.unreachable).toBe(true);
    expect(report.checks[0]).toMatchObject({ name: 'gateway reachable', state: 'fail' });
    expect(report.checks.slice(1).every((c: { state: string }) => c.state === 'skip')).toBe(true);
  });

  it('sessions --json: true statuses, zombie and not-propagated verdicts, activity from a file', async () => {
    sim = await frontdeskWorld();
    const file = activityFile({
      marketing: new Date(Date.now() - 5 * 60_000).toISOString(),
      helpdesk: new Date(Date.now() - 9 * 3_600_000).toISOString(),
    });
    const r = await runBin(['sessions', '--json', '--activity-file', file], sim.env);
    expect(r.code).toBe(0);
    const byId = Object.fromEntries(
      (JSON.parse(r.stdout) as { id: string }[]).map((s) => [s.id, s as Record<string, unknown>]),
    );
    expect(byId['frontdesk']).toMatchObject({ status: 'not_propagated', wppconnectStatus: 'CLOSED' });
    expect(byId['marketing']).toMatchObject({ status: 'connected', isZombie: false, alive: true });
    expect(byId['helpdesk']).toMatchObject({ status: 'connected', isZombie: true });
    expect(byId['helpdesk']!['lastActivityAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('doctor on the FrontDesk fault: ✗ not on WPPConnect with its remedy, exit 1; --repair fixes it, exit 0', async () => {
    sim = await frontdeskWorld();
    const r = await runBin(['doctor', 'frontdesk'], sim.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ gateway reachable');
    expect(r.stdout).toMatch(/✗ session on WPPConnect\s+not on WPPConnect/);
    expect(r.stdout).toContain(
      '→ run `whatsapp-gateway create frontdesk` (or doctor --repair): the gateway never propagated the session to WPPConnect',
    );
    expect(r.stdout).toMatch(/– liveness probe\s+skipped/);

    const repaired = await runBin(['doctor', 'frontdesk', '--repair', '--json'], sim.env);
    expect(repaired.code).toBe(0);
    const json = JSON.parse(repaired.stdout);
    expect(json.repair).toBe('ensure');
    expect(json.repaired.report.status).toBe('qr_required');
    expect(json.after.ok).toBe(true);
    expect(json.after.checks.find((c: { name: string }) => c.name === 'QR code obtainable').state).toBe('ok');
    expect(sim.servers.wppconnect.session('frontdesk')?.status).toBe('QRCODE');
  });

  it('doctor behind nginx Basic auth: the proxy 401 is told apart from a bad secret (exit 3); a bad secret is exit 2', async () => {
    sim = await frontdeskWorld();
    sim.servers.gateway.faults.proxyBasicAuth = true;
    const proxy = await runBin(['doctor', 'frontdesk'], sim.env);
    expect(proxy.code).toBe(3);
    expect(proxy.stdout).toMatch(/✓ gateway reachable\s+a proxy in front of it answered/);
    expect(proxy.stdout).toMatch(/✗ gateway secret accepted\s+HTTP 401 from a proxy \(nginx Basic auth\)/);
    expect(proxy.stdout).toContain('changing WPP_GATEWAY_SECRET will not help');

    sim.servers.gateway.faults.proxyBasicAuth = false;
    const wrong = randomSecret('wrong');
    const bad = await runBin(['doctor', 'frontdesk'], { ...sim.env, WPP_GATEWAY_SECRET: wrong });
    expect(bad.code).toBe(2); // a configuration error, as in every other command
    expect(bad.stdout).toMatch(/✗ gateway secret accepted\s+the gateway rejected the secret/);
    expectNoSecrets(bad, [wrong, sim.secret]);
    const sessions = await runBin(['sessions'], { ...sim.env, WPP_GATEWAY_SECRET: wrong });
    expect(sessions.code).toBe(2);
  });

  it('healthcheck exits 1 with a zombie and prints the HealthReport with --json', async () => {
    sim = await startSim();
    sim.servers.gateway.seedChannel('helpdesk', 'connected');
    sim.servers.wppconnect.seed('helpdesk', { status: 'CONNECTED' });
    const file = activityFile({ helpdesk: new Date(Date.now() - 9 * 3_600_000).toISOString() });
    const [text, json, lenient] = await Promise.all([
      runBin(['healthcheck', '--activity-file', file], sim.env),
      runBin(['healthcheck', '--json', '--activity-file', file], sim.env),
      runBin(['healthcheck', '--silent-hours', '10', '--activity-file', file], sim.env),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL\s+helpdesk\s+zombie\s+connected, but no message for 9\.0 h/);
    expect(text.stdout).toContain('NOT OK: 1 session, 0 healthy, 1 zombie');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.counts).toMatchObject({ zombie: 1, total: 1 });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('OK: 1 session, 1 healthy');
  });

  it('create: repairs the lost propagation, draws the QR, writes the PNG, and waits for the scan (exit 0)', async () => {
    sim = await frontdeskWorld();
    const dir = mkdtempSync(join(tmpdir(), 'wgw-qr-'));
    const png = join(dir, 'qr.png');
    const running = runBin(
      ['create', 'frontdesk', '--qr-out', png, '--poll-seconds', '0.1', '--wait-seconds', '10'],
      sim.env,
    );
    const { wppconnect } = sim.servers;
    // The PNG is written when the QR is shown: that is when a person scans.
    await waitFor(() => existsSync(png), 10_000);
    wppconnect.scan('frontdesk');
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('! the gateway has the channel but WPPConnect does not');
    expect(r.stdout).toMatch(/verify\s+propagation missing/);
    expect(r.stdout).toContain('Scan this QR code');
    expect(r.stdout).toMatch(/[█▀▄]{20}/);
    expect(r.stdout).toContain('connected: "frontdesk"');
    expect(readFileSync(png).subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  });

  it('create --no-wait --json: the report with its QR, outcome qr_shown; unscanned within the bound: exit 1', async () => {
    sim = await startSim();
    const quick = await runBin(['create', 'orders', '--no-wait', '--json'], sim.env);
    expect(quick.code).toBe(0);
    const json = JSON.parse(quick.stdout);
    expect(json.outcome).toBe('qr_shown');
    expect(json.report).toMatchObject({ id: 'orders', status: 'qr_required', verifiedOnWppconnect: true });
    expect(json.report.qr.base64).toMatch(/^iVBOR/);
    expect(json.report.qr.urlcode).toBeTruthy();

    const slow = await runBin(
      ['reconnect', 'orders', '--wait-seconds', '1', '--poll-seconds', '0.2'],
      sim.env,
    );
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('Not scanned within 1 s');
  });

  it('demo: runs the whole story and exits 0 on its own, well within 30 s', async () => {
    const r = await runBin(['demo'], {}, { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stdout).toMatch(/✗ session on WPPConnect\s+not on WPPConnect/);
    expect(r.stdout).toContain('connected: "frontdesk"');
    expect(r.stdout).toMatch(/helpdesk\s+connected\s+connected\s+CONNECTED\s+9 h ago\s+zombie/);
    expect(r.stdout).toMatch(/orders\s+connected\s+connected\s+CONNECTED\s+none\s+–$/m);
    expect(r.stdout).toMatch(/frontdesk\s+connected/);
    expect(r.stdout).not.toMatch(/sim-(gateway|wppconnect)-[0-9a-f]/);
  }, 35_000);

  it('simulate: serves the scenario and its routes until SIGTERM, then closes everything and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--json', '--scenario', 'zombie'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => out.includes('\n'));
    const banner = JSON.parse(out.split('\n')[0]!);
    expect(banner.throwawaySecrets).toBe(true);
    const activity = await (await fetch(banner.activityUrl)).json();
    expect(Object.keys(activity)).toEqual(['helpdesk']);
    const health = await runBin(['healthcheck', '--json'], banner.env);
    expect(health.code).toBe(1);
    expect(JSON.parse(health.stdout).counts.zombie).toBe(1);
    // The printed env carries the run's throwaway store: the restart lands there, not in the user's state dir.
    const storeDir: string = banner.env.WPP_STORE;
    expect(banner.storeDir).toBe(storeDir);
    expect(storeDir.startsWith(tmpdir())).toBe(true);
    const home = mkdtempSync(join(tmpdir(), 'wgw-home-'));
    const repair = await runBin(['healthcheck', '--repair', '--json'], { ...banner.env, HOME: home });
    expect(repair.code).toBe(0);
    const history = JSON.parse(readFileSync(join(storeDir, 'sessions.json'), 'utf8')).history;
    expect(history.helpdesk).toHaveLength(1);
    expect(existsSync(join(home, '.local'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(storeDir)).toBe(false);
  });
});
