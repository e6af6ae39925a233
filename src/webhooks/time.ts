/**
 * Webhook times, normalized. The same body mixes units: top-level `timestamp` is unix
 * seconds in `message` envelopes and an ISO string in `connection.update`; `t` is seconds for `onmessage`
 * and milliseconds for `onpresencechanged`.
 * @module
 * @internal
 */

/**
 * Below this a number is unix seconds, from it on milliseconds. 1e12 ms is September 2001 and 1e12 s is
 * year 33658, so no real time of either unit falls on the wrong side.
 */
const SECONDS_BELOW = 1e12;

const NUMERIC = /^\d+(?:\.\d+)?$/;
// ISO 8601 as the gateway sends it (`toISOString()`), plus a space separator and offsets with minutes.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function fromEpoch(value: number): Date | null {
  // Zero and negatives mean "unknown" in practice; a 1970 date would only mislead the zombie rule.
  if (!Number.isFinite(value) || value <= 0) return null;
  return valid(new Date(value < SECONDS_BELOW ? value * 1000 : value));
}

function valid(date: Date): Date | null {
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A time from a webhook field: a number (seconds below 1e12, else milliseconds), a numeric string (same
 * rule) or an ISO 8601 string. Anything else, or a date out of range, gives `null`.
 * @internal
 */
export function toDate(value: unknown): Date | null {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (NUMERIC.test(text)) return fromEpoch(Number(text));
  const match = ISO.exec(text);
  if (!match) return null;
  const iso = text.replace(' ', 'T');
  // A date-time without an offset would be read in the host's time zone; read it as UTC so the result is
  // the same on every machine. (A bare date is UTC already.)
  return valid(new Date(match[1] === undefined && iso.length > 10 ? `${iso}Z` : iso));
}

/** The first candidate that is a valid time, or `null`. @internal */
export function firstDate(...candidates: unknown[]): Date | null {
  for (const candidate of candidates) {
    const date = toDate(candidate);
    if (date) return date;
  }
  return null;
}
