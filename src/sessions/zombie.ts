/**
 * The zombie rule: connected, and the last *message* is older than the threshold. Presence and
 * acks are not proof of life. A session with no recorded activity is quiet, not dead, unless
 * the caller says otherwise.
 * @module
 */
import type { SessionStatus, ZombieEvidence } from './types.js';

/**
 * How far in the future a last activity may be before it is distrusted rather than only clamped: clocks of
 * two machines disagree by seconds, a DATETIME read in the wrong time zone by hours.
 * @internal
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** @internal */
export interface ZombieInputs {
  status: SessionStatus;
  /** The last activity the source reported, or `'failed'` when the source could not be read. */
  lastActivityAt: Date | null | 'failed';
  thresholdMs: number;
  now: number;
  noActivityIsZombie: boolean;
  sources: string[];
  /** When the session was last repaired into CONNECTED (by any process sharing the store): silence counts from then too. */
  restartedAt?: Date | null;
}

/** @internal */
export function evaluateZombie(input: ZombieInputs): { isZombie: boolean; evidence?: ZombieEvidence } {
  if (input.status !== 'connected') return { isZombie: false };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  const { thresholdMs, now } = input;
  const restartedAt = input.restartedAt ?? null;
  // Fail closed: without the activity, silence cannot be measured, so the verdict is unknown, not "alive".
  if (input.lastActivityAt === 'failed') {
    return {
      isZombie: false,
      evidence: {
        verdict: 'unknown',
        lastActivityAt: null,
        thresholdMs,
        silentForMs: null,
        sources: input.sources.filter((source) => source !== 'activity'),
        reason: 'connected, but the activity source failed: whether it is a zombie is unknown',
      },
    };
  }
  // A time in the future is clamped to now everywhere, and the evidence says so. Far in the future it is
  // distrusted: a row dated next year would otherwise keep a dead session "active" forever.
  const reported = input.lastActivityAt;
  const clamped = reported !== null && reported.getTime() > now;
  const lastActivityAt = clamped ? new Date(now) : reported;
  if (clamped && reported.getTime() - now > FUTURE_TOLERANCE_MS) {
    return {
      isZombie: false,
      evidence: {
        verdict: 'unknown',
        lastActivityAt,
        clampedFrom: reported,
        thresholdMs,
        silentForMs: null,
        sources: input.sources,
        reason: `connected, but the activity source reports a message ${hours(reported.getTime() - now)} in the future (clamped to now); its clock or time zone is wrong, so whether it is a zombie is unknown`,
      },
    };
  }
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
        verdict: isZombie ? 'zombie' : 'not_zombie',
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
  const since = baseline === lastActivityAt ? 'last message' : 'last restart';
  const evidence: ZombieEvidence = {
    verdict: isZombie ? 'zombie' : 'not_zombie',
    lastActivityAt,
    thresholdMs,
    silentForMs,
    sources: baseline === lastActivityAt ? input.sources : [...input.sources, 'restart'],
    reason: isZombie
      ? `connected, but no message for ${hours(silentForMs)} (threshold ${hours(thresholdMs)})`
      : `${since} ${hours(silentForMs)} ago, within the ${hours(thresholdMs)} threshold`,
  };
  if (restartedAt) evidence.restartedAt = restartedAt;
  if (clamped) {
    evidence.clampedFrom = reported;
    evidence.reason += ' (the source reported a time in the future, counted as now)';
  }
  return { isZombie, evidence };
}
