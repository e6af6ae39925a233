import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/** Modules per side, as in a version-1 QR code (only the look; the image is not a scannable QR). */
const MODULES = 21;
/** Light border around the grid, in modules (a real QR asks for 4). */
const QUIET_ZONE = 2;
/** Pixels per module: small, but large enough to see in a terminal image viewer. */
const SCALE = 4;

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC), as PNG chunks need; `zlib.crc32` only exists from Node 20.15. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** True for the three 7×7 "finder" squares of a QR code, so the picture reads as a QR at a glance. */
function finder(x: number, y: number): boolean | undefined {
  for (const [ox, oy] of [
    [0, 0],
    [MODULES - 7, 0],
    [0, MODULES - 7],
  ] as const) {
    const dx = x - ox;
    const dy = y - oy;
    if (dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7) {
      if (dx === -1 || dx === 7 || dy === -1 || dy === 7) return false; // separator
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      return ring !== 2;
    }
  }
  return undefined;
}

/** The module grid for `text`: finder squares, then bits of SHA-256(text, counter). */
function modules(text: string): boolean[][] {
  const bits: boolean[] = [];
  for (let counter = 0; bits.length < MODULES * MODULES; counter++) {
    const digest = createHash('sha256').update(`${counter}\u0000${text}`).digest();
    for (const byte of digest) for (let b = 7; b >= 0; b--) bits.push(((byte >> b) & 1) === 1);
  }
  return Array.from({ length: MODULES }, (_, y) =>
    Array.from({ length: MODULES }, (_, x) => finder(x, y) ?? bits[y * MODULES + x]!),
  );
}

/**
 * Renders a small, valid, deterministic PNG for a string: a QR-looking black-and-white grid hashed from
 * `text`.
 *
 * The fakes use it for WPPConnect's QR images (`status-session` data URLs, `qrcode-session` bytes, the
 * gateway's `qr` base64), so each distinct `urlcode` gives distinct bytes and a test can tell a rotated or
 * stale QR from the current one by comparing images. It is not a scannable QR code: the fakes only need
 * PNG bytes that any decoder accepts, and the text itself travels as `urlcode`.
 *
 * @param text - Usually a WPPConnect `urlcode` such as `2@imobsites-0`.
 * @returns 8-bit greyscale PNG bytes, starting with the PNG signature `89 50 4E 47 0D 0A 1A 0A`.
 */
export function pngFor(text: string): Uint8Array {
  const cached = rendered.get(text);
  if (cached) return cached.slice();
  const png = render(text);
  // Every status read of a QRCODE session renders its QR: a small cache keeps big fleets in tests cheap.
  if (rendered.size >= RENDER_CACHE_SIZE) rendered.delete(rendered.keys().next().value as string);
  rendered.set(text, png);
  return png.slice();
}

const RENDER_CACHE_SIZE = 256;
const rendered = new Map<string, Uint8Array>();

function render(text: string): Uint8Array {
  const grid = modules(text);
  const size = (MODULES + 2 * QUIET_ZONE) * SCALE;
  const raw = new Uint8Array(size * (size + 1));
  for (let py = 0; py < size; py++) {
    const row = py * (size + 1);
    raw[row] = 0; // filter type: None
    const my = Math.floor(py / SCALE) - QUIET_ZONE;
    for (let px = 0; px < size; px++) {
      const mx = Math.floor(px / SCALE) - QUIET_ZONE;
      const dark = my >= 0 && my < MODULES && mx >= 0 && mx < MODULES && grid[my]![mx]!;
      raw[row + 1 + px] = dark ? 0x00 : 0xff;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
  const parts = [
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
