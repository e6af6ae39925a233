import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock, pngFor, systemClock } from '../../src/testing/index.js';

describe('ManualClock', () => {
  it('starts at 2026-01-15T12:00Z and only moves when told', () => {
    const clock = new ManualClock();
    expect(clock.now()).toBe(Date.UTC(2026, 0, 15, 12));
    clock.advance(1_500);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 15, 12) + 1_500);
    clock.set(42);
    expect(clock.now()).toBe(42);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('sleep advances the time by ms and resolves on a microtask', async () => {
    const clock = new ManualClock(1_000);
    const pending = clock.sleep(250);
    expect(clock.now()).toBe(1_000);
    await pending;
    expect(clock.now()).toBe(1_250);
  });

  it('sleep rejects with the reason of an already aborted signal, without advancing', async () => {
    const clock = new ManualClock(0);
    const reason = new Error('stop');
    await expect(clock.sleep(100, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(clock.now()).toBe(0);
  });

  it('sleep rejects when the signal aborts before its microtask runs', async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const pending = clock.sleep(100, controller.signal);
    controller.abort(new Error('late'));
    await expect(pending).rejects.toThrow('late');
    expect(clock.now()).toBe(0);
  });
});

describe('systemClock', () => {
  it('sleep is abortable and rejects with the signal reason', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = systemClock.sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('aborted')), 10);
    await expect(pending).rejects.toThrow('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

/** Splits a PNG into chunks, checking each CRC with zlib's own crc32 when Node has it. */
function chunks(png: Uint8Array): Array<{ type: string; data: Buffer }> {
  const buf = Buffer.from(png);
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < buf.length; ) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    out.push({ type, data: buf.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return out;
}

describe('pngFor', () => {
  it('produces a PNG that decodes: signature, IHDR, IDAT, IEND', () => {
    const png = pngFor('2@sales-0');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts[0]!.type).toBe('IHDR');
    expect(parts.at(-1)!.type).toBe('IEND');
    const ihdr = parts[0]!.data;
    expect(ihdr.readUInt32BE(0)).toBe(ihdr.readUInt32BE(4));
    const idat = Buffer.concat(parts.filter((c) => c.type === 'IDAT').map((c) => c.data));
    expect(inflateSync(idat).length).toBeGreaterThan(0);
  });

  it('has valid chunk CRCs', async () => {
    const zlib = await import('node:zlib');
    const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    if (!crc32) return; // Node < 20.15 has no zlib.crc32 to compare with
    const buf = Buffer.from(pngFor('x'));
    for (let offset = 8; offset < buf.length; ) {
      const length = buf.readUInt32BE(offset);
      expect(buf.readUInt32BE(offset + 8 + length)).toBe(
        crc32(buf.subarray(offset + 4, offset + 8 + length)),
      );
      offset += 12 + length;
    }
  });
});
