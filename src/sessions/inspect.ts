/**
 * Reading sessions: one (`getSession`), all (`listSessions`), and the report that ends every operation.
 * @module
 */
import { AbortError, NotFoundError, type WhatsAppSdkError } from '../errors.js';
import { assertSessionId, findCaseOnlyMatch } from '../ids.js';
import { mapThrough } from '../internal/adaptive-limit.js';
import type { RepairRecord } from '../store/types.js';
import { describeError, type SessionContext, type Trail } from './context.js';
import type { GatewayOutcome } from './gateway-steps.js';
import { highestRung, restartState } from './restarts.js';
import { deriveStatus, type WppEvidence } from './status.js';
import type { SessionInfo, SessionReport, SessionStatus } from './types.js';
import { type ObserveHints, observe } from './wpp-steps.js';
import { evaluateZombie } from './zombie.js';

/**
 * The ids a store can hold: a store refuses a whole batch with one id that breaks the session-id rules, and a
 * server may list such an id (a hostile or broken channel name). It has no activity or history in any store.
 */
function storable(ids: readonly string[]): string[] {
  return ids.filter((id) => {
    try {
      assertSessionId(id);
      return true;
    } catch {
      return false;
    }
  });
}

/** What one activity lookup gave: a time (or null) per id, or `'failed'` for every id of a failed lookup. */
export interface ActivityLookup {
  of(id: string): Date | null | 'failed';
}

/**
 * One batched activity lookup for many ids (never one call per session). A failed source makes the
 * zombie verdict of every id `unknown` (fail closed), never "no activity".
 * @internal
 */
export async function lastActivityOf(
  ctx: SessionContext,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<ActivityLookup> {
  if (!ctx.activity || ids.length === 0) return { of: () => null };
  const asked = (ctx.activity as unknown) === ctx.store ? storable(ids) : ids;
  if (asked.length === 0) return { of: () => null };
  try {
    const found = await ctx.activity.lastActivity(asked, signal);
    return { of: (id) => validDate(found.get(id)) };
  } catch (error) {
    if (signal?.aborted) throw new AbortError('The session operation was aborted');
    ctx.log('warn', 'activity source failed; zombie status is unknown', {
      error: describeError(error),
    });
    return { of: () => 'failed' };
  }
}

/**
 * One batched history lookup for many ids, beside the activity lookup (one round trip to the store, whatever
 * the count). A store that fails leaves the histories empty and a warning: the listing goes on, and the repairs
 * (which need the store's lease) fail closed.
 * @internal
 */
export async function historyOf(
  ctx: SessionContext,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<ReadonlyMap<string, readonly RepairRecord[]>> {
  const asked = storable(ids);
  if (asked.length === 0) return new Map();
  try {
    return await ctx.store.history(asked, signal);
  } catch (error) {
    if (signal?.aborted) throw new AbortError('The session operation was aborted');
    ctx.log('warn', 'session store failed; repair history unknown', { error: describeError(error) });
    return new Map();
  }
}

/** The history entry of a repair that ended in a report. */
function repairRecord(
  ctx: SessionContext,
  trail: Trail,
  gatewayStatus: string | null,
  evidence: WppEvidence | null,
  gatewayOutcome: GatewayOutcome | undefined,
): RepairRecord {
  const status =
    evidence?.status === 'CONNECTED' && evidence.alive !== false
      ? 'connected'
      : evidence?.status === 'QRCODE' || gatewayOutcome?.qr
        ? 'qr_required'
        : evidence?.status === 'PHONECODE'
          ? 'pairing_code'
          : !evidence && gatewayOutcome?.relayedStatus === 'CONNECTED'
            ? 'connected'
            : 'unknown';
  // A session the gateway does not list is not repaired, whatever WPPConnect says (design §3.10).
  const usable = status !== 'unknown' && gatewayStatus !== null;
  const record: RepairRecord = {
    at: new Date(ctx.clock.now()),
    kind: trail.kind,
    outcome: usable ? 'ok' : 'failed',
    status: gatewayStatus === null ? 'not listed by the gateway' : status,
  };
  const rung = highestRung(trail.actions);
  if (rung !== undefined) record.rung = rung;
  return record;
}

/** A source may hand back anything: only a valid Date is a time, an invalid one is a failed read. */
function validDate(value: unknown): Date | null | 'failed' {
  if (value === undefined || value === null) return null;
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : 'failed';
}

/** Builds a {@link SessionInfo} from the evidence, and emits `zombie` / `inconsistent` events. @internal */
export function buildInfo(
  ctx: SessionContext,
  id: string,
  gatewayStatus: string | null,
  wpp: WppEvidence | 'unavailable' | null,
  activity: Date | null | 'failed',
  history: readonly RepairRecord[],
  gatewayOutcome?: GatewayOutcome,
): SessionInfo {
  const derived = deriveStatus({ gatewayStatus, wpp });
  let status: SessionStatus = derived.status;
  let qr = wpp && wpp !== 'unavailable' && wpp.status === 'QRCODE' ? wpp.qr : null;
  if (gatewayOutcome) {
    // Gateway-only mode: what the gateway's QR endpoint said is fresher than its channel status.
    if (gatewayOutcome.qr) status = 'qr_required';
    else if (gatewayOutcome.relayedStatus === 'CONNECTED') status = 'connected';
    qr = gatewayOutcome.qr;
  }
  const sources = ['gateway'];
  if (wpp && wpp !== 'unavailable') {
    sources.push(`wppconnect:${wpp.status}`);
    if (wpp.aliveByMessageAgeMs !== undefined) sources.push('message:alive');
    else if (wpp.alive !== null) sources.push(wpp.alive ? 'probe:alive' : 'probe:dead');
  }
  if (ctx.activity) sources.push('activity');
  // The store's history: silence counts from the last repair into CONNECTED by any process, and restarts
  // without a message in between stretch the threshold (backoff) until the session needs a person.
  const restarts = restartState(
    history,
    clampToNow(activity, ctx.clock.now()),
    ctx.options.zombieAfterMs(id),
    ctx.options.maxRestarts,
  );
  const zombie = evaluateZombie({
    status,
    lastActivityAt: activity,
    thresholdMs: restarts.thresholdMs,
    now: ctx.clock.now(),
    noActivityIsZombie: ctx.options.noActivityIsZombie,
    sources,
    restartedAt: restarts.restartedAt,
  });
  if (zombie.evidence && zombie.evidence.verdict !== 'unknown') {
    zombie.evidence.restartsWithoutMessage = restarts.restartsWithoutMessage;
  }
  const needsPerson = zombie.isZombie && restarts.exhausted;
  const info: SessionInfo = {
    id,
    status,
    gatewayStatus,
    wppconnectStatus: wpp && wpp !== 'unavailable' ? wpp.status : null,
    alive: wpp && wpp !== 'unavailable' ? wpp.alive : null,
    // Clamped to now when the source reported the future; null when it failed.
    lastActivityAt: zombie.evidence ? zombie.evidence.lastActivityAt : clampToNow(activity, ctx.clock.now()),
    isZombie: zombie.isZombie,
    inconsistent: derived.inconsistent,
    notes: derived.notes,
    history: [...history],
    needsPerson,
  };
  if (needsPerson) {
    info.notes.push(
      `restarted ${restarts.restartsWithoutMessage} times without a message since: needs a person (a message or a reconnect by hand clears this)`,
    );
  }
  if (activity === 'failed')
    info.notes.push('the activity source failed, so whether it is a zombie is unknown');
  else if (zombie.evidence?.clampedFrom) {
    info.notes.push(
      `the activity source reported ${zombie.evidence.clampedFrom.toISOString()}, in the future: counted as now`,
    );
  }
  if (wpp && wpp !== 'unavailable' && wpp.aliveByMessageAgeMs !== undefined) {
    info.notes.push(
      `liveness probe skipped: a message arrived ${Math.round(wpp.aliveByMessageAgeMs / 1000)} s ago (within ${Math.round(ctx.options.recentMessageMs / 1000)} s), and a dead page delivers none`,
    );
  }
  if (zombie.evidence) info.zombie = zombie.evidence;
  if (qr) info.qr = qr;
  if (info.isZombie) ctx.emit('zombie', id, zombie.evidence?.reason);
  if (info.inconsistent) ctx.emit('inconsistent', id, derived.notes.join('; '));
  return info;
}

function clampToNow(activity: Date | null | 'failed', now: number): Date | null {
  if (activity === 'failed' || activity === null) return null;
  return activity.getTime() > now ? new Date(now) : activity;
}

async function evidenceOrUnavailable(
  ctx: SessionContext,
  id: string,
  signal: AbortSignal | undefined,
  hints: ObserveHints,
  notes: string[],
): Promise<WppEvidence | 'unavailable' | null> {
  if (!ctx.wpp) return null;
  try {
    return await observe(ctx, id, signal, hints);
  } catch (error) {
    if (error instanceof AbortError || signal?.aborted) throw error;
    notes.push(`WPPConnect lookup failed: ${describeError(error)}`);
    return 'unavailable';
  }
}

/**
 * All sessions: the gateway's list plus the sessions only WPPConnect knows, with one
 * activity lookup and one show-all-sessions for all of them, and WPPConnect lookups through the manager's
 * adaptive limit. The activity comes first because a recent message spares the session its liveness probe.
 * @internal
 */
export async function listSessions(
  ctx: SessionContext,
  signal: AbortSignal | undefined,
): Promise<SessionInfo[]> {
  const call = signal ? { signal } : {};
  const [channels, names] = await Promise.all([
    ctx.gateway.listChannels(call),
    ctx.wpp
      ? ctx.wpp.listSessionNames(call).catch((error: WhatsAppSdkError) => {
          if (signal?.aborted) throw error;
          ctx.log('warn', 'could not list WPPConnect sessions', { error: describeError(error) });
          return undefined;
        })
      : Promise.resolve(undefined),
  ]);
  const claims = new Map(channels.map((channel) => [channel.id, channel.status] as const));
  const knownNames = names ? new Set(names) : undefined;
  const ids = [...claims.keys(), ...(names ?? []).filter((name) => !claims.has(name))];
  const [activity, history] = await Promise.all([
    lastActivityOf(ctx, ids, signal),
    historyOf(ctx, ids, signal),
  ]);
  return mapThrough(
    ids,
    ctx.limit,
    async (id) => {
      const notes: string[] = [];
      const activityOf = activity.of(id);
      // A failed read proves nothing: no message age to stand in for the liveness probe.
      const lastMessageAt = activityOf === 'failed' ? null : activityOf;
      const wpp = await evidenceOrUnavailable(
        ctx,
        id,
        signal,
        { knownNames, lastMessageAt, limit: ctx.limit },
        notes,
      );
      const info = buildInfo(ctx, id, claims.get(id) ?? null, wpp, activityOf, history.get(id) ?? []);
      info.notes.push(...notes);
      return info;
    },
    signal,
  );
}

/**
 * One session. A miss on both sides returns status `missing`, except when another id differs only by letter
 * case: that is almost surely a typo, so it throws a {@link NotFoundError} naming the id that exists.
 * @internal
 */
export async function getSession(
  ctx: SessionContext,
  id: string,
  signal: AbortSignal | undefined,
): Promise<SessionInfo> {
  const call = signal ? { signal } : {};
  const [gatewayStatus, activity, history] = await Promise.all([
    ctx.gateway.getChannel(id, call).then(
      (channel) => channel.status as string | null,
      (error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      },
    ),
    lastActivityOf(ctx, [id], signal),
    historyOf(ctx, [id], signal),
  ]);
  const activityOf = activity.of(id);
  const lastMessageAt = activityOf === 'failed' ? null : activityOf;
  const notes: string[] = [];
  const wpp = await evidenceOrUnavailable(ctx, id, signal, { lastMessageAt }, notes);
  const absentOnWpp =
    wpp === null || wpp === 'unavailable' || (wpp.status === 'CLOSED' && wpp.known === false);
  if (gatewayStatus === null && absentOnWpp) {
    const [channels, names] = await Promise.all([
      ctx.gateway.listChannels(call),
      ctx.wpp ? ctx.wpp.listSessionNames(call).catch(() => [] as string[]) : Promise.resolve([] as string[]),
    ]);
    const existing = findCaseOnlyMatch(id, [...channels.map((c) => c.id), ...names]);
    if (existing) {
      throw new NotFoundError(
        `No session "${id}"; did you mean "${existing}"? Session ids are case-sensitive`,
        {
          status: 404,
          existingId: existing,
        },
      );
    }
  }
  const info = buildInfo(ctx, id, gatewayStatus, wpp, activityOf, history.get(id) ?? []);
  info.notes.push(...notes);
  return info;
}

/**
 * The report that ends create, ensure and reconnect: the gateway's claim read again (it may have changed),
 * the activity, the final evidence, and the trail. Emits `qr`, `connected` and `repaired`.
 * @internal
 */
export async function finishReport(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
  evidence: WppEvidence | null,
  gatewayOutcome?: GatewayOutcome,
): Promise<SessionReport> {
  const id = trail.sessionId;
  let gatewayStatus: string | null = null;
  try {
    gatewayStatus = (await ctx.gateway.getChannel(id, signal ? { signal } : {})).status;
  } catch (error) {
    if (error instanceof AbortError) throw error;
    trail.add('gateway.getChannel', `failed: ${describeError(error)}`);
  }
  const [activity, histories] = await Promise.all([
    lastActivityOf(ctx, [id], signal),
    historyOf(ctx, [id], signal),
  ]);
  const history = [...(histories.get(id) ?? [])];
  if (trail.repaired) {
    // Remembered before the report is built, so its zombie clock already counts from this repair, and kept
    // in the store, so every process (and the next run) sees it.
    const record = repairRecord(ctx, trail, gatewayStatus, evidence, gatewayOutcome);
    await ctx.store.appendHistory(id, record, signal).catch((error: unknown) => {
      if (signal?.aborted) throw new AbortError('The session operation was aborted');
      ctx.log('warn', 'could not record the repair in the session store', { error: describeError(error) });
    });
    history.push(record);
  }
  const info = buildInfo(ctx, id, gatewayStatus, evidence, activity.of(id), history, gatewayOutcome);
  if (info.qr) ctx.emit('qr', id, 'a QR code is ready to scan', { qr: info.qr });
  if (info.status === 'connected') ctx.emit('connected', id);
  if (trail.repaired)
    ctx.emit('repaired', id, trail.actions.map((a) => `${a.step}: ${a.outcome}`).join(' → '));
  const report: SessionReport = {
    ...info,
    repaired: trail.repaired,
    verifiedOnWppconnect: evidence !== null,
    actions: trail.actions,
  };
  if (info.status === 'pairing_code' && ctx.phone) await attachPairingCode(ctx, report, signal);
  return report;
}

/**
 * Puts the pairing code in the report: from the start's answer, else from a `phoneCode` webhook, waited for
 * (bounded by `qrWaitMs`) only when a webhook feed can deliver one.
 */
async function attachPairingCode(
  ctx: SessionContext,
  report: SessionReport,
  signal: AbortSignal | undefined,
): Promise<void> {
  const codes = ctx.pairing;
  let code = codes.get(report.id)?.code ?? null;
  if (code === null && codes.hasFeed) code = await codes.next(report.id, ctx.options.qrWaitMs, signal);
  if (signal?.aborted) throw new AbortError('The session operation was aborted');
  if (code !== null) {
    report.pairingCode = code;
    ctx.emit('pairing_code', report.id, 'a pairing code is ready to type on the phone', {
      pairingCode: code,
    });
    return;
  }
  report.notes.push(
    'WPPConnect shows the pairing code only in the phoneCode webhook here: watchSession() yields it when the webhook reaches the manager',
  );
}
