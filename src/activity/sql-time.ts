/**
 * Times read from a database, made UTC. A column with a zone (`TIMESTAMP` in MySQL, `timestamptz` in
 * PostgreSQL) names an instant and the query reads it as epoch seconds directly. A zone-less column
 * (`DATETIME`, `timestamp`) holds a wall-clock time, which is only an instant once we know the zone it was
 * written in: by default the database session's own zone (the zone `NOW()` wrote in), or the `timeZone`
 * option, converted here.
 * @module
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';

/** How a zone-less time becomes an instant. @internal */
export type WallClock =
  | { kind: 'server' }
  | { kind: 'offset'; minutes: number }
  | { kind: 'zone'; zone: string; format: Intl.DateTimeFormat };

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * Checks the `timeZone` option: `UTC`, an offset such as `+05:30` or `-03:00`, or an IANA zone name such as
 * `America/Sao_Paulo`. Undefined means the database session's zone.
 * @internal
 */
export function wallClock(value: unknown, argument: string): WallClock {
  if (value === undefined) return { kind: 'server' };
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(
      argument,
      "must be 'UTC', an offset such as '+05:30', or an IANA zone name",
    );
  }
  if (value === 'UTC' || value === 'Z') return { kind: 'offset', minutes: 0 };
  const offset = OFFSET.exec(value);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    if (Number(offset[2]) > 14 || Number(offset[3]) > 59) {
      throw new InvalidArgumentError(argument, 'is not a UTC offset between -14:00 and +14:00');
    }
    return { kind: 'offset', minutes: offset[1] === '-' ? -minutes : minutes };
  }
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: value,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'zone', zone: value, format };
  } catch {
    throw new InvalidArgumentError(
      argument,
      `is not a time zone this runtime knows (${JSON.stringify(value)})`,
    );
  }
}

/** The zone's offset from UTC at `epochMs`, in milliseconds. */
function zoneOffsetMs(format: Intl.DateTimeFormat, epochMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
  );
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The instant of a wall-clock time, given as "epoch milliseconds as if the wall clock were UTC".
 * In a daylight-saving gap or overlap, the offset in force just before is used (what most databases do).
 * @internal
 */
export function wallToEpoch(wallMs: number, clock: Exclude<WallClock, { kind: 'server' }>): number {
  if (clock.kind === 'offset') return wallMs - clock.minutes * 60_000;
  // Two steps converge everywhere except inside a gap or an overlap, where they settle on one side.
  let guess = wallMs - zoneOffsetMs(clock.format, wallMs);
  guess = wallMs - zoneOffsetMs(clock.format, guess);
  return guess;
}

/** A numeric value from a driver (number, numeric string, bigint), or NaN. @internal */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}
