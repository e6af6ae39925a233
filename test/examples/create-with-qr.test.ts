import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../examples/create-with-qr.js';
import { InvalidArgumentError } from '../../src/index.js';
import { capture, type Simulator, seedConnected, startSimulator } from './helpers.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let world: Simulator | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-with-qr-'));
});
afterEach(async () => {
  await world?.sim.close();
  world = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('examples/create-with-qr.ts', () => {
  it('creates the session on both sides and saves a valid PNG', async () => {
    world = await startSimulator();
    const outFile = join(dir, 'frontdesk.png');
    const output = capture();
    const { report, qrFile } = await main({
      ...world.connection,
      sessionId: 'frontdesk',
      outFile,
      out: output.out,
      webhookUrl: 'https://app.test/hooks/wpp/frontdesk',
    });

    expect(qrFile).toBe(outFile);
    const png = await readFile(outFile);
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(png.toString('base64')).toBe(report.qr?.base64);
    expect(report).toMatchObject({ status: 'qr_required', verifiedOnWppconnect: true });
    // The gateway propagated this one itself, so the manager had nothing to start: WPPConnect got the
    // gateway's start body, not our webhook URL (the manager sends it only on the starts it makes).
    expect(world.sim.wppconnect.session('frontdesk')).toMatchObject({ status: 'QRCODE', startCount: 1 });
    expect(output.text()).toMatch(/^gateway\.createChannel\s+ok/m);
    expect(output.lines).toContain('status: qr_required');
    expect(output.lines.at(-1)).toContain(`QR code saved to ${outFile}`);
  });

  it('repairs the FrontDesk fault (the gateway says "created" but never calls WPPConnect)', async () => {
    world = await startSimulator({ gateway: { faults: { dropPropagation: true } } });
    const output = capture();
    const { report, qrFile } = await main({
      ...world.connection,
      sessionId: 'FrontDesk',
      outFile: join(dir, 'qr.png'),
      out: output.out,
      webhookUrl: 'https://app.test/hooks/wpp/FrontDesk',
    });
    expect(report.repaired).toBe(true);
    // The manager started it on WPPConnect itself, with the webhook URL.
    expect(world.sim.wppconnect.session('FrontDesk')).toMatchObject({
      status: 'QRCODE',
      webhook: 'https://app.test/hooks/wpp/FrontDesk',
    });
    expect(report.actions.map((a) => `${a.step}: ${a.outcome}`)).toContain('verify: propagation missing');
    expect(output.lines).toContain('status: qr_required (repaired)');
    expect((await readFile(qrFile as string)).subarray(0, 8)).toEqual(PNG_MAGIC);
  });

  it('writes nothing when the session is already connected', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'marketing');
    const outFile = join(dir, 'none.png');
    const output = capture();
    const { report, qrFile } = await main({
      ...world.connection,
      sessionId: 'marketing',
      outFile,
      out: output.out,
    });
    expect(report.status).toBe('connected');
    expect(qrFile).toBeNull();
    expect(existsSync(outFile)).toBe(false);
    expect(output.lines.at(-1)).toBe('already connected: no QR needed');
  });

  it('rejects an id that cannot be a session before any request', async () => {
    world = await startSimulator();
    await expect(
      main({ ...world.connection, sessionId: 'a/../b', outFile: join(dir, 'x.png'), out: () => undefined }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(world.sim.gateway.calls).toHaveLength(0);
  });
});
