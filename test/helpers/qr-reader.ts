/**
 * Reads QR codes back, as a phone would: from PNG bytes (the fakes' images) and from the text the CLI draws
 * in a terminal, with jsQR, a real QR decoder. A picture that merely looks like a QR reads as nothing.
 */

import { inflateSync } from 'node:zlib';
import jsqrModule from 'jsqr';

// jsQR's webpack bundle sets `module.exports.default`; its types describe an ES default export.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsqrModule as unknown as { default?: JsQr }).default ?? jsqrModule) as unknown as JsQr;

/** A decoded picture: `dark(x, y)` per pixel. */
interface Picture {
  width: number;
  height: number;
  dark(x: number, y: number): boolean;
}

/** The text inside the QR code of `picture`, or null when no QR code can be read there. */
function read(picture: Picture, scale = 1): string | null {
  const width = picture.width * scale;
  const height = picture.height * scale;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = picture.dark(Math.floor(x / scale), Math.floor(y / scale)) ? 0 : 255;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return jsQR(rgba, width, height)?.data ?? null;
}

/**
 * Decodes a PNG without filters (what QR encoders write): palette or greyscale, 1 or 8 bits per pixel.
 * @throws Error for anything else, so a test never silently reads garbage.
 */
export function decodePng(png: Uint8Array): Picture {
  const buf = Buffer.from(png);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let palette: number[] = [];
  const idat: Buffer[] = [];
  for (let offset = 8; offset < buf.length; ) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      colorType = data[9]!;
    } else if (type === 'PLTE') {
      palette = [...data];
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  if (![1, 8].includes(depth) || ![0, 3].includes(colorType))
    throw new Error(`unsupported PNG ${depth}/${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = Math.ceil((width * depth) / 8) + 1;
  const luminance = (value: number) =>
    colorType === 3
      ? (palette[value * 3]! + palette[value * 3 + 1]! + palette[value * 3 + 2]!) / 3
      : value * (depth === 1 ? 255 : 1);
  return {
    width,
    height,
    dark(x, y) {
      if (raw[y * stride] !== 0) throw new Error('filtered PNG rows are not supported here');
      const row = y * stride + 1;
      const value = depth === 8 ? raw[row + x]! : (raw[row + (x >> 3)]! >> (7 - (x & 7))) & 1;
      return luminance(value) < 128;
    },
  };
}

/** The text of the QR code in PNG bytes, or null. */
export function readQrPng(png: Uint8Array): string | null {
  return read(decodePng(png));
}

/**
 * The text of a QR code drawn in a terminal by the CLI: half blocks, one column per module and two modules
 * per line, either coloured (`▀` with black/white ANSI colours) or plain for a dark background (the drawn
 * parts are the light modules).
 */
export function readQrDrawing(drawing: string): string | null {
  const lines = drawing.replace(/\n+$/, '').split('\n');
  const rows: boolean[][] = [];
  for (const line of lines) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    if (line.includes('\x1b[')) {
      for (const match of line.matchAll(/(?:\x1b\[(\d+);(\d+)m)?▀/g)) {
        const [fg, bg] = match[1] ? [match[1], match[2]] : [undefined, undefined];
        const last = {
          fg: fg ?? (top.length ? (top.at(-1) ? '30' : '37') : '37'),
          bg: bg ?? (bottom.length ? (bottom.at(-1) ? '40' : '47') : '47'),
        };
        top.push(last.fg === '30');
        bottom.push(last.bg === '40');
      }
    } else {
      for (const char of line) {
        // Drawn = light: █ both light, ▀ top light, ▄ bottom light, space both dark.
        top.push(char === ' ' || char === '▄');
        bottom.push(char === ' ' || char === '▀');
      }
    }
    rows.push(top, bottom);
  }
  const width = Math.max(...rows.map((r) => r.length));
  // A light border around the drawing, as a screen around the terminal gives.
  const pad = 4;
  return read(
    {
      width: width + 2 * pad,
      height: rows.length + 2 * pad,
      dark: (x, y) => rows[y - pad]?.[x - pad] ?? false,
    },
    4,
  );
}
