/**
 * zod schemas of the gateway's answers. Tolerant when reading (the wrapper's source is not public, so every
 * shape ever recorded is accepted); unknown keys are kept for `raw`.
 * @module
 */
// Shapes: field notes §3 and §10.
import { z } from 'zod';

const text = z.string();
const optionalText = z.string().nullish();

/** `success` is optional: some answers omit it, and a `success:false` body can come with HTTP 200. */
export const envelope = z.looseObject({
  success: z.boolean().optional(),
  error: z.unknown().optional(),
  message: z.unknown().optional(),
});

/** A channel as found in the list (flat) or nested under `channel` in the single-channel answer. */
export const channelRecord = z.looseObject({
  id: optionalText,
  channel_id: optionalText,
  session_id: optionalText,
  name: optionalText,
  status: optionalText,
  connection: optionalText,
  connected: z.boolean().nullish(),
});

export const listAnswer = z.union([
  z.array(channelRecord),
  envelope.extend({
    channels: z.array(channelRecord).optional(),
    data: z.unknown().optional(),
    total: z.number().optional(),
  }),
]);

/** `{ data: { channels: [...] } }`, a form existing PHP clients tolerate. */
export const nestedList = z.looseObject({ channels: z.array(channelRecord) });

/** The single-channel answer: nested under `channel`, or flat with the same fields as a list item. */
export const channelAnswer = envelope.extend({
  ...channelRecord.shape,
  channel: z.union([channelRecord, text]).nullish(),
});

export const createAnswer = envelope.extend({
  qr_required: z.boolean().nullish(),
  channel: z.union([channelRecord, text]).nullish(),
});

// Field notes §3, `extractQrFromResponse`.
/** Anything: the QR may sit under many keys, read by `findQr`. */
export const qrAnswer = envelope.extend({ status: optionalText });

export const sendAnswer = envelope.extend({
  id: optionalText,
  messageId: optionalText,
  message_id: optionalText,
  correlationId: optionalText,
  correlation_id: optionalText,
});

export const startAnswer = envelope.extend({ status: optionalText });

export type ChannelRecord = z.infer<typeof channelRecord>;
