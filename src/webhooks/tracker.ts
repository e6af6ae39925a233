/**
 * `ActivityTracker`: the last proof of life of each session, fed with webhook bodies, read in one batch by
 * the `SessionManager`'s zombie rule.
 * @module
 */

import type { ActivitySource } from '../activity/source.js';
import { InvalidArgumentError, ResponseValidationError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import type { SessionStore } from '../store/types.js';
import { parseWebhook } from './parse.js';
import type { ParseWebhookOptions, WebhookEvent } from './types.js';

export type { ActivitySource } from '../activity/source.js';

/** Options of {@link ActivityTracker}. */
export interface ActivityTrackerOptions {
  /**
   * Which events prove a session alive. Default: `event.isMessage`. Presence and acks do not count: a
   * zombie session kept emitting `onpresencechanged` and `onack` for days without a single `onmessage`.
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
  /**
   * Also keep every recorded time in this `SessionStore` (a `FileStore` or `RedisStore` shared by every
   * process), and answer `lastActivity` from it: a webhook that reached one replica counts in every
   * process's listing. Writes start in `record` and are awaited by {@link ActivityTracker.ingest} and
   * {@link ActivityTracker.flush}.
   */
  store?: SessionStore;
  /** Called when a write to `store` started by `record` fails (it is not retried). Default: ignored. */
  onStoreError?: (error: unknown, sessionId: string) => void;
  /**
   * Most sessions remembered. Beyond it, the session seen least recently is forgotten (it then reads as never
   * seen). Default 10 000: a real fleet has hundreds or thousands of sessions, while unsigned webhooks can
   * carry any number of made-up ids (a million of them cost 135 MiB before this bound).
   */
  maxSessions?: number;
}

/** Default of {@link ActivityTrackerOptions.maxSessions}: thousands of sessions, about 2 MiB at most. */
const DEFAULT_MAX_TRACKED_SESSIONS = 10_000;

/**
 * An in-memory {@link ActivitySource}: feed it every webhook body, hand it to the `SessionManager`.
 *
 * It keeps the latest activity time per session and never moves it backwards, so late or out-of-order
 * deliveries are harmless. A time in the future (a skewed or malformed body) is capped at the receive
 * time, so one bad body cannot hide a zombie forever. State lives in this process only, unless a `store`
 * is given: then every process sharing that store sees the webhooks any of them recorded.
 *
 * Session ids come from the body unless the route gives one: WPPConnect webhooks are unsigned, so
 * authenticate the route or pass `sessionId` from a per-session URL. Ids are held to the session-id rules
 * ({@link assertSessionId}: no control characters, no `/`, `..` or `:`, at most 100 characters); an event with
 * any other id is not recorded. The tracker is bounded: it remembers at most `maxSessions` sessions (default
 * 10 000) and forgets the one seen least recently when a new one arrives, so a flood of made-up ids costs a
 * bounded amount of memory. A forgotten session reads as never seen (`null`: a quiet channel, not a zombie),
 * so keep `maxSessions` above the size of your fleet; {@link ActivityTracker.evictions} counts what was
 * forgotten.
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
  /** Last activity per session; the Map's order is the order of the last record, least recent first. */
  readonly #latest = new Map<string, number>();
  readonly #maxSessions: number;
  #evictions = 0;
  readonly #countAsActivity: (event: WebhookEvent) => boolean;
  readonly #clock: { now(): number };
  readonly #useReceiveTime: boolean;
  readonly #listeners = new Set<(event: WebhookEvent) => void>();
  readonly #store: SessionStore | undefined;
  readonly #onStoreError: ((error: unknown, sessionId: string) => void) | undefined;
  /** Store writes started by `record` and not settled yet. */
  readonly #writes = new Set<Promise<void>>();
  /** The write of the event `recordEvent` handled last, for `ingest`. */
  #lastWrite: Promise<void> | undefined;

  /** @param options - What counts as activity, the clock, and which time to record. */
  constructor(options: ActivityTrackerOptions = {}) {
    this.#countAsActivity = options.countAsActivity ?? ((event) => event.isMessage);
    this.#clock = options.clock ?? Date;
    this.#useReceiveTime = options.useReceiveTime ?? false;
    this.#store = options.store;
    this.#onStoreError = options.onStoreError;
    const max = options.maxSessions ?? DEFAULT_MAX_TRACKED_SESSIONS;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new InvalidArgumentError('options.maxSessions', 'must be a positive integer');
    }
    this.#maxSessions = max;
  }

  /** How many sessions are remembered now (at most `maxSessions`). */
  get size(): number {
    return this.#latest.size;
  }

  /** How many sessions were forgotten to stay within `maxSessions` since this tracker was made. */
  get evictions(): number {
    return this.#evictions;
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
    if (event.sessionId === null || !isValidId(event.sessionId) || !this.#countAsActivity(event))
      return false;
    const id = event.sessionId;
    const now = this.#clock.now();
    const time = this.#useReceiveTime || event.at === null ? now : Math.min(event.at.getTime(), now);
    if (!Number.isFinite(time)) return false;
    const previous = this.#latest.get(id);
    // Delete and set again: the Map's insertion order then keeps the least recently seen session first.
    this.#latest.delete(id);
    this.#latest.set(id, previous === undefined ? time : Math.max(previous, time));
    while (this.#latest.size > this.#maxSessions) {
      const oldest = this.#latest.keys().next().value as string;
      this.#latest.delete(oldest);
      this.#evictions++;
    }
    if (this.#store) this.#startWrite(id, time);
    return true;
  }

  #startWrite(sessionId: string, time: number): void {
    const store = this.#store as SessionStore;
    const write = store.recordActivity(sessionId, new Date(time));
    const tracked = write.then(
      () => undefined,
      (error: unknown) => {
        try {
          this.#onStoreError?.(error, sessionId);
        } catch {
          // A failing handler must not turn into an unhandled rejection.
        }
      },
    );
    this.#writes.add(tracked);
    void tracked.finally(() => this.#writes.delete(tracked));
    // `ingest` awaits this one and sees its error.
    this.#lastWrite = write;
    write.catch(() => undefined);
  }

  /**
   * Like {@link ActivityTracker.record}, but waits until the store (when there is one) has the time, and
   * rejects when it could not be written: for a webhook route that answers only once the activity is safe.
   * @returns The parsed event, or `null` when the body is not a webhook.
   * @throws `StoreError` when the store failed.
   */
  async ingest(body: unknown, options?: ParseWebhookOptions): Promise<WebhookEvent | null> {
    this.#lastWrite = undefined;
    const event = this.record(body, options);
    const write = this.#lastWrite as Promise<void> | undefined;
    this.#lastWrite = undefined;
    if (write) await write;
    return event;
  }

  /** Waits until every store write started by `record` has settled (failed ones went to `onStoreError`). */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
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
    if (!this.#store) return new Map(ids.map((id) => [id, this.get(id)]));
    // The store is what every process shares; this process's own times are newer while their writes run.
    const shared = await this.#store.lastActivity(ids, signal);
    return new Map(
      ids.map((id) => {
        const mine = this.get(id);
        const theirs = shared.get(id) ?? null;
        return [id, mine && (!theirs || mine > theirs) ? mine : theirs] as const;
      }),
    );
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

  /** Forgets every session (the eviction count is kept). */
  clear(): void {
    this.#latest.clear();
  }
}

/** Whether `id` follows the session-id rules; webhook ids are input like any other. */
function isValidId(id: string): boolean {
  try {
    assertSessionId(id);
    return true;
  } catch {
    return false;
  }
}
