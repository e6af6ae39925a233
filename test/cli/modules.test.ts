/**
 * The small modules of the command, in-process: output formatting and colour rules, argument parsing,
 * configuration, activity sources, QR rendering.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  activityFromOptions,
  activityFromUrl,
  combineActivity,
  parseActivity,
} from '../../src/cli/activity.js';
import { numberOption, parseCommand } from '../../src/cli/args.js';
import { connect, loadConfig } from '../../src/cli/config.js';
import { UsageError } from '../../src/cli/exit.js';
import { colorEnabled, duration, Output, relativeTime, SECRET_MASK, table } from '../../src/cli/output.js';
import { renderQr, writeQrPng } from '../../src/cli/qr.js';
import { terminalSafe } from '../../src/cli/text.js';
import { toQrCode } from '../../src/qr.js';
import { pngFor } from '../../src/testing/png.js';
import { memoryIo, randomSecret } from './helpers.js';

const NOW = Date.UTC(2026, 1, 9, 12);
const ago = (ms: number) => new Date(NOW - ms);

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wgw-unit-')), name);
  writeFileSync(path, content);
  return path;
}

describe('output', () => {
  it('relativeTime: seconds, minutes, hours, days, none', () => {
    expect(relativeTime(null, NOW)).toBe('none');
    expect(relativeTime(ago(3_000), NOW)).toBe('just now');
    expect(relativeTime(ago(42_000), NOW)).toBe('42 s ago');
    expect(relativeTime(ago(5 * 60_000 + 59_000), NOW)).toBe('5 min ago');
    expect(relativeTime(ago(9 * 3_600_000), NOW)).toBe('9 h ago');
    expect(relativeTime(ago(3 * 86_400_000), NOW)).toBe('3 d ago');
    expect(relativeTime(new Date(NOW + 3_600_000), NOW)).toBe('in the future');
    expect(duration(800)).toBe('800 ms');
    expect(duration(4_240)).toBe('4.2 s');
    expect(duration(125_000)).toBe('2 min 5 s');
  });

  it('table: aligned columns, colour codes do not count in the widths, no trailing spaces', () => {
    const lines = table(
      ['ID', 'STATUS', 'X'],
      [
        ['frontdesk', { text: 'connected', show: '\x1b[32mconnected\x1b[0m' }, ''],
        ['orders', 'qr', ''],
      ],
    );
    expect(lines).toEqual([
      'ID         STATUS     X',
      'frontdesk  \x1b[32mconnected\x1b[0m',
      'orders     qr',
    ]);
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(colorEnabled({ write: () => 0, isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ write: () => 0, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ write: () => 0, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ write: () => 0 }, {})).toBe(false);
    const tty = memoryIo({}, {});
    tty.io.stdout.isTTY = true;
    const out = new Output(tty.io);
    out.line(out.style.ok('ok'));
    expect(tty.stdout()).toBe('\x1b[32mok\x1b[0m\n');
    const plain = memoryIo({ NO_COLOR: '1' });
    plain.io.stdout.isTTY = true;
    const quiet = new Output(plain.io);
    quiet.line(quiet.style.ok('ok'));
    expect(plain.stdout()).toBe('ok\n');
  });

  it('masks secrets from the environment and registered ones, with a fixed mark that hides their length', () => {
    const secret = randomSecret('gw');
    const fileSecret = randomSecret('file');
    const memory = memoryIo({ WPP_GATEWAY_SECRET: secret });
    const out = new Output(memory.io);
    out.protect(fileSecret);
    out.protect('ab'); // too short to mask: masking it would garble everything
    out.line(`a ${secret} b`);
    out.error(`c ${fileSecret} d ab`);
    expect(memory.stdout()).toBe(`a ${SECRET_MASK} b\n`);
    expect(memory.stderr()).toBe(`c ${SECRET_MASK} d ab\n`);
  });
});

describe('args', () => {
  const options = {
    json: { type: 'boolean', help: 'json' },
    'wait-seconds': { type: 'string', help: 'wait' },
  } as const;

  it('parses options and positionals, and --help/-h everywhere', () => {
    const parsed = parseCommand('create', ['frontdesk', '--json', '--wait-seconds', '5'], options, {
      names: ['id'],
    });
    expect(parsed.positionals).toEqual(['frontdesk']);
    expect(parsed.values).toMatchObject({ json: true, 'wait-seconds': '5' });
    expect(numberOption('create', parsed.values, 'wait-seconds', { fallback: 120 })).toBe(5);
    expect(numberOption('create', {}, 'wait-seconds', { fallback: 120 })).toBe(120);
  });

  it('refuses secrets as flags, unknown options, missing values and extra arguments — without echoing values', () => {
    const secret = randomSecret('s');
    const attempts = [
      [`--gateway-secret=${secret}`],
      ['--gateway-secret', secret],
      [`--wppconnect-secret-key=${secret}`],
      [`--secret=${secret}`],
      [`--token=${secret}`],
      ['--unknown', secret],
      ['frontdesk', secret],
    ];
    for (const args of attempts) {
      let error: unknown;
      try {
        parseCommand('create', args, options, { names: ['id'] });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toContain(secret);
    }
    expect(() => parseCommand('create', [], options, { names: ['id'] })).toThrow('missing <id>');
    expect(() => parseCommand('create', ['x', '--wait-seconds'], options, { names: ['id'] })).toThrow(
      '--wait-seconds needs a value',
    );
    expect(() => parseCommand('create', ['x', '--json=yes'], options, { names: ['id'] })).toThrow(
      '--json takes no value',
    );
    expect(() =>
      numberOption('c', { 'wait-seconds': 'soon' }, 'wait-seconds', { fallback: 1, min: 1 }),
    ).toThrow('--wait-seconds takes a number, e.g. --wait-seconds 1');
    // A file flag is not a secret flag.
    expect(() =>
      parseCommand('s', ['--gateway-secret-file', 'x'], {
        'gateway-secret-file': { type: 'string', help: 'file' },
      }),
    ).not.toThrow();
  });
});

describe('config', () => {
  const values = (v: Record<string, string>) => v;

  it('reads the environment, flags win, and secrets come from files without their trailing newline', async () => {
    const envSecret = randomSecret('env');
    const fileSecret = randomSecret('file');
    const keyFile = tempFile('key', `${randomSecret('key')}\n`);
    const secretFile = tempFile('secret', `${fileSecret}\r\n`);
    const memory = memoryIo({
      WPP_GATEWAY_BASE_URL: 'https://env.example',
      WPP_GATEWAY_SECRET: envSecret,
      WPPCONNECT_BASE_URL: 'http://wpp.example:21465',
    });
    const out = new Output(memory.io);
    const config = await loadConfig(
      'sessions',
      values({
        'gateway-url': 'https://flag.example:8443',
        'gateway-secret-file': secretFile,
        'wppconnect-secret-file': keyFile,
        'timeout-seconds': '2.5',
      }),
      memory.io,
      out,
    );
    expect(config.gatewayUrl).toBe('https://flag.example:8443');
    expect(config.gatewaySecret).toBe(fileSecret);
    expect(config.wppconnect?.secretKey).toBe(readFileSync(keyFile, 'utf8').trim());
    expect(config.timeoutMs).toBe(2_500);
    // The file's secret is now masked too.
    out.line(fileSecret);
    expect(memory.stdout()).toBe(`${SECRET_MASK}\n`);
  });

  it('says what is missing, and never puts a secret or a file content in the message', async () => {
    const secret = randomSecret('gw');
    const load = (env: Record<string, string>, v: Record<string, string> = {}) => {
      const memory = memoryIo(env);
      return loadConfig('sessions', v, memory.io, new Output(memory.io));
    };
    await expect(load({})).rejects.toThrow('no gateway URL: set WPP_GATEWAY_BASE_URL or pass --gateway-url');
    await expect(load({ WPP_GATEWAY_BASE_URL: 'http://x' })).rejects.toThrow('no gateway secret');
    await expect(
      load({ WPP_GATEWAY_BASE_URL: 'http://x', WPP_GATEWAY_SECRET: secret, WPPCONNECT_BASE_URL: 'http://w' }),
    ).rejects.toThrow('WPPCONNECT_SECRET_KEY');
    await expect(
      load({ WPP_GATEWAY_BASE_URL: 'http://x' }, { 'gateway-secret-file': '/nonexistent/secret' }),
    ).rejects.toThrow('cannot read /nonexistent/secret (ENOENT)');
    const twoLines = tempFile('two', `${secret}\nmore\n`);
    const error = await load({ WPP_GATEWAY_BASE_URL: 'http://x' }, { 'gateway-secret-file': twoLines }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('must hold one line');
    expect(error.message).not.toContain(secret);
  });

  it('a malformed URL is a usage error that names the service', async () => {
    const memory = memoryIo({
      WPP_GATEWAY_BASE_URL: 'ftp://gateway',
      WPP_GATEWAY_SECRET: randomSecret('gw'),
    });
    const config = await loadConfig('sessions', {}, memory.io, new Output(memory.io));
    expect(() => connect('sessions', config)).toThrow(/^the gateway URL must use http or https/);
  });
});

describe('activity', () => {
  it('parses id → ISO time or null, and rejects anything else', () => {
    const map = parseActivity('{"a":"2026-02-09T10:00:00Z","b":null}');
    expect(map.get('a')?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
    expect(map.get('b')).toBeNull();
    expect(() => parseActivity('[]')).toThrow('must be a JSON object');
    expect(() => parseActivity('{"a":"yesterday"}')).toThrow(
      'the value for "a" is not an ISO date-time or null',
    );
    expect(() => parseActivity('{')).toThrow('is not JSON');
  });

  it('a URL source makes one request for all ids; combined sources keep the latest time', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ a: '2026-02-09T10:00:00Z', b: '2026-02-09T08:00:00Z' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/activity`;
      const source = activityFromUrl(url, { timeoutMs: 2_000 });
      const answer = await source.lastActivity(['a', 'b', 'c']);
      expect(requests).toBe(1);
      expect(answer.get('c')).toBeNull();
      const file = tempFile('activity.json', '{"b":"2026-02-09T11:00:00Z","c":null}');
      const memory = memoryIo({ WPP_ACTIVITY_URL: url });
      const both = await activityFromOptions('sessions', { 'activity-file': file }, memory.io, 2_000);
      const merged = await both!.lastActivity(['a', 'b', 'c']);
      expect(merged.get('a')?.toISOString()).toBe('2026-02-09T10:00:00.000Z');
      expect(merged.get('b')?.toISOString()).toBe('2026-02-09T11:00:00.000Z');
      expect(merged.get('c')).toBeNull();
      expect(await combineActivity([]).lastActivity(['x'])).toEqual(new Map([['x', null]]));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a bad file or URL option is a usage error before any request', async () => {
    const memory = memoryIo();
    await expect(
      activityFromOptions('s', { 'activity-file': tempFile('a.json', '[1]') }, memory.io, 1),
    ).rejects.toThrow(UsageError);
    await expect(
      activityFromOptions('s', { 'activity-url': 'file:///etc/passwd' }, memory.io, 1),
    ).rejects.toThrow('--activity-url must be an http(s) URL');
    expect(await activityFromOptions('s', {}, memory.io, 1)).toBeUndefined();
  });
});

describe('qr', () => {
  it('draws with ANSI colours on a colour terminal, with plain block characters otherwise', async () => {
    // The command's own escapes are stand-ins until Output writes them (terminalSafe), so servers cannot forge them.
    const coloured = terminalSafe(await renderQr('2@frontdesk-1', { color: true }));
    const plain = terminalSafe(await renderQr('2@frontdesk-1', { color: false }));
    expect(coloured).toMatch(/\x1b\[3[07];4[07]m▀/);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/^█+$/m);
  });

  it('writes the PNG WPPConnect produced', async () => {
    const qr = toQrCode(Buffer.from(pngFor('2@x-1')).toString('base64'), '2@x-1');
    const dir = mkdtempSync(join(tmpdir(), 'wgw-png-'));
    const path = await writeQrPng('qr.png', qr, dir);
    expect(path).toBe(join(dir, 'qr.png'));
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  });
});
