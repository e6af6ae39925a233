/**
 * Terminal escapes in ids, statuses and messages from the servers are shown, never obeyed: before, the command
 * printed them raw (a screen clear, a title change, a fake OSC 8 link). Stdout a pipe and a terminal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/text.js';
import { runInProcess, startSim } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

const OSC8 = '\u001b]8;;https://evil.example/\u0007click me\u001b]8;;\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const TITLE = '\u001b]0;pwned\u0007';
const C1 = '\u009b31m';
const HOSTILE_ID = `sales${OSC8}${CLEAR}${TITLE}${C1}`;

/** Control characters a terminal would act on, other than the command's own colours and line ends. */
function rawControls(text: string): string[] {
  const withoutOwnColours = text.replace(/\u001b\[(?:[0-9;]*m|2K|\d+F|J)/g, '');
  return [...withoutOwnColours.matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map((m) => m[0]);
}

describe('server strings are escaped before they reach the terminal', () => {
  it.each([
    ['a pipe', false],
    ['a terminal', true],
  ])('sessions, with stdout %s', async (_name, isTTY) => {
    sim = await startSim();
    sim.servers.gateway.seedChannel(HOSTILE_ID, 'connected');
    sim.servers.gateway.seedChannel('support-team', `qr_required${CLEAR}`);
    let out = '';
    const r = await runInProcess(['sessions'], sim.env, {
      stdout: { write: (t: string) => (out += t), isTTY },
    });
    expect(r.stderr).toBe('');
    expect(rawControls(out)).toEqual([]);
    expect(out).toContain('\\x1b]8;;https://evil.example/\\x07click me');
    expect(out).toContain('\\x1b[2J');
    expect(out).toContain('\\x9b31m');
    if (isTTY) expect(out).toMatch(/\u001b\[\d+m/); // the command's own colours still work
  });

  it('terminalSafe keeps tabs and line feeds, shows everything else', () => {
    expect(terminalSafe(`a\tb\nc\rd\u0007e\u001bf\u0085g`)).toBe('a\tb\nc\\x0dd\\x07e\\x1bf\\x85g');
  });
});

describe('secrets and debugging', () => {
  it('a secret read from a file and typed as a command name is not echoed', async () => {
    const typed = 'Zk8/qW+3xT=pL/9vRm-from-a-file';
    const r = await runInProcess([typed, '--gateway-secret-file', 'secret.txt'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command \(not shown/);
    expect(r.stderr + r.stdout).not.toContain(typed);
    expect(r.stderr + r.stdout).not.toContain('Zk8');
  });

  it('a typo of a command is still named, with a suggestion', async () => {
    const r = await runInProcess(['sesions'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "sesions"; did you mean/);
  });

  it.each(['undici', 'fetch', 'net,undici'])(
    'NODE_DEBUG=%s is refused (exit 2) before any request',
    async (value) => {
      sim = await startSim();
      const r = await runInProcess(['sessions'], { ...sim.env, NODE_DEBUG: value });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/NODE_DEBUG=(undici|fetch) makes Node print every request URL/);
      expect(sim.servers.gateway.countCalls('/api/channels')).toBe(0);
    },
  );
});
