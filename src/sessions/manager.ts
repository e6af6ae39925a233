import { AbortError, InvalidArgumentError, SessionBusyError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import type { RepairRecord } from '../store/types.js';
import { resolveCallOptions, type SessionStartOptions } from './call-options.js';
import { describeError, SessionContext, type SessionManagerOptions, Trail } from './context.js';
import { ensureSession } from './ensure.js';
import { type HealthcheckOptions, healthcheck } from './healthcheck.js';
import { getSession, listSessions } from './inspect.js';
import { withSessionLease } from './lease.js';
import { attachContext } from './manager-context.js';
import { finishPendingWork } from './pending.js';
import { type ReconnectOptions, reconnect, repairedMeanwhile, unknownSessionRefusals } from './reconnect.js';
import { highestRung } from './restarts.js';
import { SingleFlight } from './single-flight.js';
import type { HealthReport, SessionInfo, SessionReport } from './types.js';

/** Options of the single-session operations. */
export interface SessionCallOptions {
  /** Aborts the operation, including any wait for a QR code. */
  signal?: AbortSignal;
}

/**
 * Manages WhatsApp sessions across the gateway and WPPConnect, and tells the truth about them.
 *
 * - `createSession` / `ensureSession`: the channel exists on the gateway **and** the session exists on
 *   WPPConnect, or a {@link PropagationError} says why not, with the full trail of what was tried.
 * - `reconnect`: an explicit escalation ladder, stopping at the first rung that gives a connection or a fresh QR.
 * - `getSession` / `listSessions`: the *true* status (gateway claim vs WPPConnect evidence vs liveness probe),
 *   with zombies spotted from an injected {@link ActivitySource}.
 * - `healthcheck`: classify every session, optionally repair.
 *
 * Following a session live (each QR rotation, the connection) is on the `whatsapp-gateway-sdk/watch` subpath:
 * `watchSession(manager, id)`, `waitForConnection(manager, id)` and `sessionEvents(manager)`.
 *
 * Concurrent create/ensure/reconnect calls for one id share one operation.
 *
 * ## The session lifecycle
 *
 * {@include ../../docs/guide.md#lifecycle}
 *
 * @example
 * ```ts
 * const manager = new SessionManager({ gateway, wppconnect: wpp, activity: tracker });
 * const report = await manager.createSession('sales');
 * if (report.qr) await writeFile('qr.png', Buffer.from(report.qr.base64, 'base64'));
 * console.log(report.status, report.repaired, report.actions);
 * ```
 */
export class SessionManager {
  readonly #ctx: SessionContext;
  readonly #flights = new SingleFlight<SessionReport>();

  /** @throws {@link InvalidArgumentError} when an option is out of range or `gateway` is missing. */
  constructor(options: SessionManagerOptions) {
    if (!options?.gateway)
      throw new InvalidArgumentError('options.gateway', 'is required (a WhatsAppGatewayClient)');
    this.#ctx = new SessionContext(
      options.gateway,
      options.wppconnect,
      // A store is an activity source too: webhooks recorded into it by any process count here.
      options.activity ?? options.store,
      options,
      options.logger,
      options.onEvent,
    );
    // For the live following on the `watch` subpath (`watchSession`, `waitForConnection`, `sessionEvents`).
    attachContext(this, this.#ctx);
  }

  /**
   * One operation on one session: the in-process single flight first, then the session's lease across
   * processes, then any work an interrupted repair left, then `run`. A repair that ends in an error is
   * remembered in the history too.
   */
  #flight(
    id: string,
    kind: RepairRecord['kind'],
    run: (trail: Trail, signal: AbortSignal, waited: boolean) => Promise<SessionReport>,
    signal?: AbortSignal,
  ) {
    const ctx = this.#ctx;
    return this.#flights.run(
      id,
      async (flightSignal) => {
        const trail = new Trail(id, ctx.clock);
        trail.kind = kind;
        try {
          return await withSessionLease(ctx, trail, flightSignal, async (waited) => {
            try {
              await finishPendingWork(ctx, trail, flightSignal);
              return await run(trail, flightSignal, waited);
            } catch (error) {
              // A call that lost its lease stopped on purpose: the process that took over records the outcome.
              const leaseLost = error instanceof SessionBusyError && error.leaseLost;
              if (trail.repaired && !flightSignal.aborted && !leaseLost)
                await this.#recordFailure(trail, error);
              throw error;
            }
          });
        } catch (error) {
          if (flightSignal.aborted && !(error instanceof AbortError))
            throw new AbortError('The session operation was aborted');
          throw error;
        }
      },
      signal,
    );
  }

  async #recordFailure(trail: Trail, error: unknown): Promise<void> {
    const record: RepairRecord = {
      at: new Date(this.#ctx.clock.now()),
      kind: trail.kind,
      outcome: 'failed',
      detail: describeError(error),
    };
    const rung = highestRung(trail.actions);
    if (rung !== undefined) record.rung = rung;
    await this.#ctx.store.appendHistory(trail.sessionId, record).catch((storeError: unknown) => {
      this.#ctx.log('warn', 'could not record the failed repair in the session store', {
        error: describeError(storeError),
      });
    });
  }

  /**
   * Creates a session and guarantees it exists on WPPConnect, repairing a lost propagation; returns its QR code
   * when one is needed. Creating a session that already exists is not an error: it gives the same report as
   * {@link ensureSession}.
   * @throws {@link PropagationError} with the full action trail when the session cannot be made to exist.
   * @throws {@link QrTimeoutError} when no QR, pairing code or connection appears within `qrWaitMs`.
   * @throws {@link InvalidArgumentError} when the id or an option is malformed, before any request.
   *
   * Options apply to the call that starts the work: a call that joins one already running for the same id
   * shares its outcome, options included.
   */
  createSession(sessionId: string, options: SessionStartOptions = {}): Promise<SessionReport> {
    return this.ensureSession(sessionId, options);
  }

  /** The idempotent form of {@link createSession}: safe to call on every start-up or request. */
  async ensureSession(sessionId: string, options: SessionStartOptions = {}): Promise<SessionReport> {
    const id = assertSessionId(sessionId);
    const ctx = this.#ctx.forCall(resolveCallOptions(options));
    const run = () =>
      this.#flight(id, 'repair', (trail, signal) => ensureSession(ctx, trail, signal), options.signal);
    try {
      return await run();
    } catch (error) {
      // This call joined a concurrent reconnect of the same id, which refuses ids nobody knows. An ensure
      // creates them, so it runs its own operation now that the reconnect is over.
      if (error instanceof Error && unknownSessionRefusals.has(error)) return run();
      throw error;
    }
  }

  /**
   * Brings a session back: fresh QR → start → close + start → delete + recreate, stopping at the first rung that
   * gives a connection or a fresh QR. Never logs out. Use `force` for zombies (connected but silent).
   * @throws {@link PropagationError} when every rung failed, with each rung in `actions`.
   * @throws {@link NotFoundError} when neither the gateway nor WPPConnect knows the id (with `existingId` when
   *   another id differs only by letter case): a reconnect never creates a session.
   */
  reconnect(sessionId: string, options: ReconnectOptions = {}): Promise<SessionReport> {
    return this.#reconnect(sessionId, options, 'reconnect', undefined);
  }

  /**
   * @param kind - How the repair is remembered: `reconnect` (by hand: it clears "needs a person") or, from the
   *   healthcheck, `restart` / `repair`.
   * @param since - When the caller saw the session need a repair (the healthcheck's listing). A repair another
   *   process finished after that, and a session that is fine now, is not repeated.
   */
  async #reconnect(
    sessionId: string,
    options: ReconnectOptions,
    kind: RepairRecord['kind'],
    since: number | undefined,
  ): Promise<SessionReport> {
    const id = assertSessionId(sessionId);
    const ctx = this.#ctx.forCall(resolveCallOptions(options));
    const calledAt = ctx.clock.now();
    return this.#flight(
      id,
      kind,
      async (trail, signal, waited) => {
        // Only when another process may have done the work: it held the lease, or the healthcheck listed the
        // session a while ago. A reconnect by hand that did not wait always runs.
        if (waited || since !== undefined) {
          const done = await repairedMeanwhile(ctx, trail, signal, since ?? calledAt, waited);
          if (done) return done;
        }
        return reconnect(ctx, trail, { ...options, signal });
      },
      options.signal,
    );
  }

  /**
   * One session's true status.
   * @throws {@link NotFoundError} with `existingId` when the id is unknown but another differs only by letter case.
   */
  async getSession(sessionId: string, options: SessionCallOptions = {}): Promise<SessionInfo> {
    const id = assertSessionId(sessionId);
    return getSession(this.#ctx, id, options.signal);
  }

  /**
   * Every session the gateway lists, plus those only WPPConnect has, each with its true status and zombie
   * verdict. Makes one `ActivitySource.lastActivity` call for all of them.
   */
  listSessions(options: SessionCallOptions = {}): Promise<SessionInfo[]> {
    return listSessions(this.#ctx, options.signal);
  }

  /** Lists and classifies every session, and with `repair` reconnects the unhealthy ones. */
  healthcheck(options: HealthcheckOptions = {}): Promise<HealthReport> {
    return healthcheck(
      (signal) => this.listSessions(signal ? { signal } : {}),
      (id, reconnectOptions, health, since) =>
        this.#reconnect(id, reconnectOptions, health === 'zombie' ? 'restart' : 'repair', since),
      () => this.#ctx.clock.now(),
      options,
      (signal) => this.#ctx.store.pending(undefined, signal),
      (id, signal) => this.getSession(id, signal ? { signal } : {}),
    );
  }
}
