/**
 * The command fits the terminal: help, tables, the doctor's checklist and the spinner stay within the width
 * (`COLUMNS`, or the terminal's own), in-process with a fake terminal and in a real pseudo-terminal.
 */
import { execFile } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { Output, table } from '../../src/cli/output.js';
import { Progress } from '../../src/cli/progress.js';
import { COMMANDS } from '../../src/cli/run.js';
import { stripAnsi, visibleLength, wrap } from '../../src/cli/text.js';
import { BIN, ensureBuilt, ROOT, runInProcess, startSim, withTempStore } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startSim>>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.servers.close();
  sim = undefined;
});

/** Every screen line of `text`: split at newlines and at carriage returns (a redraw starts a new line). */
function screenLines(text: string): string[] {
  return text.split(/\r?\n|\r/).map((line) => stripAnsi(line).replace(/\x1b\[2K/g, ''));
}

/** The lines of `text` longer than `width`. */
function tooLong(text: string, width: number): string[] {
  return screenLines(text).filter((line) => visibleLength(line) > width);
}

/** A fake terminal `columns` wide that collects what is written. */
function terminal(columns: number) {
  let text = '';
  return {
    writer: { write: (t: string) => (text += t), isTTY: true, columns },
    text: () => text,
  };
}

const IDS = [
  'customer-support-team-east-region-42',
  'sales',
  'a-very-long-session-identifier-for-the-night-shift',
];

describe.each([50, 80])('COLUMNS=%i', (width) => {
  it('every help text fits', async () => {
    for (const args of [['--help'], ...COMMANDS.map((c) => [c.name, '--help'])]) {
      // The terminal claims 200 columns: COLUMNS wins.
      const screen = terminal(200);
      const r = await runInProcess(args, { COLUMNS: String(width) }, { stdout: screen.writer });
      expect(r.code).toBe(0);
      expect(screen.text()).toContain('Usage: whatsapp-gateway');
      expect(tooLong(screen.text(), width), args.join(' ')).toEqual([]);
    }
    const none = await runInProcess([], { COLUMNS: String(width) });
    expect(tooLong(none.stderr, width)).toEqual([]);
  });

  it('the sessions table, the healthcheck lines and the doctor checklist fit, long ids included', async () => {
    sim = await startSim();
    for (const id of IDS) {
      sim.servers.gateway.seedChannel(id, 'connected');
      sim.servers.wppconnect.seed(id, { status: 'CONNECTED' });
    }
    sim.servers.gateway.seedChannel('not-on-wppconnect', 'qr_required');
    sim.servers.wppconnect.killPage('sales');
    const env = { ...sim.env, COLUMNS: String(width), NO_COLOR: '1' };
    for (const args of [['sessions'], ['healthcheck'], ['doctor', 'sales'], ['doctor', IDS[0]!]]) {
      const screen = terminal(200);
      await runInProcess(args, env, { stdout: screen.writer });
      expect(screen.text().length).toBeGreaterThan(0);
      expect(tooLong(screen.text(), width), `${args.join(' ')}\n${screen.text()}`).toEqual([]);
    }
    // The table is cut, not dropped: every session still has its row, and the header is intact.
    const screen = terminal(200);
    await runInProcess(['sessions'], env, { stdout: screen.writer });
    const lines = screenLines(screen.text());
    expect(lines[0]).toMatch(width >= 80 ? /^SESSION +STATUS +\S/ : /^SESSION +ST/);
    expect(lines.filter((line) => /^(customer|sales|a-very|not-on)/.test(line))).toHaveLength(4);
    expect(screen.text()).toContain('…');
  });

  it('a spinner line never wraps, however long its text', async () => {
    const screen = terminal(200);
    const io: CliIo = {
      stdout: screen.writer,
      stderr: screen.writer,
      env: { COLUMNS: String(width) },
      cwd: ROOT,
    };
    let now = 0;
    const progress = new Progress(new Output(io), 'spinner', () => now);
    progress.start(`waiting for the phone to scan "${IDS[2]}" (up to 120 s; Ctrl+C stops waiting)`);
    for (let i = 0; i < 5; i++) {
      now += 30_000;
      await new Promise((resolve) => setTimeout(resolve, 110));
    }
    progress.note(`a note longer than the terminal: ${'word '.repeat(30)}`);
    progress.stop();
    const frames = screen
      .text()
      .split('\r')
      .filter((part) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(part));
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) {
      expect(frame).not.toContain('\n');
      // One column stays free: the cursor never reaches the edge, so no terminal wraps the line.
      expect(visibleLength(frame.replace('\x1b[2K', ''))).toBeLessThan(width);
    }
    expect(frames.at(-1)).toMatch(/… 150 s/);
    expect(tooLong(screen.text(), width)).toEqual([]);
  });
});

describe('fitting helpers', () => {
  it('table cuts the columns that may give way, in order, and keeps colours out of the widths', () => {
    const rows = [
      ['alpha', { text: 'connected', show: '\x1b[32mconnected\x1b[0m' }, 'a long claim that goes on'],
    ];
    const shrink = [
      [2, 4],
      [1, 4],
    ] as const;
    const [header, row] = table(['ID', 'STATUS', 'CLAIM'], rows, { width: 30, shrink });
    expect(visibleLength(header!)).toBeLessThanOrEqual(30);
    expect(visibleLength(row!)).toBe(30);
    expect(row).toContain('\x1b[32mconnected\x1b[0m');
    expect(stripAnsi(row!)).toMatch(/^alpha +connected +a long clai…$/);
    expect(table(['ID'], [['x'.repeat(50)]])).toEqual(['ID', 'x'.repeat(50)]);
  });

  it('wrap keeps the hanging indent of lists and two-column lines, and cuts words longer than a line', () => {
    expect(wrap('  1. one two three four five six', 16)).toBe('  1. one two\n     three four\n     five six');
    expect(wrap('  KEY   value value value', 18)).toBe('  KEY   value\n        value\n        value');
    expect(
      wrap('https://example.com/a/very/long/path', 12)
        .split('\n')
        .every((l) => l.length <= 12),
    ).toBe(true);
  });
});

describe('in a real pseudo-terminal (the built binary)', () => {
  beforeAll(() => ensureBuilt());

  /** Runs the binary under `script` (a pty), the terminal set to `cols` columns. */
  function inPty(args: string[], cols: number, env: Record<string, string> = {}): Promise<string> {
    const command = `stty cols ${cols} rows 50; exec ${process.execPath} ${BIN} ${args.join(' ')}`;
    const store = withTempStore(env);
    return new Promise((resolve, reject) => {
      execFile(
        'script',
        ['-qec', command, '/dev/null'],
        { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...store.env }, timeout: 20_000 },
        (error, stdout) => {
          store.done();
          if (error && error.code !== 1) reject(error);
          else resolve(stdout);
        },
      );
    });
  }

  it.each([50, 80])(
    '%i columns, set on the terminal itself: help and the sessions table fit',
    async (cols) => {
      const help = await inPty(['sessions', '--help'], cols);
      expect(help).toContain('Usage: whatsapp-gateway sessions');
      expect(tooLong(help, cols)).toEqual([]);
      sim = await startSim();
      for (const id of IDS) {
        sim.servers.gateway.seedChannel(id, 'connected');
        sim.servers.wppconnect.seed(id, { status: 'CONNECTED' });
      }
      const sessions = await inPty(['sessions'], cols, sim.env);
      expect(sessions).toContain('SESSION');
      expect(tooLong(sessions, cols)).toEqual([]);
    },
  );

  it('the spinner of a create waiting for its scan stays on one line of a 50-column terminal', async () => {
    sim = await startSim();
    const out = await inPty(['create', IDS[0]!, '--wait-seconds', '2', '--poll-seconds', '0.5'], 50, {
      ...sim.env,
      COLUMNS: '50',
    });
    const frames = out.split('\r').filter((part) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(part));
    expect(frames.length).toBeGreaterThan(5);
    for (const frame of frames)
      expect(visibleLength(stripAnsi(frame).replace('\x1b[2K', ''))).toBeLessThan(50);
    expect(out).toContain('Not scanned within 2 s');
  });
});
