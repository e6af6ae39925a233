/**
 * The propagation guarantee: a session is created only when WPPConnect has it.
 * @module
 */
import type { SessionContext, Trail } from './context.js';
import { ensureChannel, gatewayOnlyEnsure } from './gateway-steps.js';
import { finishReport } from './inspect.js';
import type { SessionReport } from './types.js';
import { close, isReady, noteEvidence, observe, start, waitUntilReady } from './wpp-steps.js';

/**
 * Creates the channel on the gateway when it is missing, then makes sure WPPConnect really has the session:
 * starts it there when it is absent or closed, restarts it when its page is dead, and waits (bounded) for a
 * QR code, a pairing code or a live connection.
 * @internal
 */
export async function ensureSession(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<SessionReport> {
  const id = trail.sessionId;
  const { created } = await ensureChannel(ctx, id, trail, signal);

  if (!ctx.wpp) {
    trail.add(
      'verify',
      'skipped',
      'no WPPConnect client: propagation cannot be verified, using the gateway only',
    );
    const outcome = await gatewayOnlyEnsure(ctx, id, trail, signal, { allowRecreate: true });
    return finishReport(ctx, trail, signal, null, outcome);
  }

  const before = await observe(ctx, id, signal);
  noteEvidence(trail, before);
  let ready = before;
  let started = false;
  if (!isReady(before)) {
    if (before.status === 'CLOSED' && before.known === false) {
      const detail = created
        ? 'the gateway answered "created" but WPPConnect never received the session (the FrontDesk fault)'
        : 'the gateway has the channel but WPPConnect does not';
      trail.add('verify', 'propagation missing', detail);
      ctx.emit('propagation_missing', id, detail);
    }
    if (before.status === 'CLOSED') {
      trail.repaired = true;
      started = true;
      await start(ctx, id, trail, signal);
    } else if (before.status === 'CONNECTED') {
      // CONNECTED with a dead page: start-session is ignored while CONNECTED, so close first.
      trail.repaired = true;
      started = true;
      await close(ctx, id, trail, signal);
      await start(ctx, id, trail, signal);
    }
    ready = await waitUntilReady(ctx, id, trail, signal);
  }
  // A pairing-code login needs a start that asks for one; a session started without the phone number (by
  // the gateway, or earlier) shows a QR or an old code. It is switched once it is ready, never while it is
  // INITIALIZING: restarting a session that is still starting leaves it stuck (transcript §9.1.4).
  if (ctx.phone !== undefined && !started && (ready.status === 'QRCODE' || ready.status === 'PHONECODE')) {
    trail.add(
      'pairing code',
      'requested',
      `the session shows ${ready.status}; restarting it with the phone number`,
    );
    trail.repaired = true;
    await close(ctx, id, trail, signal);
    await start(ctx, id, trail, signal);
    ready = await waitUntilReady(ctx, id, trail, signal);
  }
  return finishReport(ctx, trail, signal, ready);
}
