/**
 * The session state machine of the fake WPPConnect, with no HTTP in it.
 *
 * Time is lazy: a start records when it happened, and every read evaluates the timeline at the clock's
 * `now`, so no timer ever runs.
 * @internal
 * @module
 */

/** A status `status-session` can report. `null` entries read as `CLOSED`. */
export type WppStatus = 'CLOSED' | 'INITIALIZING' | 'QRCODE' | 'PHONECODE' | 'CONNECTED';

/** A snapshot of one fake WPPConnect session, evaluated at `clock.now()`. */
export interface FakeWppSessionState {
  /** The session name (case-sensitive). */
  id: string;
  /** What `status-session` says now (`CLOSED` when there is no entry or after a close-session). */
  status: WppStatus;
  /**
   * The QR text. Never cleared by the server once set: it stays on `CONNECTED` after a QR
   * login and on the `CLOSED` placeholder after autoClose. Only trust it when `status` is `QRCODE`.
   */
  urlcode: string | null;
  /** Whether the browser page answers. `false` on a zombie `CONNECTED` after `FakeWppConnect.killPage`. */
  pageAlive: boolean;
  /** The per-session webhook stored in the token store, if any. */
  webhook: string | null;
  /** How many times the session was really started (no-op start-session calls are not counted). */
  startCount: number;
  /** Whether the browser profile holds WhatsApp auth (a start reaches `CONNECTED` without a QR). */
  hasAuth: boolean;
  /** Whether a start hangs in `INITIALIZING` now or would: stuck flag, `stuck` option, or an orphan browser. */
  stuck: boolean;
  /**
   * The pairing code of a pairing-code login (the start body had `phone`), once the session reached
   * PHONECODE; `null` otherwise. The real server shows it only in a `waitQrCode` start answer and in the
   * `phoneCode` webhook, never in status-session.
   */
  pairingCode: string | null;
  /** The phone number of a pairing-code login, as the start body gave it. */
  phone: string | null;
}

/** A state `FakeWppConnect.seed` can put a session in directly. */
export interface WppSeedState {
  /**
   * `CONNECTED`: logged in with saved auth. `QRCODE`: showing its first QR now (the autoClose window starts
   * now). `INITIALIZING`: started now. `CLOSED`: the placeholder an autoClose leaves (entry kept, no auth).
   */
  status: 'CONNECTED' | 'QRCODE' | 'INITIALIZING' | 'CLOSED';
  /** Keep a non-null `urlcode` (`CONNECTED`/`CLOSED` only): the real server keeps a scanned QR in `status-session` after login. */
  staleQr?: boolean;
  /** For `CONNECTED`: `false` seeds a zombie whose page is dead. Default `true`. */
  pageAlive?: boolean;
  /** The per-session webhook to store. */
  webhook?: string;
}

/** The timings of the fake's lifecycle, in milliseconds. */
export interface WppTimings {
  initializingMs: number;
  qrRotateMs: number;
  autoCloseMs: number;
}

/** The start-session body fields that are stored as the session config. */
interface SessionConfig {
  webhook: string | null;
  phone: string | null;
}

/** One browser launch, evaluated lazily. */
interface Run {
  startedAt: number;
  /** Pairing-code login (the start body had `phone`). */
  phone: boolean;
  /** Saved auth at launch: goes straight to CONNECTED. */
  auth: boolean;
  /** `create()` failed with a non-timeout error: INITIALIZING forever. */
  stuck: boolean;
  /** Which launch of this session it is (1 = first). A new browser makes new QR texts, as the real one does. */
  launch?: number;
}

/** WPPConnect's in-memory `clientsArray[session]`. */
export interface Entry {
  /** `null`: the bare `{status:null}` object close-session leaves behind. */
  status: WppStatus | null;
  /** Whether the object has a `session` key (the close-session placeholder has none). */
  hasSessionKey: boolean;
  urlcode: string | null;
  pageAlive: boolean;
  run: Run | null;
  /** The pairing code once a pairing-code start reached PHONECODE (never cleared, like `urlcode`). */
  phoneCode?: string | null;
}

/** The result of a close-session, which the HTTP layer turns into 200 or 500. */
export type CloseOutcome = 'never-started' | 'already-closed' | 'placeholder' | 'closed';

/** The state of every session of one fake WPPConnect server. */
export class WppSessions {
  /** In-memory entries; lost on {@link WppSessions.restart}. */
  readonly #entries = new Map<string, Entry>();
  /** The token store (`./tokens/<name>.data.json`): survives restarts. */
  readonly #store = new Map<string, SessionConfig>();
  /** Profiles (`./userDataDir/<name>`) that hold WhatsApp auth: survive restarts. */
  readonly #auth = new Set<string>();
  readonly #starts = new Map<string, number>();
  readonly #stuck = new Set<string>();
  /** Profiles still held by an orphan browser after a close-session of a stuck start. */
  readonly #locked = new Set<string>();

  constructor(
    private readonly timings: WppTimings,
    private readonly stuckOption: ((id: string) => boolean) | undefined,
  ) {}

  /** The entry for `id` evaluated at `now`, or `undefined` when WPPConnect has none in memory. */
  entry(id: string, now: number): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry) this.#evaluate(id, entry, now);
    return entry;
  }

  /** A live client: logged in and the page answers (what `statusConnection` accepts). */
  isLive(entry: Entry | undefined): boolean {
    return entry?.status === 'CONNECTED' && entry.pageAlive;
  }

  /** The names in the token store, in first-start order. */
  names(): string[] {
    return [...this.#store.keys()];
  }

  /** A snapshot of `id` at `now`, or `undefined` if the fake has never heard of it. */
  snapshot(id: string, now: number): FakeWppSessionState | undefined {
    const entry = this.entry(id, now);
    if (!entry && !this.#store.has(id) && !this.#auth.has(id) && !this.#starts.has(id)) return undefined;
    return {
      id,
      status: entry?.status ?? 'CLOSED',
      urlcode: entry?.urlcode ?? null,
      pageAlive: entry?.pageAlive ?? false,
      webhook: this.#store.get(id)?.webhook ?? null,
      startCount: this.#starts.get(id) ?? 0,
      hasAuth: this.#auth.has(id),
      stuck: (entry?.run?.stuck ?? false) || this.#wouldStick(id),
      pairingCode: entry?.status === 'PHONECODE' ? (entry.phoneCode ?? null) : null,
      phone: this.#store.get(id)?.phone ?? null,
    };
  }

  /**
   * When a start under way will first show a QR or a pairing code, or `null` when it never will (stuck, saved
   * auth, nothing running): what a `waitQrCode` start waits for.
   */
  codeAt(id: string, now: number): number | null {
    const run = this.entry(id, now)?.run;
    if (!run || run.stuck || run.auth) return null;
    return run.startedAt + this.timings.initializingMs;
  }

  /** The phone number stored with the session's config (from the last start body), or `null`. */
  phoneOf(id: string): string | null {
    return this.#store.get(id)?.phone ?? null;
  }

  /**
   * Launches a browser for `id`, as `createSessionUtil` does once the status is `null` or `CLOSED`.
   * The entry object is reused when there is one (so a stale `urlcode` survives).
   *
   * @param body - The start-session body. An empty body restores the stored config; any other body replaces
   *   it, so a body without `webhook` drops the stored webhook.
   */
  start(id: string, body: Record<string, unknown> | undefined, now: number): void {
    const config =
      body && Object.keys(body).length > 0 ? toConfig(body) : (this.#store.get(id) ?? toConfig({}));
    this.#store.set(id, config);
    this.#starts.set(id, (this.#starts.get(id) ?? 0) + 1);
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = { status: null, hasSessionKey: true, urlcode: null, pageAlive: false, run: null };
      this.#entries.set(id, entry);
    }
    entry.status = 'INITIALIZING';
    entry.pageAlive = false;
    entry.run = {
      launch: this.#starts.get(id) ?? 1,
      startedAt: now,
      phone: config.phone !== null,
      auth: this.#auth.has(id),
      stuck: this.#wouldStick(id),
    };
  }

  /**
   * close-session, as the real server does. A placeholder cannot be closed (500) but is reset to
   * `{status:null}` anyway; if its browser was stuck, that browser lives on and holds the profile.
   */
  close(id: string, now: number): CloseOutcome {
    const entry = this.entry(id, now);
    if (!entry) return 'never-started';
    if (entry.status === null) return 'already-closed';
    const wasConnected = entry.status === 'CONNECTED';
    if (entry.run?.stuck) this.#locked.add(id);
    this.#entries.set(id, { status: null, hasSessionKey: false, urlcode: null, pageAlive: false, run: null });
    return wasConnected ? 'closed' : 'placeholder';
  }

  /** logout-session on a live client: entry and auth deleted; the token-store name stays. */
  logout(id: string): void {
    this.#entries.delete(id);
    this.#auth.delete(id);
  }

  /** The phone scans the QR (or types the pairing code): logged in, `urlcode` kept (stale QR). */
  scan(id: string, now: number): void {
    const entry = this.entry(id, now);
    if (entry?.status !== 'QRCODE' && entry?.status !== 'PHONECODE') {
      throw new Error(
        `scan(${JSON.stringify(id)}): the session is ${entry?.status ?? 'not started'}, not QRCODE`,
      );
    }
    this.#auth.add(id);
    Object.assign(entry, { status: 'CONNECTED', hasSessionKey: true, pageAlive: true, run: null });
  }

  /** Chrome dies under a `CONNECTED` session: the status stays `CONNECTED`. */
  killPage(id: string, now: number): void {
    const entry = this.#connected(id, now, 'killPage');
    entry.pageAlive = false;
  }

  /** The device is unlinked on the phone (`disconnectedMobile`): entry removed, auth gone. */
  unlinkPhone(id: string, now: number): void {
    this.#connected(id, now, 'unlinkPhone');
    this.logout(id);
  }

  /** Flags `id` so its next starts fail to launch and stay `INITIALIZING`. */
  setStuck(id: string, stuck: boolean): void {
    if (stuck) this.#stuck.add(id);
    else this.#stuck.delete(id);
  }

  /** Puts `id` straight into a state; the name enters the token store. */
  seed(id: string, state: WppSeedState, now: number): void {
    this.#store.set(id, { ...(this.#store.get(id) ?? toConfig({})), webhook: state.webhook ?? null });
    const stale = state.staleQr ? `2@${id}-stale` : null;
    const base: Entry = { status: null, hasSessionKey: true, urlcode: null, pageAlive: false, run: null };
    switch (state.status) {
      case 'CONNECTED':
        this.#auth.add(id);
        this.#entries.set(id, {
          ...base,
          status: 'CONNECTED',
          urlcode: stale,
          pageAlive: state.pageAlive ?? true,
        });
        return;
      case 'CLOSED':
        this.#auth.delete(id);
        this.#entries.set(id, { ...base, status: 'CLOSED', urlcode: stale });
        return;
      case 'QRCODE':
      case 'INITIALIZING': {
        this.#auth.delete(id);
        const startedAt = state.status === 'QRCODE' ? now - this.timings.initializingMs : now;
        const stuck = state.status === 'INITIALIZING' && this.#wouldStick(id);
        const run: Run = { startedAt, phone: false, auth: false, stuck };
        this.#entries.set(id, { ...base, status: 'INITIALIZING', run });
        this.#evaluate(id, this.#entries.get(id)!, now);
        return;
      }
    }
  }

  /**
   * A WPPConnect process restart: memory is lost, orphan browsers and stuck flags are gone, and the boot
   * `start-all` starts every token-store name with its stored config.
   */
  restart(now: number): void {
    this.#entries.clear();
    this.#locked.clear();
    this.#stuck.clear();
    for (const id of this.#store.keys()) this.start(id, undefined, now);
  }

  /** Forgets everything. */
  reset(): void {
    this.#entries.clear();
    this.#store.clear();
    this.#auth.clear();
    this.#starts.clear();
    this.#stuck.clear();
    this.#locked.clear();
  }

  #wouldStick(id: string): boolean {
    return this.#stuck.has(id) || this.#locked.has(id) || (this.stuckOption?.(id) ?? false);
  }

  #connected(id: string, now: number, action: string): Entry {
    const entry = this.entry(id, now);
    if (entry?.status !== 'CONNECTED') {
      throw new Error(
        `${action}(${JSON.stringify(id)}): the session is ${entry?.status ?? 'not started'}, not CONNECTED`,
      );
    }
    return entry;
  }

  /**
   * Moves a running start along its timeline: INITIALIZING for `initializingMs`; then
   * CONNECTED with saved auth, else PHONECODE or QRCODE (a new `urlcode` every `qrRotateMs`); CLOSED
   * placeholder `autoCloseMs` after the first QR (0 disables it), keeping the last urlcode.
   */
  #evaluate(id: string, entry: Entry, now: number): void {
    const run = entry.run;
    if (!run) return;
    const { initializingMs, qrRotateMs, autoCloseMs } = this.timings;
    const ready = run.startedAt + initializingMs;
    if (run.stuck || now < ready) {
      entry.status = 'INITIALIZING';
      return;
    }
    if (run.auth) {
      Object.assign(entry, { status: 'CONNECTED', hasSessionKey: true, pageAlive: true, run: null });
      return;
    }
    // A relaunched browser never shows the QR text of an earlier one: `2@id-n` on the first launch, `2@id.k-n` after.
    const prefix = (run.launch ?? 1) > 1 ? `2@${id}.${run.launch}` : `2@${id}`;
    const qrAt = (elapsed: number) => `${prefix}-${Math.floor(elapsed / qrRotateMs)}`;
    if (autoCloseMs > 0 && now >= ready + autoCloseMs) {
      // autoClose in the QR phase: status CLOSED, entry kept, last urlcode kept (contract §3.3).
      if (!run.phone) entry.urlcode = qrAt(autoCloseMs - 1);
      Object.assign(entry, { status: 'CLOSED', pageAlive: false, run: null });
      return;
    }
    if (run.phone) {
      entry.status = 'PHONECODE';
      entry.phoneCode = pairingCodeFor(id, run.launch ?? 1);
      return;
    }
    entry.status = 'QRCODE';
    entry.urlcode = qrAt(now - ready);
  }
}

/**
 * A pairing code in WhatsApp's shape (`ABCD-EFGH`), derived from the session and the launch so a test can
 * predict it and a relaunch gives a new one.
 */
function pairingCodeFor(id: string, launch: number): string {
  const letters = 'ABCDEFGHJKLMNPQRSTVWXYZ23456789';
  let hash = 2166136261;
  for (const char of `${id}#${launch}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  let code = '';
  for (let i = 0; i < 8; i++) {
    code += letters[hash % letters.length];
    hash = Math.imul(hash ^ (i + 1), 16777619) >>> 0;
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function toConfig(body: Record<string, unknown>): SessionConfig {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return { webhook: text(body['webhook']), phone: text(body['phone']) };
}
