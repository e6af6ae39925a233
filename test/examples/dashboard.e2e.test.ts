/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the simulator.
 * Create a session in the form, see its QR in the modal replaced as it rotates (Server-Sent Events), scan it
 * with the fake phone, see "connected".
 *
 * Skipped only when no Chromium binary exists (CI installs it: `apt-get install -y chromium`).
 * Set CHROMIUM_PATH to use another binary.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../../examples/dashboard/server.js';
import { createManager } from '../../examples/env.js';
import { ActivityTracker } from '../../src/index.js';
import { onmessage, type Simulator, seedConnected, startSimulator } from './helpers.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[dashboard.e2e] skipped: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  let world: Simulator | undefined;
  let dashboard: RunningDashboard | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    // The QR rotates every 1.5 s here (20 s on a real server), so the page must follow a rotation.
    world = await startSimulator({ wppconnect: { qrRotateMs: 1_500, autoCloseMs: 120_000 } });
    seedConnected(world.sim, 'sales');
    seedConnected(world.sim, 'support-team');
    const tracker = new ActivityTracker();
    tracker.record(onmessage('sales', 10 * 60_000));
    tracker.record(onmessage('support-team', 5 * 3_600_000)); // silent for 5 h: possibly dead
    const manager = createManager(world.connection, { activity: tracker, pollIntervalsMs: [100, 200] });
    dashboard = await startDashboard({ port: 0, manager, tracker });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(dashboard.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await world?.sim.close();
  });

  const badge = (id: string) => page.locator(`tr[data-id="${id}"] .badge`);

  it('lists the sessions with their badges, and the zombie reason', async () => {
    await badge('sales').waitFor();
    expect(await badge('sales').textContent()).toBe('connected');
    expect(await badge('support-team').textContent()).toBe('possibly dead');
    expect(await page.locator('tr[data-id="support-team"] .zombie-reason').textContent()).toMatch(
      /no message for 5(\.0)? h/,
    );
    expect(await page.locator('tr[data-id="sales"] .zombie-reason').count()).toBe(0);
    expect(await page.locator('tr[data-id="support-team"] button').textContent()).toBe('Restart');
  });

  it('creates a session from the form, follows its QR as it rotates, and says "connected" after the scan', async () => {
    await page.fill('#new-id', 'billing');
    await page.click('#new-session button[type="submit"]');

    const qr = page.locator('#modal-qr');
    await qr.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    // The browser decoded it: a real PNG, not a broken image.
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await badge('billing').waitFor();
    expect(await badge('billing').textContent()).toBe('QR pending');

    // The next QR arrives over SSE and replaces the first one in the same <img>.
    const first = await qr.getAttribute('src');
    await page.waitForFunction(
      () => Number(document.querySelector('#modal-qr')?.getAttribute('data-shown')) >= 2,
      null,
      {
        timeout: 15_000,
      },
    );
    const second = await qr.getAttribute('src');
    expect(second).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(second).not.toBe(first);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    world!.sim.wppconnect.scan('billing'); // the phone scans it

    const status = page.locator('#modal-status');
    await page.waitForFunction(
      () => document.querySelector('#modal-status')?.textContent === 'connected',
      null,
      {
        timeout: 15_000,
      },
    );
    expect(await status.getAttribute('data-state')).toBe('connected');
    expect(await qr.isHidden()).toBe(true);
    await page.waitForFunction(
      () => document.querySelector('tr[data-id="billing"] .badge')?.textContent === 'connected',
      null,
      { timeout: 10_000 },
    );
    await page.click('#modal-close');
    expect(await page.locator('#modal').isVisible()).toBe(false);
  });

  it('restarts a possibly dead session with the button, without a new QR', async () => {
    await page.click('tr[data-id="support-team"] button');
    await page.waitForFunction(
      () => document.querySelector('#modal-status')?.textContent === 'connected',
      null,
      {
        timeout: 15_000,
      },
    );
    expect(world!.sim.wppconnect.session('support-team')?.startCount).toBe(1); // close + start, login kept
    await page.click('#modal-close');
  });

  it('shows an SDK error in the modal', async () => {
    await page.fill('#new-id', 'bad:id');
    await page.click('#new-session button[type="submit"]');
    await page.waitForFunction(
      () => document.querySelector('#modal-status')?.getAttribute('data-state') === 'error',
    );
    expect(await page.locator('#modal-status').textContent()).toMatch(/^InvalidArgumentError: Invalid id/);
    await page.click('#modal-close');
  });
});
