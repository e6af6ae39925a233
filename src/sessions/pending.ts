/**
 * Work a repair began and did not finish. Rung 4 of a reconnect records "re-create pending"
 * before it deletes the gateway channel; if the process dies between the delete and the create, whatever runs
 * next for that session (ensure, reconnect, a healthcheck repair) finds the record and creates the channel
 * again before anything else.
 * @module
 */
import { AbortError, ApiError, NotFoundError } from '../errors.js';
import { describeError, type SessionContext, type Trail } from './context.js';

/** Records the re-create rung 4 is about to need. Fails closed: no DELETE without the record. @internal */
export async function markRecreatePending(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<void> {
  await ctx.store.setPending(
    trail.sessionId,
    {
      kind: 'recreate',
      since: new Date(ctx.clock.now()),
      detail: 'rung 4 deletes the gateway channel and creates it again',
    },
    signal,
  );
}

/** Forgets the pending re-create once the channel exists again. @internal */
export async function clearRecreatePending(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
) {
  await ctx.store.clearPending(trail.sessionId, signal).catch((error: unknown) => {
    if (signal?.aborted) throw new AbortError('The session operation was aborted');
    // Harmless if left: the next run finds the channel there and only clears the record.
    ctx.log('warn', 'could not clear the pending re-create', { error: describeError(error) });
  });
}

/**
 * Finishes a re-create left by an interrupted rung 4: creates the gateway channel when it is missing, then
 * forgets the record. Does nothing when no work is pending.
 * @returns Whether pending work was found (and finished).
 * @internal
 */
export async function finishPendingWork(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const id = trail.sessionId;
  const work = (await ctx.store.pending([id], signal)).get(id);
  if (!work) return false;
  trail.add(
    'pending work',
    're-create left unfinished',
    `recorded ${work.since.toISOString()}: a repair stopped between deleting the gateway channel and creating it again`,
  );
  const call = signal ? { signal } : {};
  let exists = true;
  try {
    await ctx.gateway.getChannel(id, call);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    exists = false;
  }
  if (!exists) {
    try {
      const created = await ctx.gateway.createChannel(id, call);
      trail.add('gateway.createChannel', 'ok', created.message ?? 'the re-create is finished');
      trail.repaired = true;
    } catch (error) {
      if (
        !(
          error instanceof ApiError &&
          (error.status === 409 || /already exists|já existe/i.test(error.message))
        )
      )
        throw error;
      trail.add('gateway.createChannel', 'already exists');
    }
  } else {
    trail.add('gateway.getChannel', 'exists', 'the re-create had been done; only the record was left');
  }
  await clearRecreatePending(ctx, trail, signal);
  return true;
}
