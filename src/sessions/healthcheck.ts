/**
 * The fleet healthcheck: the TypeScript successor of Pixel Hub's `scripts/healthcheck_whatsapp_sessions.php`
 * (field notes §5.1). It lists, classifies, and optionally repairs with `reconnect`; one failing session never
 * stops the others.
 * @module
 */
import { AbortError, WhatsAppSdkError } from '../errors.js';
import { mapLimit } from '../internal/pool.js';
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

/** @internal */
export async function healthcheck(
  list: (signal?: AbortSignal) => Promise<SessionInfo[]>,
  reconnect: (id: string, options: ReconnectOptions) => Promise<SessionReport>,
  now: () => number,
  options: HealthcheckOptions,
): Promise<HealthReport> {
  const { signal } = options;
  const checkedAt = new Date(now());
  const infos = await list(signal);
  const entries: HealthEntry[] = infos.map((info) => ({
    id: info.id,
    health: classify(info),
    info,
    repair: 'skipped',
  }));
  const counts = {
    healthy: 0,
    zombie: 0,
    starting: 0,
    disconnected: 0,
    not_propagated: 0,
    unknown: 0,
    total: entries.length,
  };
  for (const entry of entries) counts[entry.health]++;

  // Unknown means the evidence could not be read: repairing blind could restart a healthy session. A starting
  // session goes to reconnect, which waits for it and restarts it only if it stays INITIALIZING too long.
  const toRepair = options.repair
    ? entries.filter((e) => e.health !== 'healthy' && e.health !== 'unknown')
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
        entry.report = await reconnect(entry.id, {
          force: entry.health === 'zombie',
          ...(signal ? { signal } : {}),
        });
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

  const ok = entries.every(
    (e) =>
      e.health === 'healthy' ||
      (e.repair === 'repaired' && e.report?.status === 'connected' && !e.report.isZombie),
  );
  return { checkedAt, counts, repairs, sessions: entries, ok };
}
