/**
 * The per-session lease: ensure, reconnect and healthcheck repairs of one session never run in
 * two processes at once. The in-process single flight stays in front of it, so concurrent calls in one process
 * share one operation and take the lease once.
 *
 * A process that finds the lease held waits (bounded by `leaseWaitMs`, abortable), then runs with
 * `waited: true` so the operation re-observes the session instead of repeating the other's work. The holder
 * renews its lease every third of its TTL while it works (a QR wait can outlast the TTL); a holder that
 * crashed stops renewing, and its lease is taken once its TTL has run out.
 *
 * A holder that was paused rather than crashed (SIGSTOP, a VM suspended, a starved event loop) wakes up after
 * another process took over. Before each step that undoes state (close-session, the gateway DELETE) it
 * confirms the lease is still its own ({@link confirmLease}) and stops if not: otherwise it would restart or
 * delete a session the other process had just repaired (the double restart the lease exists to prevent).
 * @module
 */
import { AbortError, SessionBusyError } from '../errors.js';
import { sleep } from '../http/delay.js';
import { describeError, type SessionContext, type Trail } from './context.js';

/** The lease name of a session's repairs, as kept in the store (the CLI's `doctor` reads it). @internal */
export function sessionLeaseName(sessionId: string): string {
  return `session:${sessionId}`;
}

/** Waits between attempts to take a held lease: quick at first, then once a second. */
const RETRY_MS = [50, 100, 200, 400, 800, 1_000];

/**
 * Runs `work` holding the session's lease. `work` gets `waited: true` when another process held the lease
 * first (it has probably done the work already).
 * @throws {@link SessionBusyError} when the lease stays held for longer than `leaseWaitMs`.
 * @throws `StoreError` when the store cannot be used: no repair runs without the lease.
 * @internal
 */
export async function withSessionLease<T>(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
  work: (waited: boolean) => Promise<T>,
): Promise<T> {
  const id = trail.sessionId;
  const name = sessionLeaseName(id);
  const { leaseTtlMs, leaseWaitMs } = ctx.options;
  const owner = ctx.owner;
  const started = Date.now();
  let waited = false;
  for (let attempt = 0; !(await ctx.store.acquireLease(name, owner, leaseTtlMs, signal)); attempt++) {
    if (!waited) {
      waited = true;
      const holder = await ctx.store.readLease(name, signal).catch(() => null);
      trail.add(
        'lease',
        'held by another process',
        `${holder ? `${holder.owner}, ` : ''}waiting up to ${Math.round(leaseWaitMs / 1000)} s, then looking again`,
      );
    }
    const elapsed = Date.now() - started;
    if (elapsed >= leaseWaitMs) {
      throw new SessionBusyError(
        `Another process is still working on session "${id}" after ${Math.round(elapsed / 1000)} s`,
        { sessionId: id, waitedMs: elapsed },
      );
    }
    try {
      // Real time, not the manager's clock: the lease's TTL runs in the store (Redis) on real time.
      await sleep(
        Math.min(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] as number, leaseWaitMs - elapsed),
        signal,
      );
    } catch {
      throw new AbortError('The session operation was aborted');
    }
  }
  if (waited) trail.add('lease', 'taken', `after ${Math.round((Date.now() - started) / 100) / 10} s`);

  const lease = { name, owner, lost: false };
  trail.lease = lease;
  const renew = setInterval(
    () => {
      ctx.store.renewLease(name, owner, leaseTtlMs).then(
        (held) => {
          if (!held && !lease.lost) {
            lease.lost = true;
            ctx.log('warn', 'session lease lost while working (the store expired it)', { sessionId: id });
          }
        },
        (error: unknown) =>
          ctx.log('warn', 'could not renew the session lease', {
            sessionId: id,
            error: describeError(error),
          }),
      );
    },
    Math.max(50, Math.floor(leaseTtlMs / 3)),
  );
  renew.unref?.();
  try {
    return await work(waited);
  } finally {
    clearInterval(renew);
    trail.lease = undefined;
    await ctx.store.releaseLease(name, owner).catch((error: unknown) => {
      // It expires by itself after its TTL.
      ctx.log('warn', 'could not release the session lease', { sessionId: id, error: describeError(error) });
    });
  }
}

/**
 * Confirms, with one store call that also extends it, that the operation still holds its session lease, before
 * a step that undoes state. Does nothing for an operation that runs without one.
 * @throws {@link SessionBusyError} with `leaseLost` when the lease ran out (another process may hold it now).
 * @throws `StoreError` when the store cannot tell: no close or delete runs without the lease.
 * @internal
 */
export async function confirmLease(
  ctx: SessionContext,
  trail: Trail,
  signal: AbortSignal | undefined,
): Promise<void> {
  const lease = trail.lease;
  if (!lease) return;
  if (!lease.lost && (await ctx.store.renewLease(lease.name, lease.owner, ctx.options.leaseTtlMs, signal)))
    return;
  lease.lost = true;
  trail.add(
    'lease',
    'lost',
    'it ran out while this process worked (paused for longer than leaseTtlMs?); stopped before the next close or delete',
  );
  throw new SessionBusyError(
    `The lease on session "${trail.sessionId}" ran out while this process worked on it; it stopped so as not to undo another process's repair`,
    { sessionId: trail.sessionId, waitedMs: 0, leaseLost: true },
  );
}
