/**
 * `ActivityTracker`: the last proof of life of each session, fed with webhook bodies, read in one batch by
 * the `SessionManager`'s zombie rule (design §2, §3.3).
 * @module
 */

import type { ActivitySource } from '../activity/source.js';
import { ResponseValidationError } from '../errors.js';
import { parseWebhook } from './parse.js';
import type { ParseWebhookOptions, WebhookEvent } from './types.js';

export type { ActivitySource } from '../activity/source.js';

/** Options of {@link ActivityTracker}. */
export interface ActivityTrackerOptions {
  /**
   * Which events prove a session alive. Default: `event.isMessage`. Presence and acks do not count: a
   * zombie session kept emitting `onpresencechanged` and `onack` for days without a single `onmessage`
   * (field notes §7.3, design §3.3).
   */
  countAsActivity?: (event: WebhookEvent) => boolean;
  /** The clock for receive times, in epoch milliseconds. Default: `Date.now`. */
  clock?: {
    /** Milliseconds since the epoch. */
    now(): number;
  };
  /**
   * Record the time the body was received instead of the time it carries. Default `false`: the body's own
   * time when it has one (a retried or queued delivery arrives late), else the receive time.
   */
  useReceiveTime?: boolean;
}

/**
 * An in-memory {@link ActivitySource}: feed it every webhook body, hand it to the `SessionManager`.
 *
 * It keeps the latest activity time per session and never moves it backwards, so late or out-of-order
 * deliveries are harmless. A time in the future (a skewed or malformed body) is capped at the receive
 * time, so one bad body cannot hide a zombie forever. State lives in this process only; for several
 * processes, implement {@link ActivitySource} over your database (see `examples/`).
 *
 * Session ids come from the body unless the route gives one: WPPConnect webhooks are unsigned
 * (wppconnect.md §4), so authenticate the route or pass `sessionId` from a per-session URL.
 *
 * @example
 * ```ts
 * const activity = new ActivityTracker();
 * app.post('/hooks/wpp/:session', express.json(), (req, res) => {
 *   activity.record(req.body, { sessionId: req.params.session });
 *   res.sendStatus(200);
 * });
 * const manager = new SessionManager({ gateway, activity });
 * ```
 */
export class ActivityTracker implements ActivitySource {
  readonly #latest = new Map<string, number>();
  readonly #countAsActivity: (event: WebhookEvent) => boolean;
  readonly #clock: { now(): number };
  readonly #useReceiveTime: boolean;
  readonly #listeners = new Set<(event: WebhookEvent) => void>();

  /** @param options - What counts as activity, the clock, and which time to record. */
  constructor(options: ActivityTrackerOptions = {}) {
    this.#countAsActivity = options.countAsActivity ?? ((event) => event.isMessage);
    this.#clock = options.clock ?? Date;
    this.#useReceiveTime = options.useReceiveTime ?? false;
  }

  /**
   * Parses a webhook body and records it when it counts as activity.
   * @param body - As accepted by {@link parseWebhook}: parsed JSON, JSON text or bytes.
   * @param options - The session id known from the route, which wins over the body's.
   * @returns The parsed event (recorded or not), or `null` when the body is not a webhook; never throws for
   *   a bad body.
   */
  record(body: unknown, options?: ParseWebhookOptions): WebhookEvent | null {
    let event: WebhookEvent;
    try {
      event = parseWebhook(body, options);
    } catch (error) {
      if (error instanceof ResponseValidationError) return null;
      throw error;
    }
    this.recordEvent(event);
    return event;
  }

  /**
   * Records an already parsed event when it counts as activity and names a session.
   * @param event - The event, from {@link parseWebhook} or built by hand.
   * @returns Whether it was counted.
   */
  recordEvent(event: WebhookEvent): boolean {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the recording.
      }
    }
    if (event.sessionId === null || !this.#countAsActivity(event)) return false;
    const now = this.#clock.now();
    const time = this.#useReceiveTime || event.at === null ? now : Math.min(event.at.getTime(), now);
    if (!Number.isFinite(time)) return false;
    const previous = this.#latest.get(event.sessionId);
    if (previous === undefined || time > previous) this.#latest.set(event.sessionId, time);
    return true;
  }

  /**
   * The last activity of every id, in one call.
   * @param ids - Session ids, case-sensitive; ids never seen map to `null`.
   * @param signal - Rejects with the signal's reason when already aborted.
   */
  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    signal?.throwIfAborted();
    return new Map(ids.map((id) => [id, this.get(id)]));
  }

  /**
   * The last activity of one session.
   * @param id - Session id, case-sensitive.
   * @returns A new `Date`, or `null` when nothing was recorded for it.
   */
  get(id: string): Date | null {
    const time = this.#latest.get(id);
    return time === undefined ? null : new Date(time);
  }

  /**
   * Calls `listener` with every event recorded from now on, activity or not (a `qrcode` or `phoneCode`
   * webhook too). A `SessionManager` given this tracker as `activity` subscribes, so its `watch` hears such
   * webhooks at once.
   * @returns A function that stops the calls.
   */
  subscribe(listener: (event: WebhookEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets every session. */
  clear(): void {
    this.#latest.clear();
  }
}
