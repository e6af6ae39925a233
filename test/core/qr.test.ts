/** QR codes: data URL or bare base64 in, one `QrCode` shape out; PNG bytes in, the same shape. */
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../src/errors.js';
import { qrFromPng, toQrCode } from '../../src/qr.js';

// A real 1×1 PNG.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('toQrCode', () => {
  it('a data URL and the bare base64 give the same base64', () => {
    const fromDataUrl = toQrCode(`data:image/png;base64,${PNG_BASE64}`);
    const fromBare = toQrCode(PNG_BASE64);

    expect(fromDataUrl.base64).toBe(PNG_BASE64);
    expect(fromBare.base64).toBe(PNG_BASE64);
    expect(fromDataUrl).toEqual(fromBare);
  });

  it('dataUrl carries the prefix and mimeType is image/png', () => {
    const qr = toQrCode(PNG_BASE64);
    expect(qr.dataUrl).toBe(`data:image/png;base64,${PNG_BASE64}`);
    expect(qr.mimeType).toBe('image/png');
    expect(Buffer.from(qr.base64, 'base64').subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('keeps urlcode when given, and has no urlcode key otherwise', () => {
    expect(toQrCode(PNG_BASE64, '2@abc,def==,ghi').urlcode).toBe('2@abc,def==,ghi');
    expect('urlcode' in toQrCode(PNG_BASE64)).toBe(false);
    expect('urlcode' in toQrCode(PNG_BASE64, null)).toBe(false);
    expect('urlcode' in toQrCode(PNG_BASE64, '')).toBe(false);
  });

  it('strips whitespace and line breaks inside the base64 and around the value', () => {
    const wrapped = `  data:image/png;base64,${PNG_BASE64.slice(0, 20)}\n${PNG_BASE64.slice(20)}\n`;
    expect(toQrCode(wrapped).base64).toBe(PNG_BASE64);
  });

  it.each([
    ['empty', ''],
    ['only a prefix', 'data:image/png;base64,'],
    ['prose (valid base64 once its spaces go)', 'QR code not available'],
    ['a status word', 'CONNECTED'],
    ['a JPEG', '/9j/4AAQSkZJRgABAQAAAQABAAD'],
    ['HTML', '<html>502</html>'],
    ['JSON', '{"qrcode":null}'],
  ])('garbage (%s) is a ResponseValidationError', (_, value) => {
    let caught: unknown;
    try {
      toQrCode(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const error = caught as ResponseValidationError;
    expect(error.code).toBe('invalid_response');
    expect(error.issues).toEqual([{ path: 'qr', message: 'expected a data URL or base64 PNG' }]);
  });
});

describe('qrFromPng', () => {
  it('encodes the bytes as base64, with the same shape as toQrCode', () => {
    const bytes = new Uint8Array(Buffer.from(PNG_BASE64, 'base64'));
    const qr = qrFromPng(bytes, 'raw-qr-text');
    expect(qr).toEqual({
      base64: PNG_BASE64,
      dataUrl: `data:image/png;base64,${PNG_BASE64}`,
      mimeType: 'image/png',
      urlcode: 'raw-qr-text',
    });
    expect(new Uint8Array(Buffer.from(qr.base64, 'base64'))).toEqual(bytes);
  });

  it('empty bytes are a ResponseValidationError', () => {
    expect(() => qrFromPng(new Uint8Array(0))).toThrow(ResponseValidationError);
  });
});
