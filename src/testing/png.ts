import { generate } from 'lean-qr';
import { toPngBuffer } from 'lean-qr/extras/node_export';

/**
 * The smallest QR version the fakes draw (57×57 modules): the size of the codes WPPConnect shows for its
 * ~230-character `urlcode`, even though the fakes' own `urlcode`s are short, so that anything laid out around
 * a QR image is tested at its real size.
 */
const MIN_VERSION = 10;
/** Pixels per module, and the light border (quiet zone) in modules, as a scanner expects it. */
const SCALE = 5;
const QUIET_ZONE = 4;

/**
 * Renders a real, scannable QR code of `text` as a PNG, the way WPPConnect's QR images look: black on white,
 * at least 57×57 modules (version 10) with a 4-module quiet zone, 5 pixels per module (a 325-pixel square).
 *
 * The fakes use it for WPPConnect's QR images (`status-session` data URLs, `qrcode-session` bytes, the
 * gateway's `qr` base64): a phone or a QR reader scanning it reads back `text`, each distinct `urlcode`
 * gives distinct bytes, and the same text always gives the same bytes.
 *
 * @param text - Usually a WPPConnect `urlcode` such as `2@sales-0`.
 * @returns PNG bytes, starting with the PNG signature `89 50 4E 47 0D 0A 1A 0A`.
 */
export function pngFor(text: string): Uint8Array {
  const cached = rendered.get(text);
  if (cached) return cached.slice();
  const code = generate(text, { minVersion: MIN_VERSION });
  const png = new Uint8Array(
    toPngBuffer(code, { on: [0, 0, 0, 255], off: [255, 255, 255, 255], pad: QUIET_ZONE, scale: SCALE }),
  );
  // Every status read of a QRCODE session renders its QR: a small cache keeps big fleets in tests cheap.
  if (rendered.size >= RENDER_CACHE_SIZE) rendered.delete(rendered.keys().next().value as string);
  rendered.set(text, png);
  return png.slice();
}

const RENDER_CACHE_SIZE = 256;
const rendered = new Map<string, Uint8Array>();
