/**
 * `whatsapp-gateway demo` (`npm run demo`): the lost-propagation story, told by running the real commands against
 * an in-process simulator, with a plain-language heading before each step.
 * @module
 */
import { sleep } from '../../http/delay.js';
import { type CommandContext, defineCommand } from '../command.js';
import { ExitCode } from '../exit.js';
import type { CliIo } from '../io.js';
import { duration, Output } from '../output.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator.js';
import { CR, ESC } from '../text.js';
import { createCommand } from './create.js';
import { doctorCommand } from './doctor.js';
import { sessionsCommand } from './sessions.js';

/** The demo gives up (and says so) if the whole story has not run within this time. */
const DEMO_DEADLINE_MS = 25_000;
/** How long the QR stays on screen before the simulated phone scans it. */
const SCAN_AFTER_MS = 2_000;

/** Plays the phone: once WPPConnect shows the QR of `id`, waits a moment, then scans it over HTTP. */
async function playPhone(out: Output, sim: Simulator, id: string, signal: AbortSignal): Promise<void> {
  while (sim.servers.wppconnect.session(id)?.status !== 'QRCODE') await sleep(100, signal);
  await sleep(SCAN_AFTER_MS, signal);
  const url = `${sim.scanUrl}/${id}`;
  out.write(out.tty ? `${CR}${ESC}[2K` : '');
  out.line(out.style.bold(`   [demo] the phone scans the QR code now: POST ${url}`));
  const response = await fetch(url, { method: 'POST', signal });
  await response.body?.cancel();
}

async function run(ctx: CommandContext): Promise<number> {
  const { out } = ctx;
  const started = ctx.now();
  const deadline = AbortSignal.timeout(DEMO_DEADLINE_MS);
  const signal = ctx.io.signal ? AbortSignal.any([ctx.io.signal, deadline]) : deadline;
  const sim = await startSimulator({ scenario: 'lost-propagation', now: ctx.now() });
  // The demo's restarts go to the simulator's throwaway store (WPP_STORE in its env): they must not count
  // against real sessions of the same name.
  const io: CliIo = {
    ...ctx.io,
    env: { ...ctx.io.env, ...simulatorEnv(sim) },
    signal,
  };
  const sub: CommandContext = { io, out: new Output(io), now: ctx.now };
  const heading = (text: string) => {
    out.line();
    out.line(out.style.bold(`── ${text} ${'─'.repeat(Math.max(3, 72 - text.length))}`));
  };
  const say = (text: string) => out.line(text);
  const command = (text: string) => {
    out.line();
    out.line(out.style.bold(`$ ${text}`));
  };
  try {
    out.line(out.style.bold('whatsapp-gateway demo: the lost-propagation story, on a simulator'));

    heading('1. The set-up');
    say('A fake WhatsApp gateway and a fake WPPConnect server are running on this machine');
    say(`(${sim.gatewayUrl} and ${sim.wppconnectUrl}). No phone, nothing beyond 127.0.0.1.`);
    say('The gateway is what apps talk to; WPPConnect is the server behind it that really runs WhatsApp.');
    say('Both behave like production, including its worst fault: when the channel "frontdesk" was created,');
    say('the gateway answered "Session created successfully" but never passed it on to WPPConnect.');
    say('So no QR code ever appeared, and nothing said why.');
    say('Three other channels are live: marketing (last message 5 minutes ago), helpdesk (connected,');
    say('but silent for 9 hours) and orders (connected, never a message).');

    heading('2. Ask the doctor');
    say('"Why is there no QR code for frontdesk?" The doctor checks each link of the chain in order,');
    say('and under each failure says what to do.');
    command('whatsapp-gateway doctor frontdesk');
    await doctorCommand.run(['frontdesk'], sub);
    out.line();
    say(
      'Note the gateway now says "disconnected": to the gateway, a session WPPConnect never received looks',
    );
    say('like one that merely closed. Only WPPConnect’s own session store tells the two apart.');

    heading('3. Create it properly');
    say('`create` does not take the gateway’s word for it: it checks WPPConnect itself, finds the session');
    say('missing there, starts it on WPPConnect directly, and waits for the QR code. Then it keeps watching');
    say('until the phone scans it (here the demo plays the phone, through the simulator).');
    command('whatsapp-gateway create frontdesk');
    const phoneDone = new AbortController();
    const phone = playPhone(out, sim, 'frontdesk', AbortSignal.any([signal, phoneDone.signal]));
    const created = await createCommand.run(['frontdesk'], sub);
    phoneDone.abort(); // when create failed before the QR, the phone stops waiting for one
    await phone.catch(() => undefined);
    if (created !== ExitCode.ok) {
      out.error('The demo expected `create` to end connected; see the error above.');
      return ExitCode.problems;
    }

    heading('4. The true status of every channel');
    say('The gateway says "connected" for every live channel. `sessions` checks each claim against');
    say('WPPConnect, probes the browser page, and reads the time of the last message (here from the');
    say('simulator’s activity URL; in production, from your webhook table).');
    command('whatsapp-gateway sessions');
    await sessionsCommand.run([], sub);

    heading('What now');
    say('helpdesk is a zombie: connected by every probe, yet no message for 9 hours. orders is quiet, not');
    say('dead: it never had a message to miss. `whatsapp-gateway healthcheck --repair` restarts zombies');
    say('from cron. `whatsapp-gateway simulate` keeps this simulator running so you can try every command.');
    out.line();
    out.line(out.style.dim(`Demo finished in ${duration(ctx.now() - started)}; the simulator is closed.`));
    return ExitCode.ok;
  } finally {
    await sim.close();
  }
}

/** The `demo` command. */
export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'the lost-propagation story on a built-in simulator, in a few seconds',
  usage: '',
  description: `Starts the simulator in this process (free ports on 127.0.0.1, the "lost-propagation" scenario), then runs, with a short explanation before each step:
  1. doctor frontdesk   — ✗ "not on WPPConnect": the gateway never propagated the session, and the remedy;
  2. create frontdesk   — detects the lost propagation, starts the session on WPPConnect, draws the QR code, and the demo plays the phone that scans it;
  3. sessions           — one connected channel, one zombie, one quiet one, and frontdesk now connected.
No network beyond 127.0.0.1, a few seconds, and everything is closed at the end.`,
  options: [],
  exitCodes: 'Exit codes: 0 the story ran as expected, 1 it did not (the output says where).',
  run: (_parsed, ctx) => run(ctx),
});
