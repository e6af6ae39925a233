/**
 * The gateway side of session management, and the gateway-only fallback used when no WPPConnect client is
 * configured: the flows the gateway's production clients run (`getQrWithRetry`, `tryRestartAndGetQr`).
 * @module
 */
// Source of those flows: field notes §6.
import { AbortError, ApiError, NotFoundError, PropagationError, SessionNotStartedError } from '../errors.js';
import type { Channel } from '../gateway/client.js';
import type { QrCode } from '../qr.js';
import { describeError, type SessionContext, type Trail } from './context.js';
import { confirmLease } from './lease.js';
import { clearRecreatePending, markRecreatePending } from './pending.js';

/** Makes sure the gateway has the channel; returns whether this call created it. @internal */
export async function ensureChannel(
  ctx: SessionContext,
  id: string,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<{ channel: Channel | null; created: boolean }> {
  const call = signal ? { signal } : {};
  try {
    const channel = await ctx.gateway.getChannel(id, call);
    trail.add('gateway.getChannel', `exists (claims "${channel.status}")`);
    return { channel, created: false };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    trail.add('gateway.getChannel', 'not found');
  }
  try {
    const result = await ctx.gateway.createChannel(id, call);
    trail.add(
      'gateway.createChannel',
      'ok',
      `${result.message ?? 'created'}${result.qrRequired ? ' (qr_required: true)' : ''}: a claim, verified next`,
    );
    ctx.emit('created', id, result.message);
    return { channel: result.channel, created: true };
  } catch (error) {
    // Another process may have created it between our look and our create.
    if (
      error instanceof ApiError &&
      (error.status === 409 || /already exists|já existe/i.test(error.message))
    ) {
      trail.add('gateway.createChannel', 'already exists');
      return { channel: null, created: false };
    }
    throw error;
  }
}

/** What the gateway-only mode could get. @internal */
export interface GatewayOutcome {
  qr: QrCode | null;
  /** Upper-case WPPConnect status relayed by the gateway, when it said one. */
  relayedStatus: string | null;
}

function isReady(outcome: GatewayOutcome): boolean {
  return outcome.qr !== null || outcome.relayedStatus === 'CONNECTED';
}

/**
 * Asks the gateway for a QR up to `gatewayQrAttempts` times. "Session not started" triggers the gateway's
 * start-session (once per round); any other refusal ends the round early.
 */
async function qrRound(
  ctx: SessionContext,
  id: string,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<GatewayOutcome> {
  const call = signal ? { signal } : {};
  let startedThisRound = false;
  let last: GatewayOutcome = { qr: null, relayedStatus: null };
  for (let attempt = 0; attempt < ctx.options.gatewayQrAttempts; attempt++) {
    if (attempt > 0) await ctx.sleep(ctx.pollDelay(attempt - 1), signal);
    try {
      const answer = await ctx.gateway.inspectQr(id, call);
      last = { qr: answer.qr, relayedStatus: answer.status ?? null };
      trail.add('gateway.getQr', answer.qr ? 'QR received' : `no QR (${answer.status ?? 'no status'})`);
      if (isReady(last)) return last;
    } catch (error) {
      if (error instanceof AbortError) throw error;
      if (error instanceof SessionNotStartedError && !startedThisRound) {
        trail.add('gateway.getQr', 'session not started on WPPConnect');
        const started = await ctx.gateway.startSession(id, call);
        trail.add('gateway.startSession', `answered ${started.status ?? 'ok'}`);
        startedThisRound = true;
        trail.repaired = true;
        continue;
      }
      if (!(error instanceof ApiError)) throw error;
      trail.add('gateway.getQr', `failed: ${describeError(error)}`);
      return last;
    }
  }
  return last;
}

/**
 * Gateway-only propagation: QR retries (starting the session when the gateway says it was never started), then
 * one delete + recreate, then QR retries again. Nothing here can prove the session exists on WPPConnect.
 * @internal
 */
export async function gatewayOnlyEnsure(
  ctx: SessionContext,
  id: string,
  trail: Trail,
  signal: AbortSignal | undefined,
  options: { allowRecreate: boolean },
): Promise<GatewayOutcome> {
  const first = await qrRound(ctx, id, trail, signal);
  if (isReady(first) || !options.allowRecreate) return first;
  const recreated = await recreate(ctx, id, trail, signal);
  if (recreated && isReady(recreated)) return recreated;
  throw new PropagationError(
    `The gateway gave no QR code for "${id}" and no connection, even after delete and recreate`,
    {
      service: 'gateway',
      sessionId: id,
      actions: trail.actions,
      likelyCause:
        'The gateway may not be propagating the session to WPPConnect. Give the SDK access to WPPConnect too, so it can verify the session and start it there.',
    },
  );
}

/** Deletes and recreates the channel on the gateway, then runs a QR round. @internal */
export async function recreate(
  ctx: SessionContext,
  id: string,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<GatewayOutcome | null> {
  const call = signal ? { signal } : {};
  // Only the lease holder deletes: a process that lost it (paused past its TTL) would delete the channel
  // another process has just repaired.
  await confirmLease(ctx, trail, signal);
  // Recorded before the DELETE: a process killed between the delete and the create leaves the record, and
  // whatever runs next for this session creates the channel again (pending.ts).
  await markRecreatePending(ctx, trail, signal);
  try {
    await ctx.gateway.deleteChannel(id, call);
    trail.add('gateway.deleteChannel', 'ok');
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    trail.add('gateway.deleteChannel', 'not found');
  }
  await ctx.sleep(500, signal); // the wrapper needs a moment between delete and create (field notes §6)
  const created = await ctx.gateway.createChannel(id, call);
  trail.add('gateway.createChannel', 'ok', created.message);
  trail.repaired = true;
  await clearRecreatePending(ctx, trail, signal);
  if (ctx.wpp) return null; // the caller verifies on WPPConnect itself
  return qrRound(ctx, id, trail, signal);
}
