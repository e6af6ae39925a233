/**
 * Public types of the session layer.
 * @module
 */
import type { SessionAction } from '../errors.js';
import type { GatewayChannelStatus } from '../gateway/client.js';
import type { QrCode } from '../qr.js';
import type { PendingWork, RepairRecord } from '../store/types.js';
import type { WppStatus } from '../wppconnect/client.js';

/**
 * The *true* status of a session, from the strongest evidence available:
 * - `connected`: WPPConnect says CONNECTED and its page answers the liveness probe;
 * - `qr_required`: WPPConnect shows a QR code waiting to be scanned;
 * - `pairing_code`: WPPConnect issued a pairing code (login by phone number);
 * - `starting`: WPPConnect is launching the browser (INITIALIZING);
 * - `disconnected`: WPPConnect has the session but it is closed, or CONNECTED with a dead page;
 * - `not_propagated`: the gateway knows the channel but WPPConnect never received it (the gateway answered a create without forwarding it);
 * - `missing`: neither the gateway nor WPPConnect knows the id;
 * - `unknown`: the evidence could not be read (WPPConnect unreachable, unexpected answer).
 */
export type SessionStatus =
  | 'connected'
  | 'qr_required'
  | 'pairing_code'
  | 'starting'
  | 'disconnected'
  | 'not_propagated'
  | 'missing'
  | 'unknown';

/** Why a session is, or is not, a zombie: the evidence behind `isZombie`. */
export interface ZombieEvidence {
  /**
   * The verdict. `unknown` when the activity could not be trusted: the `ActivitySource` failed, or reported a
   * time well in the future. `isZombie` is then false, and a healthcheck counts the session as `unknown`.
   */
  verdict: 'zombie' | 'not_zombie' | 'unknown';
  /** Last *message* activity seen for the session (clamped to now when reported in the future), or null. */
  lastActivityAt: Date | null;
  /** The time the source really reported, when it was in the future and clamped to now. */
  clampedFrom?: Date;
  /** The threshold used for this session, in ms. */
  thresholdMs: number;
  /**
   * When the session was last repaired into CONNECTED, by any process sharing the store (silence counts from
   * the later of the two).
   */
  restartedAt?: Date;
  /**
   * Healthcheck restarts since the last message (and the last reconnect by hand). Each doubles the threshold
   * used here (`thresholdMs` already includes it); at `maxRestarts` the session needs a person.
   */
  restartsWithoutMessage?: number;
  /** How long the session has been silent at the time of the check, in ms (null without activity). */
  silentForMs: number | null;
  /** Where the evidence came from, e.g. `wppconnect:CONNECTED`, `probe:alive`, `activity`. */
  sources: string[];
  /** One sentence a person can read. */
  reason: string;
}

/** A session's state as the manager sees it, with the evidence behind it. */
export interface SessionInfo {
  /** Session id, case-sensitive. */
  id: string;
  /** The true status. */
  status: SessionStatus;
  /** What the gateway claims (lower-cased), or null when the gateway does not list the session. */
  gatewayStatus: GatewayChannelStatus | null;
  /** What WPPConnect says, or null when it was not asked (no client) or could not answer. */
  wppconnectStatus: WppStatus | null;
  /** Result of the liveness probe on a CONNECTED session: true alive, false dead, null not probed. */
  alive: boolean | null;
  /** Last message activity from the `ActivitySource` (never in the future: clamped to now), or null. */
  lastActivityAt: Date | null;
  /**
   * Connected, yet silent for longer than the zombie threshold. False also when it cannot be told (the
   * activity source failed): `zombie.verdict` is `unknown` then.
   */
  isZombie: boolean;
  /** The evidence for `isZombie`; present when the session is connected. */
  zombie?: ZombieEvidence;
  /** True when the gateway's claim and the evidence disagree (or the gateway does not list a live session). */
  inconsistent: boolean;
  /** A current QR code, only when WPPConnect says QRCODE (or, without a WPPConnect client, the gateway gave one). */
  qr?: QrCode;
  /** Plain-language notes on how the status was decided and what disagrees. */
  notes: string[];
  /** The session's recent restarts and repairs, oldest first, as kept in the manager's `SessionStore`. */
  history: RepairRecord[];
  /**
   * A zombie the healthcheck already restarted `maxRestarts` times with no message since: it will not restart
   * it again. A message, or a reconnect by hand, clears this.
   */
  needsPerson: boolean;
}

/** The outcome of `createSession`, `ensureSession` and `reconnect`: the final state plus the audit trail. */
export interface SessionReport extends SessionInfo {
  /** True when the manager had to fix something (start a session the gateway never propagated, restart a stuck one…). */
  repaired: boolean;
  /** True when the session was checked on WPPConnect itself; false in gateway-only mode. */
  verifiedOnWppconnect: boolean;
  /** Everything the manager did and saw, in order. */
  actions: SessionAction[];
  /**
   * The pairing code to type on the phone, when the call asked for a pairing-code login (`phone`) and the code
   * is known: WPPConnect gives it in its answer to a new session's start and in the `phoneCode` webhook only.
   * When it is absent, `watchSession` yields it as soon as the webhook arrives.
   */
  pairingCode?: string;
}

/** Kinds of {@link SessionEvent}. */
export type SessionEventType =
  | 'created'
  | 'propagation_missing'
  | 'repaired'
  | 'qr'
  | 'pairing_code'
  | 'connected'
  | 'disconnected'
  | 'stuck'
  | 'zombie'
  | 'inconsistent';

/**
 * Something worth knowing happened to a session; passed to `SessionManagerOptions.onEvent` and yielded by
 * `sessionEvents(manager)`. `created`, `propagation_missing` and `repaired` come from create, ensure and
 * reconnect; `qr`, `connected`, `zombie` and `inconsistent` from any operation; `pairing_code`,
 * `disconnected` and `stuck` (and further `qr` and `connected`) from a running `watchSession`.
 */
export interface SessionEvent {
  /** What happened. */
  type: SessionEventType;
  /** The session it happened to. */
  sessionId: string;
  /** When (the manager's clock). */
  at: Date;
  /** A sentence for people. */
  detail?: string;
  /** The QR, on `qr` events. */
  qr?: QrCode;
  /** The code, on `pairing_code` events. */
  pairingCode?: string;
}

/** Time source of the manager; inject one in tests to run waits instantly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects as soon as `signal` aborts (and clears its timer). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * How a session came out of a healthcheck. `starting`: WPPConnect is launching its browser (INITIALIZING); a
 * repair waits for it and restarts it only when it stays INITIALIZING past `stuckAfterMs`, once. `unknown`: the
 * evidence could not be read, including a connected session whose activity source failed. `not_listed`:
 * WPPConnect has it (or a repair left its re-create pending) but the gateway does not list it, so it is not
 * healthy whatever WPPConnect says. `needs_person`: a zombie the healthcheck already restarted `maxRestarts`
 * times with no message since; it is not restarted again until a message arrives or someone reconnects it by
 * hand.
 */
export type HealthClass =
  | 'healthy'
  | 'zombie'
  | 'starting'
  | 'disconnected'
  | 'not_propagated'
  | 'unknown'
  | 'not_listed'
  | 'needs_person';

/** One session's line in a {@link HealthReport}. */
export interface HealthEntry {
  /** Session id. */
  id: string;
  /** The class the session fell in. */
  health: HealthClass;
  /** The state observed. */
  info: SessionInfo;
  /** What the repair did: not attempted (`skipped`), `dry_run`, `repaired` or `failed`. */
  repair: 'skipped' | 'dry_run' | 'repaired' | 'failed';
  /** The reconnect report, when a repair ran. */
  report?: SessionReport;
  /** Work a repair began and did not finish (a re-create of the gateway channel), when the store holds some. */
  pending?: PendingWork;
  /** Why the repair or the check failed, when it did. */
  error?: {
    /** Error class name, e.g. `PropagationError`. */
    name: string;
    /** The error's `code`. */
    code: string;
    /** The error's message (already free of secrets). */
    message: string;
  };
}

/** Result of `SessionManager.healthcheck`. */
export interface HealthReport {
  /** When the check started. */
  checkedAt: Date;
  /** How many sessions fell in each class (before repairs). */
  counts: Record<HealthClass, number> & {
    /** Sessions checked. */
    total: number;
  };
  /** Repairs that succeeded and that failed. */
  repairs: {
    /** Reconnects started (0 in a dry run). */
    attempted: number;
    /** Reconnects that ended in a report. */
    repaired: number;
    /** Reconnects that threw. */
    failed: number;
  };
  /** One entry per session. */
  sessions: HealthEntry[];
  /** True when every session is healthy (after repairs, when they ran). */
  ok: boolean;
}
