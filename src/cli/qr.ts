/**
 * QR codes for people: drawn in the terminal from WPPConnect's `urlcode` (the text inside the QR), or written
 * as the PNG WPPConnect produced. The code itself comes from `lean-qr` (bundled, no dependency at run time),
 * the same library the test fakes draw their QR images with.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Bitmap2D, generate } from 'lean-qr';
import type { QrCode } from '../qr.js';
import { ESC } from './text.js';

/** The light border around the drawn code, in modules. Scanners want one; two is enough on a screen. */
const MARGIN = 2;

/** How many terminal columns the drawing of `urlcode` takes (one per module, margins included). */
export function qrColumns(urlcode: string): number {
  return generate(urlcode).size + 2 * MARGIN;
}

/** Rows of module pairs: each terminal line shows two rows of modules with half-block characters. */
function pairs(code: Bitmap2D): { top: boolean; bottom: boolean }[][] {
  const lines: { top: boolean; bottom: boolean }[][] = [];
  for (let y = -MARGIN; y < code.size + MARGIN; y += 2) {
    const line: { top: boolean; bottom: boolean }[] = [];
    for (let x = -MARGIN; x < code.size + MARGIN; x++) {
      // Outside the code (margin, and the half row under an odd-sized code) is light.
      const dark = (yy: number) => yy < code.size && code.get(x, yy);
      line.push({ top: dark(y), bottom: dark(y + 1) });
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Draws the QR for `urlcode` as text, one terminal column per module and two modules per line.
 *
 * With colours (a terminal, no `NO_COLOR`) every cell is `▀` with explicit black/white foreground and
 * background colours, which gives the right polarity on any terminal theme. Without colours it draws the
 * light modules with half-block characters, for a dark background (the convention of terminal QR tools);
 * `--qr-out` gives an image when that does not scan.
 */
export async function renderQr(urlcode: string, { color }: { color: boolean }): Promise<string> {
  const lines = pairs(generate(urlcode));
  if (color) {
    // 30/40 black, 37/47 white: the top module is the foreground of ▀, the bottom one its background. A
    // code is written only when the pair changes, which keeps a 61-column code to a few kilobytes.
    return `${lines
      .map((line) => {
        let last = '';
        let text = '';
        for (const { top, bottom } of line) {
          const code = `${ESC}[${top ? 30 : 37};${bottom ? 40 : 47}m`;
          text += code === last ? '▀' : `${code}▀`;
          last = code;
        }
        return `${text}${ESC}[0m`;
      })
      .join('\n')}\n`;
  }
  const glyph = (top: boolean, bottom: boolean) => (top ? (bottom ? ' ' : '▄') : bottom ? '▀' : '█');
  return `${lines.map((line) => line.map(({ top, bottom }) => glyph(top, bottom)).join('')).join('\n')}\n`;
}

/**
 * Writes the QR's PNG (WPPConnect's own image, base64 in `qr.base64`) to `path`.
 * @returns The absolute path written.
 */
export async function writeQrPng(path: string, qr: QrCode, cwd: string): Promise<string> {
  const target = resolve(cwd, path);
  await writeFile(target, Buffer.from(qr.base64, 'base64'));
  return target;
}
