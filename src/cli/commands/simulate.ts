/**
 * `whatsapp-gateway simulate`: the fake gateway and fake WPPConnect on loopback, seeded with a scenario,
 * until Ctrl+C. Prints the URLs, the env lines to export, and the simulator's throwaway secrets — on purpose,
 * and the only secrets this command ever prints. The env lines include `WPP_STORE`, the run's throwaway store,
 * so the commands tried against the simulator never write into the user's real store; it is removed when the
 * simulator stops.
 * @module
 */
import { didYouMean, numberOption, type ParsedCommand, stringOption } from '../args.js';
import { type CommandContext, defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../exit.js';
import type { Output } from '../output.js';
import {
  SCENARIO_TEXT,
  SCENARIOS,
  type ScenarioName,
  type Simulator,
  simulatorEnv,
  startSimulator,
} from '../simulator.js';

function isScenario(value: string): value is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(value);
}

/** Single quotes for a shell, so `{id}` and any other character stay literal. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Prints the banner: what runs where, the throwaway secrets, the env lines, what to try. */
export function printSimulator(out: Output, sim: Simulator, scenario: ScenarioName): void {
  const style = out.style;
  out.line(style.bold(`Simulator running — scenario "${scenario}":`));
  for (const line of SCENARIO_TEXT[scenario]) out.line(`  ${line}`);
  out.line();
  out.line(`  gateway       ${sim.gatewayUrl}`);
  out.line(`  WPPConnect    ${sim.wppconnectUrl}`);
  out.line(`  activity      ${sim.activityUrl}`);
  out.line(`  phone scan    curl -X POST ${sim.scanUrl}/<id>`);
  out.line(`  webhook sink  ${sim.webhookUrl.replace('{id}', '<id>')}`);
  out.line(`  store         ${sim.storeDir} (throwaway: removed when the simulator stops)`);
  out.line();
  out.line(
    style.warn(
      'The two secrets below are throwaway secrets of this simulator run, printed on purpose: they open nothing\n' +
        'but this simulator, and they are the only secrets whatsapp-gateway ever prints.',
    ),
  );
  out.line('In another terminal:');
  out.line();
  for (const [name, value] of Object.entries(simulatorEnv(sim)))
    out.line(`export ${name}=${shellQuote(value)}`);
  out.line();
  out.line('then try:');
  out.line('  whatsapp-gateway sessions');
  out.line('  whatsapp-gateway doctor frontdesk');
  out.line('  whatsapp-gateway create frontdesk');
  out.line(`  curl -X POST ${sim.scanUrl}/frontdesk     # the phone scans the QR`);
  out.line('  whatsapp-gateway healthcheck');
  out.line();
  out.line(style.dim('Ctrl+C stops the simulator.'));
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return; // no way to be stopped: run until the process is killed
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

async function run({ values }: ParsedCommand, ctx: CommandContext): Promise<number> {
  const command = 'simulate';
  const scenario = stringOption(values, 'scenario') ?? 'lost-propagation';
  if (!isScenario(scenario)) {
    const suggestion = didYouMean(scenario, SCENARIOS);
    throw new UsageError(
      `--scenario must be one of ${SCENARIOS.join(', ')}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      command,
    );
  }
  const port = numberOption(command, values, 'port', { fallback: 0, min: 0, max: 65_533 });
  if (!Number.isInteger(port)) throw new UsageError('--port must be a whole number', command);
  let sim: Simulator;
  try {
    sim = await startSimulator({ scenario, ...(port ? { port } : {}), now: ctx.now() });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${port}, ${port + 1} or ${port + 2} is in use`, command);
    throw error;
  }
  try {
    if (values['json'] === true) {
      // One line, so a script can read it and go on.
      ctx.out.line(
        JSON.stringify({
          scenario,
          gatewayUrl: sim.gatewayUrl,
          wppconnectUrl: sim.wppconnectUrl,
          activityUrl: sim.activityUrl,
          scanUrl: sim.scanUrl,
          webhookUrl: sim.webhookUrl,
          storeDir: sim.storeDir,
          throwawaySecrets: true,
          env: simulatorEnv(sim),
        }),
      );
    } else {
      printSimulator(ctx.out, sim, scenario);
    }
    await untilAborted(ctx.io.signal);
  } finally {
    await sim.close();
  }
  if (values['json'] !== true) ctx.out.line('Simulator stopped.');
  return ExitCode.ok;
}

/** The `simulate` command. */
export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'a fake gateway + WPPConnect on 127.0.0.1, to try every command safely',
  usage: `[--scenario ${SCENARIOS.join('|')}] [--port <n>] [--json]`,
  description: `Starts a fake gateway and a fake WPPConnect on 127.0.0.1 (the SDK's own test fakes: WPPConnect's real status machine, the gateway's real faults), seeds a scenario, and runs until Ctrl+C (SIGINT or SIGTERM). Real time, short timings: a QR appears 0.8 s after a start, rotates every 15 s, and an unscanned session closes after 2 minutes.

Scenarios:
${SCENARIOS.map((name) => `  ${name}${name === 'lost-propagation' ? ' (the default)' : ''}\n${SCENARIO_TEXT[name].map((line) => `    ${line}`).join('\n')}`).join('\n')}

It also serves, on a third port:
  GET  /simulator/activity      { "<id>": "<ISO time of the last message>" | null } (for --activity-url)
  POST /simulator/scan/<id>     the phone scans the QR code of <id>
  POST /simulator/webhook/<id>  a webhook sink: a message body counts as activity for <id>

It prints the env lines to export in another terminal, with the simulator's secrets: random throwaway values, printed on purpose (the only secrets this command ever prints). They include WPP_STORE, a throwaway store directory of this run, so what the commands remember about the simulated sessions (restarts, history) stays out of your real store; it is removed when the simulator stops.`,
  options: [
    {
      title: 'Options',
      options: {
        scenario: { type: 'string', arg: 'name', help: 'what to seed', default: 'lost-propagation' },
        port: {
          type: 'string',
          arg: 'n',
          help: 'gateway on n, WPPConnect on n+1, the simulator routes on n+2 (default: free ports)',
          number: { min: 0, max: 65_533, integer: true },
        },
        json: {
          type: 'boolean',
          help: 'print one JSON line with the URLs and the env instead of the banner',
        },
      },
    },
  ],
  exitCodes: 'Exit codes: 0 stopped by a signal, 2 usage error (or a port in use).',
  run,
});
