/**
 * The argument layer: help generated from the option definitions, "did you mean" for commands and flags,
 * numbers checked as numbers (negative ones included), and exit 2 for a rejected secret on every command.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectionGroup, didYouMean, mergeOptions, type OptionGroup } from '../../src/cli/args.js';
import { defineCommand } from '../../src/cli/command.js';
import { flagText } from '../../src/cli/help.js';
import { COMMANDS, mainHelp } from '../../src/cli/run.js';
import { randomSecret, runInProcess, startSim } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

describe('help is generated from the option definitions', () => {
  it('every option a command parses is listed in its help, once, with its value name and environment variable', () => {
    for (const command of COMMANDS) {
      const help = command.help(200);
      for (const [name, def] of Object.entries(mergeOptions(command.spec.options))) {
        const text = flagText(name, def);
        expect(help, `${command.name} --${name}`).toContain(text);
        expect(help.split(`--${name} `).length + help.split(`--${name}\n`).length - 2).toBeGreaterThan(0);
        if (def.env) expect(help).toContain(`[${def.env}]`);
        if (def.default !== undefined) expect(help).toContain(`(default ${def.default})`);
      }
    }
  });

  it('descriptions line up in one column per command, whatever the flag lengths', () => {
    const help = COMMANDS.find((c) => c.name === 'healthcheck')!.help(120);
    const columns = new Set(
      help
        .split('\n')
        .filter((line) => /^ {2}--\S+( <[^>]+>)? {2,}\S/.test(line))
        .map((line) => /^ {2}--\S+(?: <[^>]+>)? +/.exec(line)![0].length),
    );
    expect(columns.size).toBe(1);
  });

  it('adding a flag is one entry: it is parsed, checked and documented by every command using the group', async () => {
    const group: OptionGroup = {
      title: 'Extra',
      options: {
        'batch-size': { type: 'string', arg: 'n', help: 'how many at once', default: 10, number: { min: 1 } },
      },
    };
    let seen: unknown;
    const command = defineCommand({
      name: 'probe',
      summary: 'a test command',
      usage: '[options]',
      description: 'Tests the argument layer.',
      options: [group, connectionGroup],
      run: async ({ values }) => {
        seen = values['batch-size'];
        return 0;
      },
    });
    expect(command.help()).toMatch(/--batch-size <n> +how many at once \(default 10\)/);
    expect(command.help()).toContain('--gateway-url <url>');
    const ctx = (await import('./helpers.js')).memoryIo();
    const { Output } = await import('../../src/cli/output.js');
    const context = { io: ctx.io, out: new Output(ctx.io), now: Date.now };
    expect(await command.run(['--batch-size', '25'], context)).toBe(0);
    expect(seen).toBe('25');
    await expect(command.run(['--batch-size', '0'], context)).rejects.toThrow(
      '--batch-size must be at least 1',
    );
    await expect(command.run(['--batch-sise', '3'], context)).rejects.toThrow(
      'unknown option --batch-sise; did you mean --batch-size?',
    );
  });

  it('the top-level help lists every command and every environment variable with its flag', () => {
    const help = mainHelp(200);
    for (const command of COMMANDS) expect(help).toMatch(new RegExp(`^ {2}${command.name} +\\S`, 'm'));
    for (const [name, def] of Object.entries(connectionGroup.options)) {
      if (def.env) expect(help).toMatch(new RegExp(`${def.env} +.*\\(--${name}\\)`));
    }
  });
});

describe('did you mean', () => {
  it('suggests the closest command or flag, and nothing when nothing is close', () => {
    const commands = COMMANDS.map((c) => c.name);
    expect(didYouMean('sesions', commands)).toBe('sessions');
    expect(didYouMean('sessoins', commands)).toBe('sessions');
    expect(didYouMean('docter', commands)).toBe('doctor');
    expect(didYouMean('health', commands)).toBe('healthcheck');
    expect(didYouMean('Create', commands)).toBe('create');
    expect(didYouMean('deploy', commands)).toBeUndefined();
    expect(didYouMean('jsn', ['json', 'repair'])).toBe('json');
    expect(didYouMean('timeout', ['timeout-seconds', 'json'])).toBe('timeout-seconds');
  });

  it('a mistyped command or flag exits 2 with the suggestion', async () => {
    const command = await runInProcess(['sesions']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "sesions"; did you mean sessions?');
    const help = await runInProcess(['help', 'doctr']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('did you mean doctor?');
    const flag = await runInProcess(['sessions', '--jsn']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option --jsn; did you mean --json?');
    expect(flag.stderr).toContain('Run `whatsapp-gateway sessions --help` for usage.');
    const far = await runInProcess(['sessions', '--colour']);
    expect(far.stderr).toContain('unknown option --colour\n');
  });

  it('never echoes what follows = in a mistyped flag (it may be a secret)', async () => {
    const secret = randomSecret('typo');
    const r = await runInProcess(['sessions', `--gateway-secret-fil=${secret}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean --gateway-secret-file?');
    expect(r.stderr).not.toContain(secret);
  });
});

describe('numbers', () => {
  it('a negative number is reported as negative, with or without =', async () => {
    for (const args of [
      ['sessions', '--timeout-seconds', '-5'],
      ['sessions', '--timeout-seconds=-5'],
      ['healthcheck', '--zombie-hours', '-0.5'],
      ['create', 'x', '--wait-seconds', '-1'],
    ]) {
      const r = await runInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--[\w-]+ cannot be negative \(it must be at least [\d.]+\)/);
      expect(r.stderr).not.toContain('takes no value');
    }
  });

  it('not a number, too small, too large, or not whole: each said as such, before any request', async () => {
    const cases: [string[], string][] = [
      [
        ['sessions', '--timeout-seconds', 'soon'],
        '--timeout-seconds takes a number, e.g. --timeout-seconds 1',
      ],
      [['sessions', '--timeout-seconds', '0'], '--timeout-seconds must be at least 0.1'],
      [['simulate', '--port', '70000'], '--port must be at most 65533'],
      [['simulate', '--port', '1.5'], '--port must be a whole number'],
      [['sessions', '--timeout-seconds'], '--timeout-seconds needs a value (<n>)'],
      [['sessions', '--json=yes'], '--json takes no value'],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess(args, {
        WPP_GATEWAY_BASE_URL: 'http://127.0.0.1:1',
        WPP_GATEWAY_SECRET: 'x',
      });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('a rejected secret is exit 2 on every command', () => {
  const wrongKey = (env: Record<string, string>) => ({
    ...env,
    WPPCONNECT_SECRET_KEY: randomSecret('wrong'),
  });
  const wrongSecret = (env: Record<string, string>) => ({
    ...env,
    WPP_GATEWAY_SECRET: randomSecret('wrong'),
  });

  it('a wrong WPPConnect secret key: sessions, healthcheck, doctor, create and reconnect exit 2 with the hint', async () => {
    sim = await startSim();
    sim.servers.gateway.seedChannel('sales', 'connected');
    sim.servers.wppconnect.seed('sales', { status: 'CONNECTED' });
    const env = wrongKey(sim.env);
    const runs = await Promise.all([
      runInProcess(['sessions'], env),
      runInProcess(['sessions', '--json'], env),
      runInProcess(['healthcheck'], env),
      runInProcess(['doctor', 'sales'], env),
      runInProcess(['create', 'support-team', '--no-wait'], env),
      runInProcess(['reconnect', 'sales', '--no-wait'], env),
    ]);
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain('set WPPCONNECT_SECRET_KEY (or --wppconnect-secret-file)');
    }
    // The sessions table is not printed as if all were well.
    expect(runs[0]!.stdout).not.toContain('SESSION');
  });

  it('a wrong gateway secret: every command exits 2', async () => {
    sim = await startSim();
    sim.servers.gateway.seedChannel('sales', 'connected');
    sim.servers.wppconnect.seed('sales', { status: 'CONNECTED' });
    const env = wrongSecret(sim.env);
    const runs = await Promise.all([
      runInProcess(['sessions'], env),
      runInProcess(['healthcheck'], env),
      runInProcess(['doctor', 'sales'], env),
      runInProcess(['create', 'support-team', '--no-wait'], env),
      runInProcess(['reconnect', 'sales', '--no-wait'], env),
    ]);
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(2);
  });
});
