/**
 * The package as a stranger installs it: `npm pack`, then `npm install` of the tarball into an empty project
 * (offline, from the local npm cache; no msw anywhere), then the testing subpath's simulator and the README's
 * test recipe run there against the installed package.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/helpers.js';

const RECIPE = join(ROOT, 'test/recipe/testing-your-app.test.ts');
let dir: string;
let project: string;
let tarball: string;

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

/** Every installed package in an `npm ls --json` tree (an unmet optional peer shows as an empty entry). */
function names(tree: { dependencies?: Record<string, { version?: string }> }): string[] {
  return Object.entries(tree.dependencies ?? {}).flatMap(([name, sub]) =>
    sub.version === undefined
      ? []
      : [name, ...names(sub as { dependencies?: Record<string, { version?: string }> })],
  );
}

/**
 * A lockfile for an app depending on the tarball alone: the package's own dependencies pinned with the
 * integrity of this repository's lockfile, so `npm ci --offline` takes them from the npm cache (npm keeps no
 * registry metadata for them there, which a plain `npm install --offline` would need).
 */
function lockfile(tgz: string) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const locked = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { 'whatsapp-gateway-sdk': `file:${tgz}` } },
    'node_modules/whatsapp-gateway-sdk': {
      version: pkg.version,
      resolved: `file:${tgz}`,
      integrity,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
    },
  };
  for (const name of Object.keys(pkg.dependencies)) {
    const { version, integrity } = locked[`node_modules/${name}`];
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`,
      integrity,
    };
  }
  return { name: 'app', lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  ensureBuilt();
  if (!existsSync(join(ROOT, 'dist/testing/msw.js'))) sh('npx', ['tsup'], ROOT);
  dir = mkdtempSync(join(tmpdir(), 'wgs-pack-'));
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dir], ROOT)) as {
    filename: string;
  }[];
  tarball = join(dir, packed[0]!.filename);
  project = join(dir, 'app');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      dependencies: { 'whatsapp-gateway-sdk': `file:${tarball}` },
    }),
  );
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lockfile(tarball)));
  // Offline: every package comes from the local npm cache, found by the integrity the lockfile gives.
  sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('installed from the tarball, without msw', () => {
  it('brings ky, zod and the SDK only, and no command but whatsapp-gateway', () => {
    const tree = JSON.parse(sh('npm', ['ls', '--omit=dev', '--all', '--json'], project));
    expect(names(tree).sort()).toEqual(['ky', 'whatsapp-gateway-sdk', 'zod']);
    // What npm would fetch for this app: the lockfile npm wrote lists the same three packages.
    const installed = Object.keys(
      JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8')).packages,
    );
    expect(installed.sort()).toEqual([
      'node_modules/ky',
      'node_modules/whatsapp-gateway-sdk',
      'node_modules/zod',
    ]);
    expect(existsSync(join(project, 'node_modules/msw'))).toBe(false);
    expect(
      sh('ls', [join(project, 'node_modules/.bin')], project)
        .trim()
        .split('\n'),
    ).toEqual(['whatsapp-gateway']);
  });

  it('the testing subpath loads (import and require) and its simulator serves the SDK', () => {
    const script = `
      import { SessionManager, WhatsAppGatewayClient, WppConnectClient } from 'whatsapp-gateway-sdk';
      import { seedConnected, startFakeServers } from 'whatsapp-gateway-sdk/testing';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('whatsapp-gateway-sdk/testing');
      if (typeof cjs.startFakeServers !== 'function') throw new Error('require() of /testing');
      const sim = await startFakeServers();
      seedConnected(sim, 'sales');
      const manager = new SessionManager({
        gateway: new WhatsAppGatewayClient({ baseUrl: sim.gatewayUrl, secret: sim.secret }),
        wppconnect: new WppConnectClient({ baseUrl: sim.wppconnectUrl, secretKey: sim.secretKey }),
      });
      const [info] = await manager.listSessions();
      await sim.close();
      console.log(info.id, info.status);
    `;
    writeFileSync(join(project, 'sim.mjs'), script);
    expect(sh(process.execPath, ['sim.mjs'], project).trim()).toBe('sales connected');
  });

  it('the watch subpath follows a manager of the core, also from the other build (CommonJS beside ESM)', () => {
    const script = `
      import { SessionManager, WhatsAppGatewayClient, WppConnectClient } from 'whatsapp-gateway-sdk';
      import { watchSession } from 'whatsapp-gateway-sdk/watch';
      import { seedConnected, startFakeServers } from 'whatsapp-gateway-sdk/testing';
      import { createRequire } from 'node:module';
      // A second copy of the SDK: the CommonJS build, with its own classes.
      const cjs = createRequire(import.meta.url)('whatsapp-gateway-sdk/watch');
      const sim = await startFakeServers();
      seedConnected(sim, 'sales');
      const manager = new SessionManager({
        gateway: new WhatsAppGatewayClient({ baseUrl: sim.gatewayUrl, secret: sim.secret }),
        wppconnect: new WppConnectClient({ baseUrl: sim.wppconnectUrl, secretKey: sim.secretKey }),
      });
      const seen = [];
      for (const watch of [watchSession, cjs.watchSession]) {
        for await (const update of watch(manager, 'sales')) seen.push(update.type);
      }
      let refused = '';
      try { cjs.watchSession({}, 'sales'); } catch (error) { refused = error.code + ' ' + error.argument; }
      await sim.close();
      console.log(seen.join(' '), refused);
    `;
    writeFileSync(join(project, 'watch.mjs'), script);
    expect(sh(process.execPath, ['watch.mjs'], project).trim()).toBe(
      'connected connected invalid_argument manager',
    );
  });

  it('the msw subpath names what is missing', () => {
    writeFileSync(join(project, 'msw.mjs'), "await import('whatsapp-gateway-sdk/testing/msw');");
    let stderr = '';
    try {
      sh(process.execPath, ['msw.mjs'], project);
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/Cannot find package 'msw'/);
  });

  it("the README's test recipe passes against the installed package", () => {
    writeFileSync(join(project, 'app.test.ts'), readFileSync(RECIPE, 'utf8'));
    // vitest is the user's dev dependency; here the repository's copy stands in (linked after `npm ls`).
    symlinkSync(join(ROOT, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    const out = sh(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project],
      project,
    );
    expect(out).toMatch(/2 passed/);
  });
});

it('the README shows the recipe exactly as this test runs it', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- recipe:testing -->\n```ts\n([\s\S]*?)```\n<!-- \/recipe:testing -->/.exec(readme)?.[1];
  expect(block).toBe(readFileSync(RECIPE, 'utf8'));
});

it('the README links absolutely (the registry page has no docs/ or examples/ next to it)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((url) => !/^(https?:|#|mailto:)/.test(url));
  expect(relative).toEqual([]);
});
