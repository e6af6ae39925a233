import { AbortError, InvalidArgumentError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import { SessionContext, type SessionManagerOptions, Trail } from './context.js';
import { ensureSession } from './ensure.js';
import { type HealthcheckOptions, healthcheck } from './healthcheck.js';
import { getSession, listSessions } from './inspect.js';
import { type ReconnectOptions, reconnect, unknownSessionRefusals } from './reconnect.js';
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
 * Concurrent create/ensure/reconnect calls for one id share one operation.
 *
 * @example
 * ```ts
 * const manager = new SessionManager({ gateway, wppconnect: wpp, activity: tracker });
 * const report = await manager.createSession('imobsites');
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
      options.activity,
      options,
      options.logger,
      options.onEvent,
    );
  }

  #flight(
    id: string,
    run: (trail: Trail, signal: AbortSignal) => Promise<SessionReport>,
    signal?: AbortSignal,
  ) {
    return this.#flights.run(
      id,
      async (flightSignal) => {
        const trail = new Trail(id, this.#ctx.clock);
        try {
          return await run(trail, flightSignal);
        } catch (error) {
          if (flightSignal.aborted && !(error instanceof AbortError))
            throw new AbortError('The session operation was aborted');
          throw error;
        }
      },
      signal,
    );
  }

  /**
   * Creates a session and guarantees it exists on WPPConnect, repairing a lost propagation; returns its QR code
   * when one is needed. Creating a session that already exists is not an error: it gives the same report as
   * {@link ensureSession}.
   * @throws {@link PropagationError} with the full action trail when the session cannot be made to exist.
   * @throws {@link QrTimeoutError} when no QR, pairing code or connection appears within `qrWaitMs`.
   */
  createSession(sessionId: string, options: SessionCallOptions = {}): Promise<SessionReport> {
    return this.ensureSession(sessionId, options);
  }

  /** The idempotent form of {@link createSession}: safe to call on every start-up or request. */
  async ensureSession(sessionId: string, options: SessionCallOptions = {}): Promise<SessionReport> {
    const id = assertSessionId(sessionId);
    const run = () =>
      this.#flight(id, (trail, signal) => ensureSession(this.#ctx, trail, signal), options.signal);
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
  async reconnect(sessionId: string, options: ReconnectOptions = {}): Promise<SessionReport> {
    const id = assertSessionId(sessionId);
    return this.#flight(
      id,
      (trail, signal) => reconnect(this.#ctx, trail, { ...options, signal }),
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
      (id, reconnectOptions) => this.reconnect(id, reconnectOptions),
      () => this.#ctx.clock.now(),
      options,
    );
  }
}
