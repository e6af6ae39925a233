/**
 * Reading sessions: one (`getSession`), all (`listSessions`), and the report that ends every operation.
 * @module
 */
import { AbortError, NotFoundError, type WhatsAppSdkError } from '../errors.js';
import { findCaseOnlyMatch } from '../ids.js';
import { mapThrough } from '../internal/adaptive-limit.js';
import type { RepairRecord } from '../store/types.js';
import { describeError, type SessionContext, type Trail } from './context.js';
import type { GatewayOutcome } from './gateway-steps.js';
import { highestRung, restartState } from './restarts.js';
import { deriveStatus, type WppEvidence } from './status.js';
import type { SessionInfo, SessionReport, SessionStatus } from './types.js';
import { type ObserveHints, observe } from './wpp-steps.js';
import { evaluateZombie } from './zombie.js';

/** What the store and the activity source know of some sessions. @internal */
export interface SessionFacts {
  activity: ReadonlyMap<string, Date | null>;
  history: ReadonlyMap<string, readonly RepairRecord[]>;
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

/**
 * One batched activity lookup and one batched history lookup for many ids, side by side (design §2: never one
 * call per session). A source that fails leaves its map empty and a warning: the listing goes on.
 * @internal
 */
export async function factsOf(
  ctx: SessionContext,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<SessionFacts> {
  if (ids.length === 0) return { activity: new Map(), history: new Map() };
  const guard = async <T>(what: string, read: () => Promise<ReadonlyMap<string, T>>) => {
    try {
      return await read();
    } catch (error) {
      if (signal?.aborted) throw new AbortError('The session operation was aborted');
      ctx.log('warn', what, { error: describeError(error) });
      return new Map<string, T>();
    }
  };
  const [activity, history] = await Promise.all([
    ctx.activity
      ? guard('activity source failed; zombie status cannot be judged', () =>
          (ctx.activity as NonNullable<SessionContext['activity']>).lastActivity(ids, signal),
        )
      : Promise.resolve(new Map<string, Date | null>()),
    guard('session store failed; repair history unknown', () => ctx.store.history(ids, signal)),
  ]);
  return { activity, history };
}

/** Builds a {@link SessionInfo} from the evidence, and emits `zombie` / `inconsistent` events. @internal */
export function buildInfo(
  ctx: SessionContext,
  id: string,
  gatewayStatus: string | null,
  wpp: WppEvidence | 'unavailable' | null,
  facts: SessionFacts,
  gatewayOutcome?: GatewayOutcome,
): SessionInfo {
  const lastActivityAt = facts.activity.get(id) ?? null;
  const history = facts.history.get(id) ?? [];
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
  const restarts = restartState(
    history,
    lastActivityAt,
    ctx.options.zombieAfterMs(id),
    ctx.options.maxRestarts,
  );
  const zombie = evaluateZombie({
    status,
    lastActivityAt,
    thresholdMs: restarts.thresholdMs,
    now: ctx.clock.now(),
    noActivityIsZombie: ctx.options.noActivityIsZombie,
    sources,
    restartedAt: restarts.restartedAt,
  });
  if (zombie.evidence) zombie.evidence.restartsWithoutMessage = restarts.restartsWithoutMessage;
  const needsPerson = zombie.isZombie && restarts.exhausted;
  const info: SessionInfo = {
    id,
    status,
    gatewayStatus,
    wppconnectStatus: wpp && wpp !== 'unavailable' ? wpp.status : null,
    alive: wpp && wpp !== 'unavailable' ? wpp.alive : null,
    lastActivityAt,
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
 * All sessions: the gateway's list plus the sessions only WPPConnect knows (field notes §7.2), with one
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
  const facts = await factsOf(ctx, ids, signal);
  return mapThrough(
    ids,
    ctx.limit,
    async (id) => {
      const notes: string[] = [];
      const lastMessageAt = facts.activity.get(id) ?? null;
      const wpp = await evidenceOrUnavailable(
        ctx,
        id,
        signal,
        { knownNames, lastMessageAt, limit: ctx.limit },
        notes,
      );
      const info = buildInfo(ctx, id, claims.get(id) ?? null, wpp, facts);
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
  const [gatewayStatus, facts] = await Promise.all([
    ctx.gateway.getChannel(id, call).then(
      (channel) => channel.status as string | null,
      (error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      },
    ),
    factsOf(ctx, [id], signal),
  ]);
  const lastMessageAt = facts.activity.get(id) ?? null;
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
  const info = buildInfo(ctx, id, gatewayStatus, wpp, facts);
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
  const facts = await factsOf(ctx, [id], signal);
  if (trail.repaired) {
    // Remembered before the report is built, so its zombie clock already counts from this repair, and kept
    // in the store, so every process (and the next run) sees it.
    const record = repairRecord(ctx, trail, gatewayStatus, evidence, gatewayOutcome);
    await ctx.store.appendHistory(id, record, signal).catch((error: unknown) => {
      if (signal?.aborted) throw new AbortError('The session operation was aborted');
      ctx.log('warn', 'could not record the repair in the session store', { error: describeError(error) });
    });
    const history = new Map(facts.history);
    history.set(id, [...(facts.history.get(id) ?? []), record]);
    facts.history = history;
  }
  const info = buildInfo(ctx, id, gatewayStatus, evidence, facts, gatewayOutcome);
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
  const hub = ctx.hub;
  let code = hub?.pairingCode(report.id)?.code ?? null;
  if (code === null && hub?.hasFeed)
    code = await hub.nextPairingCode(report.id, ctx.options.qrWaitMs, signal);
  if (signal?.aborted) throw new AbortError('The session operation was aborted');
  if (code !== null) {
    report.pairingCode = code;
    ctx.emit('pairing_code', report.id, 'a pairing code is ready to type on the phone', {
      pairingCode: code,
    });
    return;
  }
  report.notes.push(
    'WPPConnect shows the pairing code only in the phoneCode webhook here: watch() yields it when the webhook reaches the manager',
  );
}
