/**
 * Shared plumbing for the transport tests: a base URL, a transport factory with a recording `sleep`, and a
 * helper that returns what a promise rejected with (and fails the test when it resolves instead).
 */
import type { SleepFn } from '../../src/http/delay.js';
import { Transport, type TransportOptions } from '../../src/http/transport.js';

export const BASE = 'http://api.test';

/** A `sleep` that records every requested delay and returns at once. */
export function recordingSleep(): { delays: number[]; sleep: SleepFn } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** A transport against {@link BASE} whose waits are recorded, never slept. */
export function makeTransport(overrides: Partial<TransportOptions> = {}): {
  transport: Transport;
  delays: number[];
} {
  const { delays, sleep } = recordingSleep();
  const transport = new Transport({
    service: 'gateway',
    baseUrl: BASE,
    sleep,
    timeoutMs: 5_000,
    ...overrides,
  });
  return { transport, delays };
}

/** Awaits `promise` and returns its rejection reason; throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Eight bytes of a real PNG signature plus the start of an IHDR chunk. */
export const PNG_BYTES = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

/** The nginx 502 page, byte for byte as nginx sends it. */
export const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n';

/** The nginx 504 page. */
export const NGINX_504 =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx/1.24.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n';

/** The nginx Basic-auth 401 page. */
export const NGINX_401 =
  '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.24.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n';
