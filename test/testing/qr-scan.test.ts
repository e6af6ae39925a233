/**
 * The QR codes are real: the fakes' PNG images and the CLI's terminal drawing both read back, with a real QR
 * decoder, as the `urlcode` they were made from, and the images have the size of WPPConnect's.
 */
import { describe, expect, it } from 'vitest';
import { qrColumns, renderQr } from '../../src/cli/qr.js';
import { terminalSafe } from '../../src/cli/text.js';
import { toQrCode } from '../../src/qr.js';
import { FakeWppConnect, ManualClock, pngFor } from '../../src/testing/index.js';
import { decodePng, readQrDrawing, readQrPng } from '../helpers/qr-reader.js';

// A urlcode the length of WPPConnect's real ones: `2@` and four comma-separated base64 fields.
const REAL_LENGTH = `2@${'A1b2C3d4E5f6G7h8'.repeat(6)},${'xYz0'.repeat(11)}=,${'Kq9/'.repeat(11)}=,${'Mn8+'.repeat(7)}=`;

describe('the fakes draw scannable QR codes of realistic size', () => {
  it.each(['2@sales-0', '2@support-team.2-7', REAL_LENGTH])('pngFor(%s) scans back to its text', (text) => {
    expect(readQrPng(pngFor(text))).toBe(text);
  });

  it('is at least 57 modules (version 10) with a quiet zone: 325 px or more, like WPPConnect’s images', () => {
    const picture = decodePng(pngFor('2@a-0'));
    expect(picture.width).toBe(picture.height);
    expect(picture.width).toBeGreaterThanOrEqual(325);
    // The quiet zone is light all round.
    for (let i = 0; i < picture.width; i++) {
      expect(picture.dark(i, 0) || picture.dark(0, i) || picture.dark(i, picture.height - 1)).toBe(false);
    }
  });

  it('the data URL of a fake session holding a QR decodes to that session’s urlcode', async () => {
    const clock = new ManualClock();
    const wpp = new FakeWppConnect({ clock });
    wpp.seed('sales', { status: 'QRCODE' });
    const urlcode = wpp.session('sales')!.urlcode!;
    const qr = toQrCode(Buffer.from(pngFor(urlcode)).toString('base64'), urlcode);
    expect(readQrPng(Buffer.from(qr.base64, 'base64'))).toBe(urlcode);
  });

  it('is deterministic per text and distinct across texts', () => {
    const a = Buffer.from(pngFor('2@s-0'));
    expect(Buffer.from(pngFor('2@s-0')).equals(a)).toBe(true);
    expect(Buffer.from(pngFor('2@s-1')).equals(a)).toBe(false);
  });
});

describe('the CLI draws scannable QR codes', () => {
  it.each([
    ['colour', true],
    ['plain, for a dark background', false],
  ])('%s: the drawing scans back to the urlcode', async (_name, color) => {
    for (const text of ['2@sales-0', REAL_LENGTH]) {
      // As the terminal receives it: the command's own escape stand-ins made real.
      const drawing = terminalSafe(await renderQr(text, { color }));
      expect(readQrDrawing(drawing)).toBe(text);
      const widths = new Set(
        drawing
          .replace(/\x1b\[[\d;]*m/g, '')
          .trimEnd()
          .split('\n')
          .map((l) => [...l].length),
      );
      expect([...widths]).toEqual([qrColumns(text)]);
    }
  });

  it('a real-length urlcode is 61 columns or so wide, a short one about 25', () => {
    expect(qrColumns('2@sales-0')).toBeLessThanOrEqual(29);
    expect(qrColumns(REAL_LENGTH)).toBeGreaterThanOrEqual(53);
  });
});
