/**
 * The fleet healthcheck: the TypeScript successor of a PHP script, `scripts/healthcheck_whatsapp_sessions.php`. It lists, classifies, and optionally repairs with `reconnect`; one failing session never
 * stops the others.
 * @module
 */
import { AbortError, WhatsAppSdkError } from '../errors.js';
import { mapLimit } from '../internal/pool.js';
import type { PendingWork } from '../store/types.js';
import type { ReconnectOptions } from './reconnect.js';
import type { HealthClass, HealthEntry, HealthReport, SessionInfo, SessionReport } from './types.js';

/** Options of `healthcheck`. */
export interface HealthcheckOptions {
  /** Reconnect every unhealthy session (zombies are restarted with `force`). Default false. */
  repair?: boolean;
  /** With `repair`, say what would be repaired without doing it. Default false. */
  dryRun?: boolean;
  /** Most repairs at once (each may launch a browser on WPPConnect). Default 2. */
  repairConcurrency?: number;
  /** Aborts the check and any repair. */
  signal?: AbortSignal;
}

/** Which class a session falls in. @internal */
export function classify(info: SessionInfo): HealthClass {
  // WPPConnect has it, the gateway does not list it (a rung 4 cut short, or a channel deleted by hand): not
  // healthy whatever WPPConnect says, until the gateway lists it again.
  if (info.gatewayStatus === null && info.status !== 'unknown') return 'not_listed';
  if (info.needsPerson) return 'needs_person';
  if (info.status === 'connected') {
    // Fail closed: a failed activity source is not a healthy session.
    if (info.zombie?.verdict === 'unknown') return 'unknown';
    return info.isZombie ? 'zombie' : 'healthy';
  }
  if (info.status === 'starting') return 'starting';
  if (info.status === 'not_propagated') return 'not_propagated';
  if (info.status === 'unknown') return 'unknown';
  return 'disconnected';
}

function errorSummary(error: unknown): NonNullable<HealthEntry['error']> {
  if (error instanceof WhatsAppSdkError)
    return { name: error.name, code: error.code, message: error.message };
  return { name: error instanceof Error ? error.name : 'Error', code: 'unexpected', message: String(error) };
}

/**
 * A repair that left the session connected, not silent, and listed by the gateway (a session only WPPConnect
 * has is never counted as repaired).
 * @internal
 */
export function repairedToHealth(entry: HealthEntry): boolean {
  const report = entry.report;
  return (
    entry.repair === 'repaired' &&
    report?.status === 'connected' &&
    !report.isZombie &&
    report.gatewayStatus !== null
  );
}

/** @internal */
export async function healthcheck(
  list: (signal?: AbortSignal) => Promise<SessionInfo[]>,
  reconnect: (
    id: string,
    options: ReconnectOptions,
    health: HealthClass,
    since: number,
  ) => Promise<SessionReport>,
  now: () => number,
  options: HealthcheckOptions,
  pendingWork: (signal?: AbortSignal) => Promise<ReadonlyMap<string, PendingWork>>,
  getOne: (id: string, signal?: AbortSignal) => Promise<SessionInfo>,
): Promise<HealthReport> {
  const { signal } = options;
  const checkedAt = new Date(now());
  const [infos, pending] = await Promise.all([list(signal), pendingWork(signal)]);
  // Work a repair left unfinished on a session neither side lists any more (killed between the gateway's
  // DELETE and its re-create, and WPPConnect closed it since): looked at one by one, so it is not forgotten.
  const listed = new Set(infos.map((info) => info.id));
  for (const id of pending.keys()) if (!listed.has(id)) infos.push(await getOne(id, signal));
  const entries: HealthEntry[] = infos.map((info) => {
    const entry: HealthEntry = { id: info.id, health: classify(info), info, repair: 'skipped' };
    const work = pending.get(info.id);
    if (work) entry.pending = work;
    return entry;
  });
  const counts = {
    healthy: 0,
    zombie: 0,
    starting: 0,
    disconnected: 0,
    not_propagated: 0,
    unknown: 0,
    not_listed: 0,
    needs_person: 0,
    total: entries.length,
  };
  for (const entry of entries) counts[entry.health]++;

  // Unknown means the evidence could not be read: repairing blind could restart a healthy session. A starting
  // session goes to reconnect, which waits for it and restarts it only if it stays INITIALIZING too long.
  // A session that needs a person is left alone (restarting it again is what it was restarted for, three
  // times). One the gateway does not list is repaired only when a repair left the re-create pending: re-adding
  // a channel someone deleted on purpose is not a healthcheck's call.
  const toRepair = options.repair
    ? entries.filter(
        (e) =>
          e.health !== 'healthy' &&
          e.health !== 'unknown' &&
          e.health !== 'needs_person' &&
          (e.health !== 'not_listed' || e.pending !== undefined),
      )
    : [];
  const repairs = { attempted: 0, repaired: 0, failed: 0 };
  await mapLimit(
    toRepair,
    options.repairConcurrency ?? 2,
    async (entry) => {
      if (options.dryRun) {
        entry.repair = 'dry_run';
        return;
      }
      repairs.attempted++;
      try {
        entry.report = await reconnect(
          entry.id,
          { force: entry.health === 'zombie', ...(signal ? { signal } : {}) },
          entry.health,
          checkedAt.getTime(),
        );
        entry.repair = 'repaired';
        repairs.repaired++;
      } catch (error) {
        if (error instanceof AbortError || signal?.aborted) throw error;
        entry.repair = 'failed';
        entry.error = errorSummary(error);
        repairs.failed++;
      }
    },
    signal,
  );

  const ok = entries.every((e) => e.health === 'healthy' || repairedToHealth(e));
  return { checkedAt, counts, repairs, sessions: entries, ok };
}
