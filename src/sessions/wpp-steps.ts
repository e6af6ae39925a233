/**
 * The WPPConnect side of session management: look, start, close, and wait (bounded, abortable) until a session
 * shows a QR code, a pairing code or a live connection.
 * @module
 */
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  PropagationError,
  QrTimeoutError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type WhatsAppSdkError,
} from '../errors.js';
import type { AdaptiveLimit, CallOutcome } from '../internal/adaptive-limit.js';
import type { WppConnectClient } from '../wppconnect/client.js';
import { describeError, type SessionContext, type Trail } from './context.js';
import { confirmLease } from './lease.js';
import type { WppEvidence } from './status.js';

/**
 * Why a session stays INITIALIZING on the real server, and what clears it.
 * Removing the profile's SingletonLock is NOT a remedy: the real server then launches a second browser on the
 * same profile beside the orphan. The text names no API method: the CLI prints it too.
 */
export const STUCK_CAUSE =
  'WPPConnect keeps the first browser of a session alive when its start fails, so every new start fails with ' +
  '"The browser is already running for …/userDataDir/<id>". End that orphaned browser (the Chromium process ' +
  'whose --user-data-dir ends in /userDataDir/<id>) or restart the WPPConnect process, then start the session ' +
  "again. Do not remove the profile's SingletonLock: WPPConnect would launch a second browser on the same " +
  'profile beside the orphan.';

/** @internal */
export function requireWpp(ctx: SessionContext): WppConnectClient {
  if (!ctx.wpp) throw new Error('internal: WPPConnect step without a WPPConnect client');
  return ctx.wpp;
}

/** True when a session needs nothing more to be usable or scannable. @internal */
export function isReady(evidence: WppEvidence): boolean {
  return (
    evidence.status === 'QRCODE' ||
    evidence.status === 'PHONECODE' ||
    (evidence.status === 'CONNECTED' && evidence.alive !== false)
  );
}

/** What {@link observe} may use besides WPPConnect itself. @internal */
export interface ObserveHints {
  /** WPPConnect's session store, when the caller already read it (a listing reads it once for all). */
  knownNames?: ReadonlySet<string> | undefined;
  /** The session's last message time, from the activity source; a recent one replaces the liveness probe. */
  lastMessageAt?: Date | null | undefined;
  /** Receives the latency and outcome of every WPPConnect call (a listing feeds its adaptive limit). */
  limit?: AdaptiveLimit | undefined;
}

/** How a failed call weighs on the adaptive limit: the server is struggling, or it is something else. */
function outcomeOf(error: unknown): CallOutcome {
  return error instanceof ServerError || error instanceof RateLimitError || error instanceof ConnectionError
    ? 'overload'
    : 'other';
}

/** Runs one WPPConnect call, reporting its latency and outcome to `limit`. */
async function metered<T>(limit: AdaptiveLimit | undefined, now: () => number, call: () => Promise<T>) {
  if (!limit) return call();
  const started = now();
  try {
    const value = await call();
    limit.record(now() - started, 'ok');
    return value;
  } catch (error) {
    limit.record(now() - started, outcomeOf(error));
    throw error;
  }
}

/**
 * The age of a message recent enough to prove a page alive, or undefined. A time in the future (clock skew,
 * a malformed source) proves nothing unless it is within the same window.
 */
function recentMessageAge(ctx: SessionContext, at: Date | null | undefined): number | undefined {
  const window = ctx.options.recentMessageMs;
  if (!at || window <= 0) return undefined;
  const age = ctx.clock.now() - at.getTime();
  return Math.abs(age) <= window ? Math.max(0, age) : undefined;
}

/**
 * Reads a session's status, probes it when CONNECTED (unless a recent message already proves the page alive),
 * and (only when it reads CLOSED) checks WPPConnect's session store to tell "closed" from "never received".
 * @internal
 */
export async function observe(
  ctx: SessionContext,
  id: string,
  signal: AbortSignal | undefined,
  hints: ObserveHints = {},
): Promise<WppEvidence> {
  const wpp = requireWpp(ctx);
  const call = signal ? { signal } : {};
  const { knownNames, limit } = hints;
  // performance.now, not the manager's clock: an injected test clock does not advance during a request.
  const now = () => performance.now();
  const status = await metered(limit, now, () => wpp.getStatus(id, call));
  let alive: boolean | null = null;
  let aliveByMessageAgeMs: number | undefined;
  if (status.status === 'CONNECTED' && ctx.options.probeConnected) {
    aliveByMessageAgeMs = recentMessageAge(ctx, hints.lastMessageAt);
    alive =
      aliveByMessageAgeMs !== undefined ||
      (await metered(limit, now, () => wpp.checkConnection(id, call))).ok;
  }
  if (status.status === 'INITIALIZING') {
    if (!ctx.initializingSince.has(id)) ctx.initializingSince.set(id, ctx.clock.now());
  } else {
    ctx.initializingSince.delete(id);
    ctx.stuckRestarted.delete(id);
  }
  let known: boolean | null = null;
  if (status.status === 'CLOSED') {
    known = knownNames ? knownNames.has(id) : (await wpp.listSessionNames(call)).includes(id);
  } else {
    known = true;
  }
  const evidence: WppEvidence = { status: status.status, known, alive, qr: status.qr };
  if (aliveByMessageAgeMs !== undefined) evidence.aliveByMessageAgeMs = aliveByMessageAgeMs;
  return evidence;
}

function describeEvidence(evidence: WppEvidence): string {
  if (evidence.status === 'CONNECTED') {
    return evidence.alive === false ? 'CONNECTED, but the page is dead' : 'CONNECTED';
  }
  if (evidence.status === 'CLOSED' && evidence.known === false)
    return 'absent (not in WPPConnect’s session store)';
  return evidence.status;
}

/** Records a status read in the trail. @internal */
export function noteEvidence(trail: Trail, evidence: WppEvidence): void {
  trail.add(
    'wppconnect.getStatus',
    describeEvidence(evidence),
    evidence.qr ? 'a current QR code is available' : undefined,
  );
}

/**
 * Starts the session on WPPConnect, always sending the webhook URL. For a pairing-code login (the call's
 * `phone`) the start asks WPPConnect to hold its answer until the code (`waitQrCode`), the only answer that
 * carries it; the server never answers when no code comes, so the wait is bounded and a
 * timeout only means "read it from the webhook instead".
 * @internal
 */
export async function start(ctx: SessionContext, id: string, trail: Trail, signal: AbortSignal | undefined) {
  // A start begins a new INITIALIZING period: the stuck clock counts from here.
  ctx.initializingSince.delete(id);
  const webhook = ctx.options.webhookUrl(id);
  const phone = ctx.phone;
  if (phone) ctx.pairing.forget(id);
  let answer: Awaited<ReturnType<WppConnectClient['startSession']>>;
  try {
    answer = await requireWpp(ctx).startSession(id, {
      ...(webhook ? { webhook } : {}),
      ...(signal ? { signal } : {}),
      ...(phone
        ? {
            phone,
            waitQrCode: true,
            timeoutMs: Math.min(ctx.options.qrWaitMs, ctx.options.stuckAfterMs),
            maxRetries: 0,
          }
        : {}),
    });
  } catch (error) {
    if (!phone || !(error instanceof TimeoutError) || signal?.aborted) throw error;
    trail.add(
      'wppconnect.startSession',
      'no answer in time',
      'the start holds its answer until a pairing code; the code will come by the phoneCode webhook',
    );
    return;
  }
  if (answer.pairingCode) {
    trail.add('wppconnect.startSession', 'answered with a pairing code');
    ctx.pairing.note(id, answer.pairingCode, phone, 'poll');
    return;
  }
  trail.add(
    'wppconnect.startSession',
    `answered ${answer.status}`,
    answer.status === 'CLOSED'
      ? 'a start answers with the state before it (CLOSED for a new session); the start happens anyway'
      : undefined,
  );
}

/**
 * Closes the session's browser, keeping its login. A 500 is expected for a session that is still starting,
 * and the server has reset it by then, so it is recorded, not thrown.
 * @internal
 */
export async function close(ctx: SessionContext, id: string, trail: Trail, signal: AbortSignal | undefined) {
  // A close during another process's start leaves the session stuck: only the lease holder closes.
  await confirmLease(ctx, trail, signal);
  try {
    const answer = await requireWpp(ctx).closeSession(id, signal ? { signal } : {});
    trail.add('wppconnect.closeSession', answer.ok ? 'closed' : `answered: ${answer.message}`);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    trail.add(
      'wppconnect.closeSession',
      'HTTP 500',
      'expected while a session is starting; the server resets it anyway',
    );
  }
}

/** Errors worth waiting through while polling: the next poll may succeed. */
function isTransient(error: unknown): error is WhatsAppSdkError {
  return (
    (error instanceof ConnectionError || error instanceof ServerError) &&
    !(error instanceof AuthenticationError)
  );
}

/**
 * Polls until the session is ready (QRCODE, PHONECODE, CONNECTED and alive) or the bound is reached.
 * A session INITIALIZING for longer than `stuckAfterMs` is closed and started once; a session that falls back
 * to CLOSED (a failed start, or autoClose) is started once more. Beyond that it stops and says why.
 * @internal
 */
export async function waitUntilReady(
  ctx: SessionContext,
  id: string,
  trail: Trail,
  signal: AbortSignal | undefined,
  { recover = true }: { recover?: boolean } = {},
): Promise<WppEvidence> {
  const { qrWaitMs, stuckAfterMs } = ctx.options;
  const startedAt = ctx.clock.now();
  // Seeded from earlier reads: a session seen INITIALIZING by a listing a while ago has been starting since then.
  let initializingSince: number | null = ctx.initializingSince.get(id) ?? null;
  let restartedStuck = ctx.stuckRestarted.has(id);
  let restartedClosed = false;
  let last: WppEvidence | null = null;

  for (let poll = 0; ; poll++) {
    if (ctx.clock.now() - startedAt >= qrWaitMs) break;
    await ctx.sleep(ctx.pollDelay(poll), signal);
    let evidence: WppEvidence;
    try {
      evidence = await observe(ctx, id, signal);
    } catch (error) {
      if (error instanceof AbortError || !isTransient(error)) throw error;
      trail.add('wppconnect.getStatus', `failed: ${describeError(error)}`, 'will poll again');
      continue;
    }
    if (last === null || evidence.status !== last.status || evidence.alive !== last.alive)
      noteEvidence(trail, evidence);
    last = evidence;
    if (isReady(evidence)) return evidence;

    const now = ctx.clock.now();
    if (evidence.status === 'INITIALIZING') {
      const since = ctx.initializingSince.get(id) ?? initializingSince ?? now;
      initializingSince = since;
      if (now - since >= stuckAfterMs) {
        if (restartedStuck || !recover) throw stuck(id, trail, now - startedAt, restartedStuck, ctx);
        trail.add(
          'recover',
          `INITIALIZING for ${Math.round((now - since) / 1000)} s`,
          'close-session, then start-session, once',
        );
        trail.repaired = true;
        restartedStuck = true;
        ctx.stuckRestarted.add(id);
        await close(ctx, id, trail, signal);
        await start(ctx, id, trail, signal);
        initializingSince = ctx.clock.now();
      }
    } else {
      initializingSince = null;
      restartedStuck = false;
    }
    if (evidence.status === 'CLOSED') {
      if (restartedClosed || !recover) {
        throw new PropagationError(`Session "${id}" keeps falling back to CLOSED on WPPConnect`, {
          service: 'wppconnect',
          sessionId: id,
          actions: trail.actions,
          likelyCause:
            'The browser could not start or the QR expired unscanned (autoClose, 60 s by default). Check the WPPConnect logs for Chromium errors, then reconnect the session.',
        });
      }
      restartedClosed = true;
      trail.repaired = true;
      await start(ctx, id, trail, signal);
    }
  }

  // Still INITIALIZING when the wait ends is a stuck start whatever the bounds are (a `qrWaitMs` shorter than
  // `stuckAfterMs` never reaches the restart): say so, with the trail and the remedy, not as a QR timeout.
  if (last?.status === 'INITIALIZING')
    throw stuck(id, trail, ctx.clock.now() - startedAt, restartedStuck, ctx);
  throw new QrTimeoutError(
    `Session "${id}" showed no QR code, pairing code or connection within ${Math.round(qrWaitMs / 1000)} s`,
    {
      service: 'wppconnect',
      sessionId: id,
      waitedMs: ctx.clock.now() - startedAt,
      ...(last ? { lastStatus: last.status } : {}),
    },
  );
}

function stuck(
  id: string,
  trail: Trail,
  waitedMs: number,
  afterRestart: boolean,
  ctx: SessionContext,
): PropagationError {
  const since = ctx.initializingSince.get(id);
  const forMs = since === undefined ? waitedMs : Math.max(waitedMs, ctx.clock.now() - since);
  const state = afterRestart ? 'still INITIALIZING after one restart' : 'INITIALIZING for too long';
  trail.add('give up', state, `INITIALIZING for ${Math.round(forMs / 1000)} s`);
  const restartNote = afterRestart
    ? ', even after one close and start'
    : forMs < ctx.options.stuckAfterMs
      ? ` (the wait ended before stuckAfterMs, ${Math.round(ctx.options.stuckAfterMs / 1000)} s, so no restart was tried)`
      : '';
  return new PropagationError(
    `Session "${id}" is stuck INITIALIZING on WPPConnect after ${Math.round(forMs / 1000)} s${restartNote}`,
    {
      service: 'wppconnect',
      sessionId: id,
      actions: trail.actions,
      likelyCause: STUCK_CAUSE,
    },
  );
}
