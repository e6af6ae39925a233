/**
 * zod schemas of WPPConnect server answers. Every answer may
 * carry an extra `session` key (the server adds it when the request's Content-Type is exactly
 * `application/json`), so objects are loose.
 * @module
 */
import { z } from 'zod';

/** The server's session status vocabulary, in lifecycle order. */
export const WPP_STATUSES = ['CLOSED', 'INITIALIZING', 'QRCODE', 'PHONECODE', 'CONNECTED'] as const;

/**
 * Status as WPPConnect reports it. `null` (after a close-session) reads as `CLOSED`; the lower-case `qrcode` and
 * `phoneCode` of `waitQrCode` answers are upper-cased. A *missing* status is not `CLOSED`: every status answer
 * of the server carries the key, so a body without it (`{"success":false,…}` from something in between) is an
 * unknown shape, not evidence that the session is closed.
 */
export const wppStatus = z.preprocess(
  (value) => (value === null ? 'CLOSED' : typeof value === 'string' ? value.toUpperCase() : value),
  z.enum(WPP_STATUSES),
);

export const tokenAnswer = z.looseObject({
  status: z.string().optional(),
  session: z.string().optional(),
  // The token is sent back in an `Authorization` header: one a header cannot carry (a control character, a
  // space, non-ASCII) would make every later call fail as if the network were down. bcrypt tokens are
  // `$2b$10$` and `[./A-Za-z0-9_-]`.
  token: z.string().regex(/^[\x21-\x7e]+$/, 'expected a token of visible ASCII characters'),
  full: z.string().optional(),
});

export const statusAnswer = z.looseObject({
  status: wppStatus,
  qrcode: z.string().nullish(),
  urlcode: z.string().nullish(),
  version: z.string().nullish(),
});

/** qrcode-session's JSON answer (no QR now): its `status` is the session's, `null` before any start. */
export const qrJsonAnswer = z.looseObject({
  status: wppStatus,
  message: z.string().nullish(),
});

export const booleanAnswer = z.looseObject({
  status: z.union([z.boolean(), z.string()]),
  message: z.string().nullish(),
});

export const namesAnswer = z.looseObject({ response: z.array(z.string()) });

export const phoneAnswer = z.looseObject({ status: z.string().optional(), response: z.string() });

export const healthAnswer = z.looseObject({
  uptime: z.number().optional(),
  message: z.string().optional(),
  timestamp: z.number().optional(),
});
