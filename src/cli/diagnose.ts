/**
 * The checks behind `doctor`: the lost-propagation investigation, automated. Each link of the chain
 * is checked in order — gateway reachable, secret accepted, channel known, WPPConnect reachable, session
 * present there, statuses agree, QR obtainable, page alive, last message — and a check that cannot be judged
 * because an earlier one failed is skipped rather than failed, so one cause gives one ✗ with one remedy.
 * @module
 */
import { AuthenticationError, NotFoundError, WhatsAppSdkError } from '../errors.js';
import type { Channel } from '../gateway/client.js';
import { findCaseOnlyMatch } from '../ids.js';
import type { SessionInfo } from '../sessions/types.js';
import type { WppSessionStatus } from '../wppconnect/client.js';
import type { Connection } from './config.js';
import { hintFor, isUnreachable } from './exit.js';
import { type CheckState, relativeTime } from './output.js';

/** One line of the checklist. */
export interface Check {
  /** What is checked, e.g. `gateway reachable`. */
  name: string;
  /** ✓, ✗ or – (skipped). */
  state: CheckState;
  /** What was seen. */
  detail: string;
  /** What to do about a ✗. */
  remedy?: string;
}

/**
 * What `--repair` can do about the first fault found, through the manager: start a session the gateway
 * never propagated (`ensure`), bring a closed or dead one back (`reconnect`), restart a zombie
 * (`reconnect --force`).
 */
export type Repair = 'ensure' | 'reconnect' | 'reconnect_force';

/** The outcome of {@link diagnose}. */
export interface Diagnosis {
  sessionId: string;
  checks: Check[];
  /** Every check passed or was skipped as not applicable. */
  ok: boolean;
  /** The gateway could not be reached (exit 3). */
  unreachable: boolean;
  /** What `--repair` would do, when a fault it can fix was found. */
  repair: Repair | null;
  /** The manager's view of the session, when it could be read. */
  info: SessionInfo | null;
}

/** How the doctor is run. */
export interface DiagnoseOptions {
  /** Whether an activity source was given (otherwise the last-activity check is skipped). */
  hasActivity: boolean;
  /** The current time, for relative times. */
  now: number;
  signal?: AbortSignal | undefined;
}

const REPAIR_COMMAND: Record<Repair, (id: string) => string> = {
  ensure: (id) => `whatsapp-gateway create ${id}`,
  reconnect: (id) => `whatsapp-gateway reconnect ${id}`,
  reconnect_force: (id) => `whatsapp-gateway reconnect ${id} --force`,
};

/** The remedy sentence for a fault `--repair` can fix. */
function remedy(repair: Repair, id: string, why: string): string {
  return `run \`${REPAIR_COMMAND[repair](id)}\` (or doctor --repair): ${why}`;
}

function errorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Collects the checks in order; `skipRest` marks every later check as skipped with one reason. */
class Checklist {
  readonly checks: Check[] = [];
  repair: Repair | null = null;
  unreachable = false;

  ok(name: string, detail: string): void {
    this.checks.push({ name, state: 'ok', detail });
  }

  fail(name: string, detail: string, remedyText?: string): void {
    this.checks.push({ name, state: 'fail', detail, ...(remedyText ? { remedy: remedyText } : {}) });
  }

  skip(name: string, detail: string): void {
    this.checks.push({ name, state: 'skip', detail });
  }

  /** Sets the repair for the first fault found; later faults are consequences of it. */
  fault(repair: Repair): void {
    this.repair ??= repair;
  }
}

/** Names of every check, in order (the skipped ones are still listed). */
export const CHECKS = [
  'gateway reachable',
  'gateway secret accepted',
  'channel known to the gateway',
  'WPPConnect reachable',
  'session on WPPConnect',
  'gateway and WPPConnect agree',
  'QR code obtainable',
  'liveness probe',
  'last message',
] as const;

/**
 * Runs every check for one session and returns the checklist. Never throws for a service failure: each
 * becomes a ✗ with its remedy (only aborts and bugs are thrown).
 */
export async function diagnose(conn: Connection, id: string, options: DiagnoseOptions): Promise<Diagnosis> {
  const list = new Checklist();
  const call = options.signal ? { signal: options.signal } : {};
  const [reachable, secret, known, wppReachable, onWpp, agree, qr, probe, activity] = CHECKS;
  const skipFrom = (from: number, why: string) => {
    for (const name of CHECKS.slice(from)) list.skip(name, why);
  };
  const finish = (info: SessionInfo | null): Diagnosis => ({
    sessionId: id,
    checks: list.checks,
    ok: list.checks.every((c) => c.state !== 'fail'),
    unreachable: list.unreachable,
    repair: list.repair,
    info,
  });

  // 1-2. The gateway answers, and accepts the secret. A proxy's 401 is told apart from the gateway's own.
  let channels: Channel[];
  try {
    channels = await conn.gateway.listChannels(call);
    list.ok(reachable, `it answered (${channels.length} channel${channels.length === 1 ? '' : 's'})`);
    list.ok(secret, 'X-Gateway-Secret accepted');
  } catch (error) {
    if (options.signal?.aborted) throw error;
    list.unreachable = isUnreachable(error);
    if (error instanceof AuthenticationError && error.source === 'proxy') {
      list.ok(reachable, 'a proxy in front of it answered');
      list.fail(
        secret,
        'HTTP 401 from a proxy (nginx Basic auth), not from the gateway: the secret was never checked',
        hintFor(error),
      );
    } else if (error instanceof AuthenticationError) {
      list.ok(reachable, 'it answered');
      list.fail(secret, 'the gateway rejected the secret (HTTP 401)', hintFor(error));
    } else {
      list.fail(
        reachable,
        errorDetail(error),
        hintFor(error) ?? 'check WPP_GATEWAY_BASE_URL and the gateway’s logs',
      );
      list.skip(secret, 'skipped: the gateway did not answer');
    }
    skipFrom(2, 'skipped: the gateway cannot be used');
    return finish(null);
  }

  // 3. The channel, with case-only near misses (ids are case-sensitive: FrontDesk ≠ frontdesk).
  let gatewayKnows = false;
  let wppNames: string[] | null = null;
  try {
    const channel = await conn.gateway.getChannel(id, call);
    gatewayKnows = true;
    list.ok(known, `the gateway claims "${channel.status}"`);
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      if (options.signal?.aborted) throw error;
      list.fail(known, errorDetail(error), hintFor(error));
      skipFrom(3, 'skipped: the gateway could not be read');
      return finish(null);
    }
    wppNames = conn.wppconnect ? await conn.wppconnect.listSessionNames(call).catch(() => null) : null;
    const near =
      error.existingId ?? findCaseOnlyMatch(id, [...channels.map((c) => c.id), ...(wppNames ?? [])]);
    if (near) {
      list.fail(
        known,
        `the gateway does not know "${id}", but "${near}" exists: session ids are case-sensitive`,
        `use the exact id: whatsapp-gateway doctor ${near}`,
      );
      skipFrom(3, `skipped: did you mean "${near}"?`);
      return finish(null);
    }
    list.fail(
      known,
      `the gateway does not know "${id}"`,
      `run \`whatsapp-gateway create ${id}\` to create it`,
    );
  }

  // 4-5. WPPConnect itself: reachable with the secret key, and holding the session.
  const wpp = conn.wppconnect;
  if (!wpp) {
    list.skip(
      wppReachable,
      'skipped: no WPPConnect URL (WPPCONNECT_BASE_URL) — the gateway’s word cannot be checked',
    );
    list.skip(onWpp, 'skipped: no WPPConnect URL');
  } else {
    const cannotAsk = (from: number, error: unknown) => {
      if (options.signal?.aborted) throw error;
      list.fail(CHECKS[from - 1]!, errorDetail(error), hintFor(error));
      skipFrom(from, 'skipped: WPPConnect cannot be asked');
      return finish(null);
    };
    try {
      wppNames ??= await wpp.listSessionNames(call);
    } catch (error) {
      return cannotAsk(4, error);
    }
    const count = `${wppNames.length} session${wppNames.length === 1 ? '' : 's'}`;
    list.ok(wppReachable, `secret key accepted; ${count} in its store`);
    let status: WppSessionStatus;
    try {
      status = await wpp.getStatus(id, call);
    } catch (error) {
      return cannotAsk(5, error);
    }
    if (status.status !== 'CLOSED') list.ok(onWpp, `status ${status.status}`);
    else if (wppNames.includes(id)) {
      list.fail(
        onWpp,
        'WPPConnect has it, closed: its browser is not running (status CLOSED)',
        remedy('reconnect', id, 'starts it again; the login is kept when there was one'),
      );
      list.fault('reconnect');
    } else if (gatewayKnows) {
      list.fail(
        onWpp,
        'not on WPPConnect: it is not in its session store (status CLOSED)',
        remedy('ensure', id, 'the gateway never propagated the session to WPPConnect'),
      );
      list.fault('ensure');
    } else {
      list.fail(onWpp, 'WPPConnect does not have it either');
    }
  }

  // 6-9. The manager's synthesis: true status, inconsistency, QR, liveness, zombie.
  let info: SessionInfo | null = null;
  try {
    info = await conn.manager.getSession(id, call);
  } catch (error) {
    if (options.signal?.aborted || !(error instanceof WhatsAppSdkError)) throw error;
    skipFrom(5, `skipped: the session could not be read (${errorDetail(error)})`);
    return finish(null);
  }
  if (!gatewayKnows && info.status === 'missing') {
    skipFrom(5, 'skipped: neither side has the session');
    return finish(info);
  }

  if (!wpp) list.skip(agree, 'skipped: needs WPPConnect');
  else if (info.inconsistent) {
    const consequence = list.repair
      ? 'follows from the problem above; its remedy fixes this too'
      : `trust the true status (${info.status}): the gateway’s claim is stale and changes after its next read of WPPConnect`;
    list.fail(agree, info.notes.join('; ') || 'they disagree', consequence);
  } else {
    list.ok(
      agree,
      `gateway "${info.gatewayStatus ?? '(not listed)'}", WPPConnect ${info.wppconnectStatus ?? 'unreadable'}`,
    );
  }

  await checkQr(conn, list, info, id, qr, wpp !== undefined, call);

  if (info.wppconnectStatus === 'CONNECTED' && info.alive === true) {
    // A recent message stands in for the probe (SessionManagerOptions.recentMessageMs): say which it was.
    const byMessage = info.zombie?.sources.includes('message:alive');
    list.ok(
      probe,
      byMessage ? 'a message arrived just now (a dead page delivers none)' : 'its browser page answers',
    );
  } else if (info.wppconnectStatus === 'CONNECTED' && info.alive === false) {
    list.fail(
      probe,
      'WPPConnect says CONNECTED but its browser page is dead',
      remedy('reconnect', id, 'restarts the browser and keeps the login (no new scan)'),
    );
    list.fault('reconnect');
  } else if (info.wppconnectStatus === 'CONNECTED') list.skip(probe, 'skipped: the probe was not run');
  else list.skip(probe, wpp ? 'skipped: not connected' : 'skipped: needs WPPConnect');

  checkActivity(list, info, id, activity, options);
  return finish(info);
}

async function checkQr(
  conn: Connection,
  list: Checklist,
  info: SessionInfo,
  id: string,
  name: string,
  verified: boolean,
  call: { signal?: AbortSignal },
): Promise<void> {
  const show = `\`whatsapp-gateway reconnect ${id}\` draws it`;
  if (info.status === 'connected') return list.skip(name, 'not needed: connected');
  if (info.status === 'pairing_code')
    return list.ok(name, 'WPPConnect issued a pairing code instead (login by phone number)');
  if (info.status === 'starting') {
    return list.fail(
      name,
      'WPPConnect is still launching the browser (INITIALIZING)',
      'wait a few seconds and run doctor again; if it stays INITIALIZING, the browser profile is stuck: restart WPPConnect',
    );
  }
  if (verified) {
    if (info.status !== 'qr_required')
      return list.skip(name, 'skipped: the session is not running on WPPConnect (see above)');
    if (info.qr) return list.ok(name, `a current QR code is waiting to be scanned (${show})`);
    list.fail(
      name,
      'WPPConnect says QRCODE but gave no QR image',
      remedy('reconnect', id, 'asks for a fresh one'),
    );
    return list.fault('reconnect');
  }
  // Gateway-only: nothing else can show that the session is not running.
  if (info.status !== 'qr_required') {
    list.fail(
      name,
      `the gateway says "${info.gatewayStatus ?? info.status}" (not verified: no WPPConnect URL)`,
      remedy(
        'reconnect',
        id,
        'asks the gateway to start it and for a QR code; set WPPCONNECT_BASE_URL to see the cause',
      ),
    );
    return list.fault('reconnect');
  }
  // The gateway claims a QR is waiting: ask for it, as Pixel Hub does. No QR is the lost-propagation symptom.
  const fix = remedy('ensure', id, 'starts the session through the gateway and retries the QR');
  try {
    const qr = await conn.gateway.getQr(id, call);
    if (qr) return list.ok(name, `the gateway has a QR code (${show})`);
    list.fail(
      name,
      'the gateway claims qr_required but has no QR code: it may never have propagated the session (set WPPCONNECT_BASE_URL to find out)',
      fix,
    );
  } catch (error) {
    if (call.signal?.aborted) throw error;
    list.fail(name, errorDetail(error), fix);
  }
  list.fault('ensure');
}

function checkActivity(
  list: Checklist,
  info: SessionInfo,
  id: string,
  name: string,
  options: DiagnoseOptions,
): void {
  if (!options.hasActivity) {
    list.skip(name, 'skipped: no activity source (--activity-file or --activity-url)');
    return;
  }
  const when = info.lastActivityAt
    ? `last message ${relativeTime(info.lastActivityAt, options.now)}`
    : 'no message recorded';
  if (info.status !== 'connected') {
    list.skip(name, `${when} (the zombie rule applies to connected sessions)`);
    return;
  }
  if (info.isZombie) {
    list.fail(
      name,
      info.zombie?.reason ?? 'connected but silent',
      remedy('reconnect_force', id, 'restarts the browser and keeps the login (no new scan)'),
    );
    list.fault('reconnect_force');
  } else if (
    info.zombie?.restartedAt &&
    info.lastActivityAt &&
    info.zombie.restartedAt > info.lastActivityAt
  ) {
    // The manager restarted it (doctor --repair): silence counts from the restart, not the old message.
    list.ok(
      name,
      `${when}, but restarted ${relativeTime(info.zombie.restartedAt, options.now)}: silence counts from then`,
    );
  } else if (info.lastActivityAt) list.ok(name, when);
  else list.ok(name, 'no message recorded: a quiet channel, not a zombie');
}
