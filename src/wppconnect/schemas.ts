/**
 * zod schemas of WPPConnect server answers (contracts/wppconnect.md §1–§2, transcript §9). Every answer may
 * carry an extra `session` key (the server adds it when the request's Content-Type is exactly
 * `application/json`), so objects are loose.
 * @module
 */
import { z } from 'zod';

/** The server's session status vocabulary (wppconnect.md §3.1). */
export const WPP_STATUSES = ['CLOSED', 'INITIALIZING', 'QRCODE', 'PHONECODE', 'CONNECTED'] as const;

/**
 * Status as WPPConnect reports it. `null` (after a close-session) reads as `CLOSED`; the lower-case `qrcode` and
 * `phoneCode` of `waitQrCode` answers are upper-cased.
 */
export const wppStatus = z.preprocess(
  (value) =>
    value === null || value === undefined
      ? 'CLOSED'
      : typeof value === 'string'
        ? value.toUpperCase()
        : value,
  z.enum(WPP_STATUSES),
);

export const tokenAnswer = z.looseObject({
  status: z.string().optional(),
  session: z.string().optional(),
  token: z.string().min(1),
  full: z.string().optional(),
});

export const statusAnswer = z.looseObject({
  status: wppStatus,
  qrcode: z.string().nullish(),
  urlcode: z.string().nullish(),
  version: z.string().nullish(),
});

export const qrJsonAnswer = z.looseObject({
  status: z.string().nullish(),
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
