/**
 * What a session's repair history says about its zombie clock and its restarts:
 * - silence counts from the later of the last message and the last repair that left it connected;
 * - each healthcheck restart of a silent session that no message followed doubles the wait before the next
 *   one (threshold, 2×, 4×), and after `maxRestarts` of them the healthcheck stops restarting it and asks for a
 *   person, until a message arrives or someone reconnects it by hand.
 * @module
 */
import type { RepairRecord } from '../store/types.js';

/** @internal */
export interface RestartState {
  /** The last repair that left the session connected: the zombie clock counts from it. */
  restartedAt: Date | null;
  /** Healthcheck restarts since the last message and the last reconnect by hand. */
  restartsWithoutMessage: number;
  /** The zombie threshold after the backoff. */
  thresholdMs: number;
  /** The healthcheck has restarted it `maxRestarts` times without a message: it must not again. */
  exhausted: boolean;
}

/** @internal */
export function restartState(
  history: readonly RepairRecord[],
  lastActivityAt: Date | null,
  baseThresholdMs: number,
  maxRestarts: number,
): RestartState {
  let restartedAt: Date | null = null;
  let lastManual = 0;
  for (const record of history) {
    if (record.outcome === 'ok' && record.status === 'connected') {
      if (!restartedAt || record.at > restartedAt) restartedAt = record.at;
    }
    if (record.kind === 'reconnect' && record.at.getTime() > lastManual) lastManual = record.at.getTime();
  }
  const since = Math.max(lastActivityAt?.getTime() ?? 0, lastManual);
  const restartsWithoutMessage = history.filter(
    (record) => record.kind === 'restart' && record.at.getTime() > since,
  ).length;
  const steps = Math.min(restartsWithoutMessage, Math.max(0, maxRestarts - 1));
  return {
    restartedAt,
    restartsWithoutMessage,
    thresholdMs: baseThresholdMs * 2 ** steps,
    exhausted: restartsWithoutMessage >= maxRestarts,
  };
}

/** The highest reconnect rung a trail reached, if any. @internal */
export function highestRung(actions: readonly { step: string }[]): number | undefined {
  let rung: number | undefined;
  for (const action of actions) {
    const n = /^rung (\d)/.exec(action.step)?.[1];
    if (n && (rung === undefined || Number(n) > rung)) rung = Number(n);
  }
  return rung;
}
