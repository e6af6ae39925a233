/**
 * The stored (JSON) forms of history entries and pending work, for the stores that persist them (file,
 * Redis): checked with zod when read back, since a file or a Redis key can hold anything. Apart from
 * `shared.ts` because building a zod schema is a call a bundler must keep: here, only the `store` subpath
 * carries them, not the core entry with its `MemoryStore`.
 * @internal
 * @module
 */
import { z } from 'zod';
import type { PendingWork, RepairRecord } from './types.js';

/** The stored (JSON) form of a {@link RepairRecord}: times as epoch ms. @internal */
export const storedRecord = z.object({
  at: z.number().finite(),
  kind: z.enum(['restart', 'repair', 'reconnect']),
  rung: z.number().int().optional(),
  outcome: z.enum(['ok', 'failed']),
  status: z.string().max(64).optional(),
  detail: z.string().max(500).optional(),
});
/** @internal */
export type StoredRecord = z.infer<typeof storedRecord>;

/** @internal */
export const storedPending = z.object({
  kind: z.literal('recreate'),
  since: z.number().finite(),
  detail: z.string().max(500).optional(),
});
/** @internal */
export type StoredPending = z.infer<typeof storedPending>;

/** @internal */
export function toStoredRecord(record: RepairRecord): StoredRecord {
  const stored: StoredRecord = { at: record.at.getTime(), kind: record.kind, outcome: record.outcome };
  if (record.rung !== undefined) stored.rung = record.rung;
  if (record.status !== undefined) stored.status = record.status.slice(0, 64);
  if (record.detail !== undefined) stored.detail = record.detail.slice(0, 500);
  return stored;
}

/** @internal */
export function fromStoredRecord(stored: StoredRecord): RepairRecord {
  const record: RepairRecord = { at: new Date(stored.at), kind: stored.kind, outcome: stored.outcome };
  if (stored.rung !== undefined) record.rung = stored.rung;
  if (stored.status !== undefined) record.status = stored.status;
  if (stored.detail !== undefined) record.detail = stored.detail;
  return record;
}

/** @internal */
export function toStoredPending(work: PendingWork): StoredPending {
  const stored: StoredPending = { kind: work.kind, since: work.since.getTime() };
  if (work.detail !== undefined) stored.detail = work.detail.slice(0, 500);
  return stored;
}

/** @internal */
export function fromStoredPending(stored: StoredPending): PendingWork {
  const work: PendingWork = { kind: stored.kind, since: new Date(stored.since) };
  if (stored.detail !== undefined) work.detail = stored.detail;
  return work;
}

/** Parses one stored history entry; one that does not parse is dropped rather than failing the read. @internal */
export function parseRecord(json: string | null | undefined): RepairRecord | null {
  if (!json) return null;
  try {
    const parsed = storedRecord.safeParse(JSON.parse(json));
    return parsed.success ? fromStoredRecord(parsed.data) : null;
  } catch {
    return null;
  }
}

/** @internal */
export function parsePending(json: string | null | undefined): PendingWork | null {
  if (!json) return null;
  try {
    const parsed = storedPending.safeParse(JSON.parse(json));
    return parsed.success ? fromStoredPending(parsed.data) : null;
  } catch {
    return null;
  }
}
