/**
 * What every session operation shares: the clients, the clock, the resolved options, the event hook, and the
 * audit trail of one operation.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AbortError, InvalidArgumentError, type SessionAction, WhatsAppSdkError } from '../errors.js';
import type { WhatsAppGatewayClient } from '../gateway/client.js';
import { sleep } from '../http/delay.js';
import { AdaptiveLimit } from '../internal/adaptive-limit.js';
import type { LogFields, Logger } from '../logger.js';
import { MemoryStore } from '../store/memory.js';
import type { RepairRecord, SessionStore } from '../store/types.js';
import type { ActivitySource } from '../webhooks/tracker.js';
import type { WebhookEvent } from '../webhooks/types.js';
import type { WppConnectClient } from '../wppconnect/client.js';
import { PairingCodes } from './pairing-codes.js';
import type { Clock, SessionEvent, SessionEventType } from './types.js';
import type { WebhookFeed } from './watch-types.js';

/** The activity source, when it can also hand over webhooks as they arrive (an `ActivityTracker` can). */
function feedOf(activity: unknown): WebhookFeed | undefined {
  const candidate = activity as Partial<WebhookFeed> | undefined;
  return typeof candidate?.subscribe === 'function' ? (candidate as WebhookFeed) : undefined;
}

/** What the core tells the live watches (the `watch` subpath's hub) when they exist. @internal */
export interface LiveHub {
  /** A webhook other than a pairing code, for the session's watchers. */
  onWebhook(event: WebhookEvent): void;
}

/** Options of `SessionManager`. */
export interface SessionManagerOptions {
  /** The gateway client (required): channels are created and listed there. */
  gateway: WhatsAppGatewayClient;
  /**
   * The WPPConnect client. With it, every session is verified and repaired on WPPConnect itself; without it the
   * manager works through the gateway only, and says in each report that nothing was verified on WPPConnect.
   */
  wppconnect?: WppConnectClient;
  /** Where the last message time of each session comes from (e.g. an `ActivityTracker` or a database). */
  activity?: ActivitySource;
  /** Silence after which a connected session is a zombie, in ms, or a function per session. Default 4 h. */
  zombieAfterMs?: number | ((sessionId: string) => number);
  /** Count a connected session with no recorded activity at all as a zombie. Default false (quiet ≠ dead). */
  noActivityIsZombie?: boolean;
  /**
   * Webhook URL sent on every WPPConnect start-session (a start without it drops the stored one): a string, or a function of the session id.
   */
  webhookUrl?: string | ((sessionId: string) => string | undefined);
  /** Longest wait for a QR code, a pairing code or a connection after a start, in ms. Default 120 000. */
  qrWaitMs?: number;
  /** Waits between status polls, in ms; the last one repeats. Default `[500, 1000, 2000]` (then every 2 s). */
  pollIntervalsMs?: readonly number[];
  /** How long INITIALIZING may last before the manager restarts the session once, in ms. Default 60 000. */
  stuckAfterMs?: number;
  /** How many QR attempts the gateway-only mode makes per round. Default 5. */
  gatewayQrAttempts?: number;
  /**
   * Most sessions looked up on WPPConnect at once when listing (each lookup is one or two calls). Default 16.
   * With `adaptiveConcurrency` on, this is the ceiling the limit moves under.
   */
  concurrency?: number;
  /**
   * Let the listing limit follow WPPConnect's answers: halve it on 5xx, 429, timeouts and dropped
   * connections, and raise it back by one per window of answers while latency holds (within twice the
   * fastest answer), never above `concurrency`. Default true. The limit is shared by every listing of this
   * manager, so a server that struggled in one round is not hit at full width in the next.
   */
  adaptiveConcurrency?: boolean;
  /** Probe CONNECTED sessions with check-connection-session. Default true. */
  probeConnected?: boolean;
  /**
   * A CONNECTED session whose last message (from `activity`) arrived within this many ms is taken as alive
   * without the liveness probe: a dead page delivers no messages, so a recent one proves it was alive then.
   * Default 120 000 (2 min); 0 probes every CONNECTED session. The session's notes and zombie evidence say
   * when a message stood in for the probe.
   */
  recentMessageMs?: number;
  /** Time source; inject one in tests. Default: the system clock. */
  clock?: Clock;
  /** Receives what the manager does (info) and what looks wrong (warn). */
  logger?: Logger;
  /** Called for each {@link SessionEvent}. Exceptions thrown by the hook are ignored. */
  onEvent?: (event: SessionEvent) => void;
  /**
   * Where `watchSession` and the pairing-code wait hear webhooks at once (a `qrcode` or `phoneCode` webhook reaches
   * them before the next poll). Default: `activity`, when it is one (an `ActivityTracker` is).
   */
  webhooks?: WebhookFeed;
  /**
   * Where what must outlive this process is kept: last activity, repair history, leases, pending work. Give
   * every process of a deployment the same store (`FileStore` on one machine, `RedisStore` on many, from
   * `whatsapp-gateway-sdk/store`) and they share one truth: repairs of a session never run twice at once,
   * restarts are remembered, and a repair interrupted half-way is finished by whoever runs next. Default: a
   * `MemoryStore` of this manager alone. Without `activity`, the manager reads activity from the store.
   */
  store?: SessionStore;
  /** How long a session's lease lasts unless renewed (its holder renews it every third of this), in ms. Default 30 000. */
  leaseTtlMs?: number;
  /**
   * Longest wait for a session's lease held by another process before a `SessionBusyError`, in ms. Default:
   * `qrWaitMs` plus `leaseTtlMs` (the holder may be waiting for a QR code; a crashed holder's lease expires).
   */
  leaseWaitMs?: number;
  /**
   * Healthcheck restarts of a silent session without a message in between before it stops restarting it and
   * reports that it needs a person. Each restart doubles the silence needed before the next. Default 3.
   */
  maxRestarts?: number;
}

/** What one `createSession` / `ensureSession` / `reconnect` call may override. @internal */
export interface CallSettings {
  qrWaitMs?: number | undefined;
  webhookUrl?: string | undefined;
  phone?: string | undefined;
}

/** The system clock. @internal */
export const systemClock: Clock = { now: () => Date.now(), sleep };

/** Options with defaults applied. @internal */
export interface ResolvedOptions {
  zombieAfterMs: (id: string) => number;
  noActivityIsZombie: boolean;
  webhookUrl: (id: string) => string | undefined;
  qrWaitMs: number;
  pollIntervalsMs: readonly number[];
  stuckAfterMs: number;
  gatewayQrAttempts: number;
  concurrency: number;
  adaptiveConcurrency: boolean;
  probeConnected: boolean;
  leaseTtlMs: number;
  leaseWaitMs: number;
  maxRestarts: number;
  recentMessageMs: number;
}

const FOUR_HOURS = 4 * 3_600_000;
/**
 * Sessions looked up at once when listing. The real WPPConnect server checks a bcrypt token (cost 10, tens
 * of ms of CPU) in its four-thread libuv pool on every call, so a handful of calls in flight already fills
 * it; 16 keeps a remote server (tens of ms away) busy while the service's own sends, queued behind them,
 * wait a fraction of a second at most. The adaptive limit halves it when the server starts failing.
 */
const DEFAULT_CONCURRENCY = 16;
/**
 * How recent a message must be to stand in for the liveness probe. Shorter than any sensible healthcheck
 * interval (minutes), so a page that died stays reported alive at most this long after its last message,
 * and the next listing after that probes it; long enough that a busy session (a message every minute or
 * so) is seldom probed.
 */
const DEFAULT_RECENT_MESSAGE_MS = 120_000;
/** Shortest repeating poll: anything faster hammers WPPConnect (and a 0 never yields). */
const MIN_REPEATING_POLL_MS = 10;

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`options.${name}`, 'must be a positive number');
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(`options.${name}`, 'must be a non-negative number');
  return value;
}

/** @internal */
export function resolveOptions(options: SessionManagerOptions): ResolvedOptions {
  const zombie = options.zombieAfterMs;
  if (typeof zombie === 'number') positive(zombie, FOUR_HOURS, 'zombieAfterMs');
  const webhook = options.webhookUrl;
  const intervals = options.pollIntervalsMs ?? [500, 1000, 2000];
  if (
    !Array.isArray(intervals) ||
    intervals.length === 0 ||
    intervals.some((ms) => typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
  ) {
    throw new InvalidArgumentError(
      'options.pollIntervalsMs',
      'must be a non-empty list of non-negative numbers',
    );
  }
  // The last wait repeats until the session is ready: a 0 there polls in a tight loop.
  if ((intervals.at(-1) as number) < MIN_REPEATING_POLL_MS) {
    throw new InvalidArgumentError(
      'options.pollIntervalsMs',
      `its last wait repeats, so it must be at least ${MIN_REPEATING_POLL_MS} ms`,
    );
  }
  return {
    zombieAfterMs: typeof zombie === 'function' ? zombie : () => zombie ?? FOUR_HOURS,
    noActivityIsZombie: options.noActivityIsZombie ?? false,
    webhookUrl: typeof webhook === 'function' ? webhook : () => webhook,
    qrWaitMs: positive(options.qrWaitMs, 120_000, 'qrWaitMs'),
    pollIntervalsMs: intervals,
    stuckAfterMs: positive(options.stuckAfterMs, 60_000, 'stuckAfterMs'),
    gatewayQrAttempts: Math.floor(positive(options.gatewayQrAttempts, 5, 'gatewayQrAttempts')),
    concurrency: Math.floor(positive(options.concurrency, DEFAULT_CONCURRENCY, 'concurrency')),
    adaptiveConcurrency: options.adaptiveConcurrency ?? true,
    probeConnected: options.probeConnected ?? true,
    leaseTtlMs: Math.ceil(positive(options.leaseTtlMs, 30_000, 'leaseTtlMs')),
    leaseWaitMs: positive(
      options.leaseWaitMs,
      positive(options.qrWaitMs, 120_000, 'qrWaitMs') + (options.leaseTtlMs ?? 30_000),
      'leaseWaitMs',
    ),
    maxRestarts: maxRestartsOf(options.maxRestarts),
    recentMessageMs: nonNegative(options.recentMessageMs, DEFAULT_RECENT_MESSAGE_MS, 'recentMessageMs'),
  };
}

function maxRestartsOf(value: number | undefined): number {
  if (value === undefined) return 3;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 20) {
    throw new InvalidArgumentError('options.maxRestarts', 'must be a whole number from 1 to 20');
  }
  return value;
}

/** The ordered record of one operation, shared by every step of it. @internal */
export class Trail {
  readonly actions: SessionAction[] = [];
  repaired = false;
  /** How a repair of this operation is remembered: a healthcheck restart, a repair, or a reconnect by hand. */
  kind: RepairRecord['kind'] = 'repair';
  /**
   * The session lease this operation runs under (set by `withSessionLease`), so the steps that undo state
   * (close-session, the gateway DELETE) can check it is still this process's first (lease.ts `confirmLease`).
   */
  lease: { name: string; owner: string; lost: boolean } | undefined;

  constructor(
    readonly sessionId: string,
    private readonly clock: Clock,
  ) {}

  add(step: string, outcome: string, detail?: string): void {
    const action: SessionAction = { step, outcome, at: new Date(this.clock.now()) };
    if (detail) action.detail = detail;
    this.actions.push(action);
  }
}

/** A lease owner token naming this process (for people reading `doctor`), unique per manager. @internal */
export function newOwnerToken(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

function isStore(value: unknown): value is SessionStore {
  const store = value as Partial<SessionStore> | null;
  return (
    typeof store?.acquireLease === 'function' &&
    typeof store.history === 'function' &&
    typeof store.lastActivity === 'function' &&
    typeof store.pending === 'function'
  );
}

/** Everything an operation needs. @internal */
export class SessionContext {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  /** Activity, history, leases and pending work, shared with other processes when the store is. */
  readonly store: SessionStore;
  /** This manager's lease owner token. */
  readonly owner: string;
  /**
   * When each session was first seen INITIALIZING, by any read of this manager (a listing, a healthcheck, a
   * wait), and forgotten as soon as a read shows another status or the manager starts it again. It is what
   * lets a healthcheck tell a session that is only starting from one stuck for longer than `stuckAfterMs`.
   */
  readonly initializingSince = new Map<string, number>();
  /** Sessions this manager already closed and started once for being stuck INITIALIZING: never twice. */
  readonly stuckRestarted = new Set<string>();
  /** How many WPPConnect lookups may run at once; shared by every listing of this manager. */
  readonly limit: AdaptiveLimit;
  /** Subscribers of `SessionManager.events` (besides `onEvent`). */
  readonly listeners = new Set<(event: SessionEvent) => void>();
  /** The pairing codes start answers and webhooks gave. */
  readonly pairing: PairingCodes;
  /**
   * The shared status polls of the `watch` subpath: set by its first watch, so a manager nobody watches (and
   * the core entry) carries none of it.
   */
  hub: LiveHub | undefined;
  /** The phone number of a pairing-code login, for one call (see {@link SessionContext.forCall}). */
  readonly phone: string | undefined;

  constructor(
    readonly gateway: WhatsAppGatewayClient,
    readonly wpp: WppConnectClient | undefined,
    readonly activity: ActivitySource | undefined,
    options: SessionManagerOptions,
    private readonly logger: Logger | undefined,
    private readonly onEvent: ((event: SessionEvent) => void) | undefined,
  ) {
    this.options = resolveOptions(options);
    this.clock = options.clock ?? systemClock;
    if (options.store !== undefined && !isStore(options.store)) {
      throw new InvalidArgumentError(
        'options.store',
        'must be a SessionStore (MemoryStore, FileStore, RedisStore)',
      );
    }
    this.store = options.store ?? new MemoryStore();
    this.owner = newOwnerToken();
    this.limit = new AdaptiveLimit(this.options.concurrency, this.options.adaptiveConcurrency);
    const feed = options.webhooks ?? feedOf(options.activity);
    this.pairing = new PairingCodes(this.clock, feed !== undefined);
    // One subscription for the manager's life: a listener call per webhook, nothing more. A phoneCode webhook
    // is a pairing code a start's caller may be waiting for; the rest matters only to live watches, if any.
    feed?.subscribe((event) => {
      if (event.sessionId === null) return;
      if (event.kind === 'phone_code' && event.phoneCode)
        this.pairing.note(event.sessionId, event.phoneCode, undefined, 'webhook');
      else this.hub?.onWebhook(event);
    });
  }

  emit(type: SessionEventType, sessionId: string, detail?: string, extra: Partial<SessionEvent> = {}): void {
    const event: SessionEvent = { type, sessionId, at: new Date(this.clock.now()), ...extra };
    if (detail) event.detail = detail;
    this.log(
      type === 'inconsistent' || type === 'zombie' || type === 'propagation_missing' ? 'warn' : 'info',
      `session ${type}`,
      {
        sessionId,
        ...(detail ? { detail } : {}),
      },
    );
    for (const listener of [this.onEvent, ...this.listeners]) {
      try {
        listener?.(event);
      } catch {
        // A failing hook must not break session management.
      }
    }
  }

  /**
   * The same context with one call's overrides: the state (restart times, listeners, polls) stays shared,
   * only the options differ. The prototype chain does the sharing, so no field is copied by hand.
   */
  forCall(call: CallSettings): SessionContext {
    // The gateway has no pairing-code login: without WPPConnect the number would be dropped and a QR shown.
    if (call.phone !== undefined && !this.wpp)
      throw new InvalidArgumentError(
        'options.phone',
        'needs a WppConnectClient (the `wppconnect` option of the SessionManager): only WPPConnect issues pairing codes',
      );
    if (call.qrWaitMs === undefined && call.webhookUrl === undefined && call.phone === undefined) return this;
    const options: ResolvedOptions = { ...this.options };
    if (call.qrWaitMs !== undefined) options.qrWaitMs = call.qrWaitMs;
    if (call.webhookUrl !== undefined) {
      const url = call.webhookUrl;
      options.webhookUrl = () => url;
    }
    return Object.create(this, {
      options: { value: options },
      phone: { value: call.phone },
    }) as SessionContext;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields): void {
    try {
      this.logger?.[level]?.(message, fields);
    } catch {
      // Same for a failing logger.
    }
  }

  /** Waits on the manager's clock; an abort becomes the SDK's {@link AbortError}. */
  async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new AbortError('The session operation was aborted');
      throw error;
    }
  }

  /** The wait before poll number `n` (0-based), following `pollIntervalsMs`. */
  pollDelay(n: number): number {
    const list = this.options.pollIntervalsMs;
    return list[Math.min(n, list.length - 1)] as number;
  }
}

/** Short text for an error in a trail: its class and code, never a body. @internal */
export function describeError(error: unknown): string {
  if (error instanceof WhatsAppSdkError) {
    return `${error.name}${error.status ? ` HTTP ${error.status}` : ''} (${error.code})`;
  }
  return error instanceof Error ? error.name : 'error';
}
