/**
 * Size and start-up: the core entry's own code, minified and gzipped with its dependencies left out, each
 * subpath entry the same way, and the cold `import` time of the built package against importing its two
 * dependencies alone.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type PluginBuild } from 'esbuild';
import ts from 'typescript';
import { SIZE_COLUMNS, STARTUP_COLUMNS } from './lib/columns.js';
import { type BenchResult, runBenchmark, type Table } from './lib/report.js';
import { formatBytes, formatMs, formatRatio, summarize } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIZE_TARGET = 16 * 1024;
const STARTUP_TARGET = 1.5;
const STARTUP_RUNS = 25;
/** String literals at least this long are prose: error messages, notes, audit-trail texts. */
const PROSE_MIN = 24;

/**
 * The options of the issue: `--bundle --minify --format=esm --platform=node --external:ky --external:zod`;
 * for a subpath, every npm package is left out (its driver or framework is the user's). With `withoutProse`,
 * the sources are bundled with their long string literals emptied (see {@link emptyProse}).
 */
async function bundle(
  contents: string,
  allPackagesExternal = false,
  withoutProse = false,
): Promise<{ code: Buffer; metafile: Metafile }> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    ...(allPackagesExternal ? { packages: 'external' as const } : { external: ['ky', 'zod'] }),
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...(withoutProse
      ? {
          plugins: [
            {
              name: 'empty-prose',
              setup(on: PluginBuild) {
                on.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => ({
                  contents: emptyProse(path, await readFile(path, 'utf8')),
                  loader: 'ts',
                }));
              },
            },
          ],
        }
      : {}),
  });
  return { code: Buffer.from(result.outputFiles[0]!.contents), metafile: result.metafile };
}

/**
 * The source with every string literal of {@link PROSE_MIN}+ characters emptied (a template literal counts
 * its text parts together and keeps its expressions). Parsed with TypeScript, so quotes inside regular
 * expressions, comments and templates are not mistaken for strings; module specifiers are kept.
 */
function emptyProse(path: string, source: string): string {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
  const edits: Array<[number, number, string]> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (node.text.length >= PROSE_MIN) edits.push([node.getStart(file), node.getEnd(), "''"]);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const text = node.head.text + node.templateSpans.map((span) => span.literal.text).join('');
      if (text.length >= PROSE_MIN) {
        const kept = node.templateSpans.map((span) => `\${${span.expression.getText(file)}}`).join('');
        edits.push([node.getStart(file), node.getEnd(), `\`${kept}\``]);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end, text] of edits.reverse()) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

const gz = (code: Buffer | string) => gzipSync(code).length;

/** Bytes of minified output per source folder (`src/http`, `src/sessions`…). */
function byFolder(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs)[0]!;
  const folders = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const folder = path.includes('/') ? path.split('/').slice(0, -1).join('/') : path;
    folders.set(folder, (folders.get(folder) ?? 0) + input.bytesInOutput);
  }
  return [...folders].sort((a, b) => b[1] - a[1]);
}

async function size(): Promise<{ tables: Table[]; gzipped: number; notes: string[] }> {
  const whole = await bundle("export * from './src/index.ts';");
  const gzipped = gz(whole.code);
  const entries: Array<[string, string]> = [
    ['WhatsAppGatewayClient only', "export { WhatsAppGatewayClient } from './src/index.ts';"],
    ['both clients', "export { WhatsAppGatewayClient, WppConnectClient } from './src/index.ts';"],
    ['parseWebhook + ActivityTracker', "export { parseWebhook, ActivityTracker } from './src/index.ts';"],
    ['SessionManager alone (it is handed the clients)', "export { SessionManager } from './src/index.ts';"],
  ];
  const rows: string[][] = [
    [
      'core entry `.` (everything `src/index.ts` exports)',
      formatBytes(whole.code.length),
      formatBytes(gzipped),
    ],
  ];
  for (const [name, contents] of entries) {
    const { code } = await bundle(contents);
    rows.push([name, formatBytes(code.length), formatBytes(gz(code))]);
  }
  // Every subpath entry of the package, read from tsup.config.ts's entry map via package.json's exports.
  for (const [subpath, source] of await subpathEntries()) {
    const { code } = await bundle(`export * from './${source}';`, true);
    rows.push([
      `subpath \`${subpath}\` (\`${source}\`, with the core code it uses; npm packages external)`,
      formatBytes(code.length),
      formatBytes(gz(code)),
    ]);
  }
  const folders = byFolder(whole.metafile);
  const bare = await bundle("export * from './src/index.ts';", false, true);
  const prose = { literals: whole.code.length - bare.code.length, gzipSaved: gzipped - gz(bare.code) };
  const notes = [
    `Where the bytes are (minified, before gzip): ${folders.map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KiB`).join(', ')}.`,
    `String literals of ${PROSE_MIN}+ characters (error messages, likely causes, status notes, audit-trail texts) are ${formatBytes(prose.literals)} of the minified code and ${formatBytes(prose.gzipSaved)} of the gzipped size.`,
  ];
  if (gzipped > SIZE_TARGET) {
    notes.push(
      `Why 16 KB is missed: the core entry carries the two clients and the session manager (propagation, reconnect ladder, true status, zombies, healthcheck, leases and pending work), webhooks, the in-memory store, and the messages that make failures readable. What can live apart already does: live following (\`/watch\`), the HTTP handler (\`/http\`), the file and Redis stores (\`/store\`) and the SQL sources (\`/sql\`) are subpaths the core does not load (a test checks its module graph). A bundler keeps only what an app imports (rows above). Meeting 16 KB would take moving the session manager itself to a subpath (it is the core's main export): emptying every long diagnostic text, which would weaken every report, saves only ${formatBytes(prose.gzipSaved)} (line above).`,
    );
  }
  return {
    tables: [
      {
        title:
          'Own code: esbuild --bundle --minify --format=esm --platform=node --external:ky --external:zod, gzip by node:zlib (level 6)',
        columns: SIZE_COLUMNS,
        rows,
      },
    ],
    gzipped,
    notes,
  };
}

/** The package's subpath exports and the source each is built from (tsup.config.ts names them alike). */
async function subpathEntries(): Promise<Array<[string, string]>> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const config = await readFile(new URL('../tsup.config.ts', import.meta.url), 'utf8');
  const out: Array<[string, string]> = [];
  for (const subpath of Object.keys(pkg.exports)) {
    if (subpath === '.' || subpath.endsWith('.json')) continue;
    const name = `${subpath.slice(2)}/index`;
    const source = new RegExp(`'${name}':\\s*'([^']+)'`).exec(config)?.[1];
    if (source) out.push([subpath.replace('.', 'whatsapp-gateway-sdk'), source]);
  }
  return out;
}

/** One fresh `node` process importing `what`; returns the import time it measured and its wall time. */
function coldImport(what: string): { importMs: number; wallMs: number } {
  const script = `const t = performance.now(); await ${what}; process.stdout.write(String(performance.now() - t));`;
  const started = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  return { importMs: Number(out.toString()), wallMs: performance.now() - started };
}

function startup(): { tables: Table[]; ratio: number; sdkMs: number; baseMs: number } {
  const variants = {
    'whatsapp-gateway-sdk': "import('whatsapp-gateway-sdk')",
    'ky + zod alone': "Promise.all([import('ky'), import('zod')])",
  };
  const names = Object.keys(variants) as Array<keyof typeof variants>;
  const samples = Object.fromEntries(
    names.map((n) => [n, [] as Array<{ importMs: number; wallMs: number }>]),
  );
  for (const name of names) coldImport(variants[name]); // warm the OS file cache once
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const name of i % 2 === 0 ? names : [...names].reverse())
      samples[name]!.push(coldImport(variants[name]));
  }
  const stats = Object.fromEntries(
    names.map((n) => [
      n,
      {
        imports: summarize(samples[n]!.map((s) => s.importMs)),
        wall: summarize(samples[n]!.map((s) => s.wallMs)),
      },
    ]),
  );
  const sdkMs = stats['whatsapp-gateway-sdk']!.imports.median;
  const baseMs = stats['ky + zod alone']!.imports.median;
  return {
    ratio: sdkMs / baseMs,
    sdkMs,
    baseMs,
    tables: [
      {
        title: `Cold import, ${STARTUP_RUNS} fresh processes per variant, interleaved (\`node --input-type=module -e "…await import(…)…"\` in the package root, so the package resolves by its name and \`exports\`)`,
        columns: STARTUP_COLUMNS,
        rows: names.map((n) => [
          `\`${variants[n]}\``,
          formatMs(stats[n]!.imports.median),
          formatMs(stats[n]!.imports.p95),
          formatMs(stats[n]!.wall.median),
          formatMs(stats[n]!.wall.p95),
        ]),
      },
    ],
  };
}

export function sizeAndStartup(): Promise<BenchResult> {
  return runBenchmark('size-startup', '4. Size and start-up', async () => {
    const own = await size();
    const cold = startup();
    return {
      setup: [
        'Size: esbuild (the one tsup uses) bundles the sources with the issue’s flags; gzip is node:zlib’s default (level 6). 1 KB is taken as 1,024 bytes.',
        'Start-up: each sample is a new `node` process that times its own `await import(…)` with `performance.now()` (the figure compared) and is timed from spawn to exit by the runner (context: Node’s own boot dominates it). The package is the built `dist/`.',
      ],
      tables: [...own.tables, ...cold.tables],
      targets: [
        {
          label: 'Core entry `.`, own code, min + gzip, dependencies external',
          target: `≤ ${formatBytes(SIZE_TARGET)}`,
          actual: formatBytes(own.gzipped),
          pass: own.gzipped <= SIZE_TARGET,
        },
        {
          label: 'Cold import vs ky + zod alone (medians)',
          target: `≤ ${formatRatio(STARTUP_TARGET)}`,
          actual: `${formatRatio(cold.ratio)} (${formatMs(cold.sdkMs)} vs ${formatMs(cold.baseMs)})`,
          pass: cold.ratio <= STARTUP_TARGET,
        },
      ],
      notes: own.notes,
    };
  });
}
