/**
 * The API reference as a reader sees it: typedoc builds it (0 warnings: warnings are errors in typedoc.json)
 * into a temp folder, a loopback server serves it, and headless Chromium opens the SessionManager page. The
 * lifecycle diagram is drawn there as an SVG, not shown as Mermaid source; modules carry the package's
 * import paths, and the navigation is grouped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

let out: string;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'wgs-api-'));
  execFileSync('npx', ['typedoc', '--out', out, '--logLevel', 'Warn'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 240_000,
  });
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(out, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(out) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (out) rmSync(out, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('API reference in Chromium', () => {
  it('the SessionManager page draws the session lifecycle diagram, not its source', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${base}/classes/whatsapp-gateway-sdk.SessionManager.html`);
    const figure = page.locator('figure.mermaid-diagram').first();
    await figure.scrollIntoViewIfNeeded();
    const box = await figure.locator('svg').boundingBox();
    expect(box?.width).toBeGreaterThan(600);
    expect(box?.height).toBeGreaterThan(150);
    const labels = await figure.locator('svg text').allTextContents();
    expect(labels.join(' ')).toContain('INITIALIZING: browser launching');
    expect(labels.join(' ')).toContain('M2 close-session + start-session');
    // No Mermaid source on the page, visible or not.
    expect(await page.locator('code.mermaid').count()).toBe(0);
    expect(await page.content()).not.toContain('flowchart TB');
    const shot = await figure.screenshot({ path: join(out, 'session-manager-diagram.png') });
    // A drawing, not an empty box: the same figure left blank (or filled black) is about 3 kB.
    expect(shot.length).toBeGreaterThan(8_000);
    // Nothing is fetched from outside (the diagram's web font included).
    expect(requests.filter((url) => !url.startsWith(base))).toEqual([]);
    await page.close();
  });

  it('modules are named by their import path, and the navigation is grouped', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/modules.html`);
    const modules = await page
      .locator('.col-content a.tsd-kind-module, .col-content .tsd-member-summary-name a')
      .allTextContents();
    for (const name of [
      'whatsapp-gateway-sdk',
      'whatsapp-gateway-sdk/watch',
      'whatsapp-gateway-sdk/testing',
      'whatsapp-gateway-sdk/testing/msw',
    ]) {
      expect(modules.map((m) => m.trim())).toContain(name);
    }
    await page.goto(`${base}/modules/whatsapp-gateway-sdk.html`);
    const headings = (await page.locator('.col-content h2').allTextContents()).map((h) => h.trim());
    expect(headings).toEqual(
      expect.arrayContaining(['Sessions', 'Gateway client', 'WPPConnect client', 'Errors']),
    );
    await page.close();
  });
});
