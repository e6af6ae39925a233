/**
 * The zombie rule (design §3.3): connected, and the last *message* is older than the threshold. Presence and
 * acks are not proof of life (field notes §7.3). A session with no recorded activity is quiet, not dead, unless
 * the caller says otherwise.
 * @module
 */
import type { SessionStatus, ZombieEvidence } from './types.js';

/** @internal */
export interface ZombieInputs {
  status: SessionStatus;
  lastActivityAt: Date | null;
  thresholdMs: number;
  now: number;
  noActivityIsZombie: boolean;
  sources: string[];
  /** When this manager last restarted the session into CONNECTED, if it did: silence is counted from then too. */
  restartedAt?: Date | null;
}

/** @internal */
export function evaluateZombie(input: ZombieInputs): { isZombie: boolean; evidence?: ZombieEvidence } {
  if (input.status !== 'connected') return { isZombie: false };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  const { lastActivityAt, thresholdMs, now } = input;
  const restartedAt = input.restartedAt ?? null;
  // A restart is a fresh start: a zombie the manager just brought back gets the whole threshold again
  // (the baseline of anchors.md §C: the later of the last message and the connection time).
  // A quiet channel (no message ever) stays quiet after a restart unless no activity counts as dead.
  const countsFromRestart =
    restartedAt !== null &&
    (lastActivityAt === null ? input.noActivityIsZombie : restartedAt > lastActivityAt);
  const baseline = countsFromRestart ? restartedAt : lastActivityAt;
  if (baseline === null) {
    const isZombie = input.noActivityIsZombie;
    return {
      isZombie,
      evidence: {
        lastActivityAt,
        thresholdMs,
        silentForMs: null,
        sources: input.sources,
        reason: isZombie
          ? 'connected, and no message activity was ever recorded (noActivityIsZombie is on)'
          : 'connected, no message activity recorded: treated as a quiet channel, not a zombie',
      },
    };
  }
  const silentForMs = Math.max(0, now - baseline.getTime());
  const isZombie = silentForMs > thresholdMs;
  const since = baseline === lastActivityAt ? 'last message' : 'restart by this manager';
  const evidence: ZombieEvidence = {
    lastActivityAt,
    thresholdMs,
    silentForMs,
    sources: baseline === lastActivityAt ? input.sources : [...input.sources, 'restart'],
    reason: isZombie
      ? `connected, but no message for ${hours(silentForMs)} (threshold ${hours(thresholdMs)})`
      : `${since} ${hours(silentForMs)} ago, within the ${hours(thresholdMs)} threshold`,
  };
  if (restartedAt) evidence.restartedAt = restartedAt;
  return { isZombie, evidence };
}
