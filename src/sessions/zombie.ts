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
}

/** @internal */
export function evaluateZombie(input: ZombieInputs): { isZombie: boolean; evidence?: ZombieEvidence } {
  if (input.status !== 'connected') return { isZombie: false };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  const { lastActivityAt, thresholdMs, now } = input;
  if (lastActivityAt === null) {
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
  const silentForMs = Math.max(0, now - lastActivityAt.getTime());
  const isZombie = silentForMs > thresholdMs;
  return {
    isZombie,
    evidence: {
      lastActivityAt,
      thresholdMs,
      silentForMs,
      sources: input.sources,
      reason: isZombie
        ? `connected, but no message for ${hours(silentForMs)} (threshold ${hours(thresholdMs)})`
        : `last message ${hours(silentForMs)} ago, within the ${hours(thresholdMs)} threshold`,
    },
  };
}
