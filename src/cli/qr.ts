/**
 * QR codes for people: drawn in the terminal from WPPConnect's `urlcode` (the text inside the QR), or written
 * as the PNG WPPConnect produced.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import QRCode from 'qrcode';
import type { QrCode } from '../qr.js';

/**
 * Draws the QR for `urlcode` as text.
 *
 * With colours (a terminal, no `NO_COLOR`) it uses `qrcode`'s small terminal renderer, whose ANSI background
 * colours give the right polarity on any terminal theme. Without colours it uses half-block characters drawn
 * for a dark background (light modules are the drawn ones), the convention of terminal QR tools; `--qr-out`
 * gives an image when that does not scan.
 */
export function renderQr(urlcode: string, { color }: { color: boolean }): Promise<string> {
  if (color) return QRCode.toString(urlcode, { type: 'terminal', small: true });
  return QRCode.toString(urlcode, {
    type: 'utf8',
    margin: 2,
    color: { dark: '#ffffff', light: '#000000' },
  });
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
