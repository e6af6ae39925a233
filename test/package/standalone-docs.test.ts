/**
 * What ships speaks to strangers: the built type declarations (the TSDoc an editor shows), the help of every
 * command of the built binary, and the README and docs/ pages cite no document a user does not have (section
 * signs, "field notes", "transcript", "design §", "contract §", issue numbers) and name no customer.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/run.js';
import { BIN, ensureBuilt, ROOT } from '../cli/helpers.js';

/** Each rule: a name for the failure message and what it matches. */
const FORBIDDEN: ReadonlyArray<readonly [string, RegExp]> = [
  ['section sign', /§/],
  [
    'internal document',
    /field[ -]?notes|transcript|\bdesign(?:\.md)? §|\bcontracts?\/|\bcontract §|\.\.\/shared\//i,
  ],
  ['issue reference', /\bissue #\d+/i],
  ['customer name', /imob ?sites|pixel ?hub|pixel ?12|\bsuporte\b|\bvendas\b/i],
  // Case-sensitive on purpose: "5 pixels per module" is not a name.
  ['customer name', /\bPixel\b/],
];

/** Every line of `text` that breaks a rule (the first rule it breaks), as `where:line: rule: "excerpt"`. */
function findInternalReferences(text: string, where: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const broken = FORBIDDEN.find(([, pattern]) => pattern.test(line));
    return broken ? [`${where}:${index + 1}: ${broken[0]}: "${line.trim().slice(0, 120)}"`] : [];
  });
}

/** The built JavaScript files under `dir` (the code that runs: its strings reach users' terminals and logs). */
function scriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scriptFiles(path);
    return /\.c?js$/.test(entry.name) ? [path] : [];
  });
}

/**
 * The code lines of a built file, comments left out (comments inside internal code may cite the notes), with
 * the escapes a bundler writes for a non-ASCII character (`\xA7`, `\u00A7`) turned back into it.
 */
function codeLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .map((line) => line.replace(/\\x[aA]7|\\u00[aA]7/g, '§'))
    .join('\n');
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return /\.d\.c?ts$/.test(entry.name) ? [path] : [];
  });
}

describe('the checker', () => {
  it('finds what the shipped text held before it was cleaned', () => {
    // Lines as they were in dist/*.d.ts and `simulate --help` before this test existed.
    const before = [
      " * the secret will not help (field notes §7.6). `source: 'application'` means",
      ' * differ, to the real-server transcript.',
      ' * Rules every class here holds (design §3.5 and §3.8):',
      ' * sees it (`contracts/gateway-field-notes.md`), forwarding to a FakeWppConnect',
      '/** Channel id, case-sensitive (`ImobSites` and `imobsites` are two channels). */',
      ' * A stateful fake of the gateway-wrapper as Pixel Hub',
      '    pixel12digital  connected, last message 5 min ago',
      '    suporte         connected, last message 9 h ago: a zombie',
      ' * (see issue #14)',
    ].join('\n');
    const found = findInternalReferences(before, 'old');
    expect(found.filter((line) => line.includes('section sign'))).toHaveLength(2);
    expect(found.filter((line) => line.includes('internal document'))).toHaveLength(2);
    expect(found.filter((line) => line.includes('customer name'))).toHaveLength(4);
    expect(found.filter((line) => line.includes('issue reference'))).toHaveLength(1);
  });

  it('lets neutral text through, "pixels" included', () => {
    const neutral = ' * 5 pixels per module (a 325-pixel square); `sales` and `Sales` are two sessions.';
    expect(findInternalReferences(neutral, 'new')).toEqual([]);
  });
});

describe('what ships', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('the type declarations in dist/ cite nothing internal and name no customer', () => {
    const files = declarationFiles(join(ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(4);
    const found = files.flatMap((file) =>
      findInternalReferences(readFileSync(file, 'utf8'), relative(ROOT, file)),
    );
    expect(found).toEqual([]);
  });

  it('the strings of the built code in dist/ (messages, hints, help) cite nothing internal and name no customer', () => {
    const files = scriptFiles(join(ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(4);
    // The checker sees an escaped section sign as one (a bundler writes "§" as "\xA7").
    expect(findInternalReferences(codeLines('hint("see notes \\xA77.1")'), 'probe')).toHaveLength(1);
    const found = files.flatMap((file) =>
      findInternalReferences(codeLines(readFileSync(file, 'utf8')), relative(ROOT, file)),
    );
    expect(found).toEqual([]);
  });

  it('the help of the program and of every command cites nothing internal and names no customer', () => {
    expect(COMMANDS.length).toBeGreaterThan(5);
    const found = [[], ...COMMANDS.map((command) => [command.name])].flatMap((args) => {
      const help = execFileSync(process.execPath, [BIN, ...args, '--help'], {
        encoding: 'utf8',
        env: { ...process.env, COLUMNS: '120', NO_COLOR: '1' },
      });
      expect(help).toContain('Usage: whatsapp-gateway');
      return findInternalReferences(help, ['whatsapp-gateway', ...args, '--help'].join(' '));
    });
    expect(found).toEqual([]);
  });

  it('the README and the docs pages cite nothing internal and name no customer', () => {
    const pages = ['README.md', 'docs/guide.md', 'docs/troubleshooting.md'];
    const found = pages.flatMap((page) =>
      findInternalReferences(readFileSync(join(ROOT, page), 'utf8'), page),
    );
    expect(found).toEqual([]);
  });
});
