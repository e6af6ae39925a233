/**
 * The reconnect ladder: each rung is tried only when the one before did not give a live connection or a fresh
 * QR code, and each is recorded in the trail.
 *
 * 1. fresh QR: the session already shows a current QR (or is connected and alive): nothing to do;
 * 2. start: start-session (only useful when the session is CLOSED; ignored by WPPConnect otherwise);
 * 3. close + start: restart the browser, keeping the login (a zombie comes back without a QR);
 * 4. delete + recreate on the gateway, then start on WPPConnect.
 *
 * Logout is never done implicitly: it deletes the login and forces a new scan.
 * @module
 */
import {
  AbortError,
  NotFoundError,
  PropagationError,
  QrTimeoutError,
  type SessionAction,
} from '../errors.js';
import { findCaseOnlyMatch } from '../ids.js';
import type { SessionStartOptions } from './call-options.js';
import { describeError, type SessionContext, type Trail } from './context.js';
import { gatewayOnlyEnsure, recreate } from './gateway-steps.js';
import { finishReport } from './inspect.js';
import type { WppEvidence } from './status.js';
import type { SessionReport } from './types.js';
import { close, isReady, noteEvidence, observe, start, waitUntilReady } from './wpp-steps.js';

/** Options of `reconnect`. */
export interface ReconnectOptions extends SessionStartOptions {
  /** Aborts the ladder, including any wait. */
  signal?: AbortSignal;
  /**
   * Restart even when WPPConnect reports the session connected and alive (skips rungs 1 and 2). For zombies:
   * connected by every probe, yet silent. The login is kept, so no new QR is needed.
   */
  force?: boolean;
}

/** Runs a rung's wait; a rung that times out or gets stuck hands over to the next rung. */
async function tryWait(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<WppEvidence | null> {
  try {
    return await waitUntilReady(ctx, trail.sessionId, trail, signal, { recover: false });
  } catch (error) {
    if (error instanceof PropagationError || error instanceof QrTimeoutError) {
      trail.add('rung result', `no QR or connection: ${describeError(error)}`);
      return null;
    }
    throw error;
  }
}

function rung(trail: Trail, n: number, name: string): void {
  trail.add(`rung ${n}: ${name}`, 'trying');
}

function failed(id: string, actions: readonly SessionAction[]): PropagationError {
  return new PropagationError(`Every reconnect rung failed for "${id}"`, {
    sessionId: id,
    actions,
    likelyCause:
      'WPPConnect cannot bring this session up. Check its logs for Chromium errors; a session stuck INITIALIZING needs its orphaned browser ended or WPPConnect restarted.',
  });
}

/** The refusals of {@link assertKnown}, so an `ensureSession` that joined this reconnect can tell them apart. @internal */
export const unknownSessionRefusals = new WeakSet<Error>();

/**
 * A reconnect brings back a session that exists somewhere; it never creates one. An id that neither the
 * gateway nor WPPConnect knows (a typo, a wrong letter case) would otherwise be started on WPPConnect alone,
 * where the gateway never lists it. Only a definite "not found" stops it: when the gateway
 * cannot be asked, the reconnect goes on, as before.
 */
async function assertKnown(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<void> {
  const id = trail.sessionId;
  const call = signal ? { signal } : {};
  try {
    await ctx.gateway.getChannel(id, call);
    return;
  } catch (error) {
    if (error instanceof AbortError || signal?.aborted) throw error;
    if (!(error instanceof NotFoundError)) {
      trail.add('gateway.getChannel', `failed: ${describeError(error)}`, 'cannot tell whether it exists');
      return;
    }
  }
  const [channels, names] = await Promise.all([
    ctx.gateway.listChannels(call).catch(() => []),
    ctx.wpp ? ctx.wpp.listSessionNames(call).catch(() => [] as string[]) : Promise.resolve([] as string[]),
  ]);
  const existing = findCaseOnlyMatch(id, [...channels.map((c) => c.id), ...names]);
  const refusal = new NotFoundError(
    existing
      ? `No session "${id}" to reconnect; did you mean "${existing}"? Session ids are case-sensitive`
      : `No session "${id}" to reconnect: neither the gateway nor WPPConnect knows it (createSession creates one)`,
    { status: 404, ...(existing ? { existingId: existing } : {}) },
  );
  unknownSessionRefusals.add(refusal);
  throw refusal;
}

async function withWpp(ctx: SessionContext, trail: Trail, signal: AbortSignal | undefined, force: boolean) {
  const id = trail.sessionId;
  rung(trail, 1, 'fresh QR');
  const first = await observe(ctx, id, signal);
  noteEvidence(trail, first);
  if (first.status === 'CLOSED' && first.known === false) await assertKnown(ctx, trail, signal);
  // A pairing-code login needs a start that asks for one: a showing QR or an old code does not count.
  const wantsCode = ctx.phone !== undefined && (first.status === 'QRCODE' || first.status === 'PHONECODE');
  if (!force && isReady(first) && !wantsCode) return finishReport(ctx, trail, signal, first);

  if (!force && first.status === 'INITIALIZING') {
    // Only starting (e.g. WPPConnect re-starting its stored sessions after its own restart): restarting it now
    // would fail with "The browser is already running" and create the stuck session it meant to cure. Wait;
    // only past `stuckAfterMs` is it closed and started, once; still stuck then is a PropagationError.
    trail.add(
      'rung 1: fresh QR',
      'waiting',
      'the session is starting: it is not restarted unless it stays INITIALIZING past stuckAfterMs',
    );
    try {
      return finishReport(
        ctx,
        trail,
        signal,
        await waitUntilReady(ctx, id, trail, signal, { recover: true }),
      );
    } catch (error) {
      if (!(error instanceof QrTimeoutError)) throw error;
      trail.add('rung result', `no QR or connection: ${describeError(error)}`);
    }
  }

  if (!force && first.status === 'CLOSED') {
    rung(trail, 2, 'start-session');
    await start(ctx, id, trail, signal);
    trail.repaired = true;
    const ready = await tryWait(ctx, trail, signal);
    if (ready) return finishReport(ctx, trail, signal, ready);
  } else {
    trail.add(
      'rung 2: start-session',
      'skipped',
      force ? 'forced restart' : 'start-session is ignored unless CLOSED',
    );
  }

  rung(trail, 3, 'close-session + start-session');
  trail.repaired = true;
  await close(ctx, id, trail, signal);
  await start(ctx, id, trail, signal);
  const restarted = await tryWait(ctx, trail, signal);
  if (restarted) return finishReport(ctx, trail, signal, restarted);

  rung(trail, 4, 'delete + recreate on the gateway');
  await recreate(ctx, id, trail, signal);
  const after = await observe(ctx, id, signal);
  noteEvidence(trail, after);
  if (!isReady(after)) {
    if (after.status === 'CLOSED') await start(ctx, id, trail, signal);
    const ready = await tryWait(ctx, trail, signal);
    if (!ready) throw failed(id, trail.actions);
    return finishReport(ctx, trail, signal, ready);
  }
  return finishReport(ctx, trail, signal, after);
}

async function gatewayOnly(ctx: SessionContext, trail: Trail, signal: AbortSignal | undefined) {
  const id = trail.sessionId;
  trail.add('verify', 'skipped', 'no WPPConnect client: the gateway’s answers cannot be verified');
  await assertKnown(ctx, trail, signal);
  rung(trail, 1, 'fresh QR (and start-session when the gateway says it was never started)');
  const outcome = await gatewayOnlyEnsure(ctx, id, trail, signal, { allowRecreate: false });
  if (outcome.qr || outcome.relayedStatus === 'CONNECTED')
    return finishReport(ctx, trail, signal, null, outcome);
  trail.add('rung 3: close-session + start-session', 'skipped', 'needs a WPPConnect client');
  rung(trail, 4, 'delete + recreate on the gateway');
  const recreated = await recreate(ctx, id, trail, signal);
  if (recreated && (recreated.qr || recreated.relayedStatus === 'CONNECTED')) {
    return finishReport(ctx, trail, signal, null, recreated);
  }
  throw failed(id, trail.actions);
}

/**
 * Before a repair runs under the lease: if another process finished a repair of this session after `since`
 * (while this call waited for the lease, or after the healthcheck listed it) and the session is usable now,
 * report that instead of repeating the work: two healthchecks at once restart a session once, not twice.
 * @returns The report, or null when the repair should run.
 * @internal
 */
export async function repairedMeanwhile(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
  since: number,
  waited: boolean,
): Promise<SessionReport | null> {
  const id = trail.sessionId;
  const history = (await ctx.store.history([id], signal)).get(id) ?? [];
  const recent = history.filter((r) => r.outcome === 'ok' && r.at.getTime() >= since).at(-1);
  // Without WPPConnect the session cannot be looked at, so the repair runs.
  if (!recent || !ctx.wpp) return null;
  const now = await observe(ctx, id, signal);
  noteEvidence(trail, now);
  if (!isReady(now)) return null;
  trail.add(
    'already repaired',
    `by another process at ${recent.at.toISOString()}`,
    `${waited ? 'it held the lease while this call waited' : 'after this session was listed'}; not repeated`,
  );
  return finishReport(ctx, trail, signal, now);
}

/** @internal */
export async function reconnect(
  ctx: SessionContext,
  trail: Trail,
  options: ReconnectOptions,
): Promise<SessionReport> {
  const { signal } = options;
  try {
    return ctx.wpp
      ? await withWpp(ctx, trail, signal, options.force ?? false)
      : await gatewayOnly(ctx, trail, signal);
  } catch (error) {
    if (signal?.aborted && !(error instanceof AbortError)) throw new AbortError('The reconnect was aborted');
    throw error;
  }
}
