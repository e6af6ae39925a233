import { ResponseValidationError } from './errors.js';

/** A QR code image, ready for an `<img src>`, a file or a terminal. */
export interface QrCode {
  /** PNG bytes, base64-encoded, without any `data:` prefix. */
  base64: string;
  /** The same image as a `data:image/png;base64,…` URL. */
  dataUrl: string;
  /** Always `image/png`: both APIs only produce PNG QR codes. */
  mimeType: 'image/png';
  /** The raw text encoded in the QR (WPPConnect's `urlcode`), when known: enough to draw it in a terminal. */
  urlcode?: string;
}

const DATA_URL_PREFIX = /^data:image\/[a-z+.-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** Prose such as "QR code not available" is valid base64 once its spaces go: only a PNG header proves an image. */
function startsWithPng(base64: string): boolean {
  const head = Buffer.from(base64.slice(0, 8), 'base64');
  return PNG_SIGNATURE.every((byte, i) => head[i] === byte);
}

/**
 * Builds a {@link QrCode} from what an API returned: a data URL or bare base64 (the gateway sends both).
 *
 * @param value - `data:image/png;base64,iVBOR…` or `iVBOR…`.
 * @param urlcode - The QR's text, when the API gave it.
 * @throws {@link ResponseValidationError} when the value is not base64 PNG data.
 */
export function toQrCode(value: string, urlcode?: string | null): QrCode {
  const base64 = value.trim().replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (base64.length === 0 || !BASE64.test(base64) || !startsWithPng(base64)) {
    throw new ResponseValidationError('QR code is not base64 image data', {
      issues: [{ path: 'qr', message: 'expected a data URL or base64 PNG' }],
    });
  }
  const qr: QrCode = { base64, dataUrl: `data:image/png;base64,${base64}`, mimeType: 'image/png' };
  if (urlcode) qr.urlcode = urlcode;
  return qr;
}

/** Builds a {@link QrCode} from PNG bytes (WPPConnect's `qrcode-session` answers `image/png`). */
export function qrFromPng(bytes: Uint8Array, urlcode?: string | null): QrCode {
  return toQrCode(Buffer.from(bytes).toString('base64'), urlcode);
}
