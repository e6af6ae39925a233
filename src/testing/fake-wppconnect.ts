import { type Clock, systemClock } from './clock.js';
import {
  countCalls,
  type FakeCall,
  jsonResponse,
  type Latency,
  Router,
  relativePath,
  serve,
} from './http-kit.js';
import { pngFor } from './png.js';
import { authenticate, expressNotFound, isExactJson, type WppRoute, wppRoutes } from './wpp-routes.js';
import { type FakeWppSessionState, type WppSeedState, WppSessions } from './wpp-sessions.js';
import { issueToken } from './wpp-tokens.js';

/** Options of {@link FakeWppConnect}. Every field is optional. */
export interface FakeWppConnectOptions {
  /** Where the fake answers; default `http://wppconnect.test`. */
  baseUrl?: string;
  /** The server's `SECRET_KEY`; default `THISISMYSECURETOKEN`, the real default. */
  secretKey?: string;
  /** Time source of the lazy state machine; default {@link systemClock}. */
  clock?: Clock;
  /** How long a start stays `INITIALIZING` before QRCODE/PHONECODE/CONNECTED; default 2 000 ms. */
  initializingMs?: number;
  /** How often the QR (`urlcode`) rotates; default 20 000 ms. */
  qrRotateMs?: number;
  /**
   * The library's autoClose: without a scan, the session goes to the `CLOSED` placeholder this long after its
   * first QR, not reset by rotations; default 60 000 ms; 0 disables it.
   */
  autoCloseMs?: number;
  /** Delay added before every answer, on a real timer cancelled by the request signal; default 0. */
  latencyMs?: Latency;
  /** Sessions whose browser never finishes launching (INITIALIZING forever). */
  stuck?: (id: string) => boolean;
}

/**
 * A stateful, in-memory WPPConnect server v2.10.4, faithful to the behaviour of
 * the real server observed in use.
 *
 * Serve it with `mswHandlers(fake)` or `startFakeServers()`, or call {@link FakeWppConnect.handle} directly.
 * Nothing runs in the background: each request evaluates the lifecycle at `clock.now()`:
 *
 * - start-session on a new session answers `{"status":"CLOSED","qrcode":null}` (the status before the call) and starts it: INITIALIZING → (after `initializingMs`) QRCODE with `urlcode`
 *   `2@<id>-<n>` rotating every `qrRotateMs` → CLOSED placeholder `autoCloseMs` after the first QR, keeping
 *   the stale QR. With saved auth (a previous scan, kept by close-session) it goes to CONNECTED instead; with
 *   `phone` in the body, to PHONECODE, with a pairing code ({@link FakeWppConnect.pairingCode}). A start
 *   with `waitQrCode: true` holds its answer until that first QR or pairing code, as the real one does.
 * - {@link FakeWppConnect.scan} logs in; the `urlcode` is kept, so CONNECTED still shows a stale QR.
 * - Failure modes: zombie CONNECTED ({@link FakeWppConnect.killPage}), unlinked phone, stuck INITIALIZING
 *   that survives close-session + start-session, secret-key rotation, `/healthz` that
 *   never answers a request with `Content-Type: application/json`, and the `"session"` key added to
 *   JSON answers for that content type.
 *
 * Routes: generate-token, show-all-sessions, start-all, start-session, status-session, qrcode-session,
 * check-connection-session, close-session, logout-session, get-phone-number (answers `5511999990000@c.us`),
 * send-message (used by the fake gateway) and `/healthz`. Anything else gets Express's 404 HTML page.
 */
export class FakeWppConnect {
  /** Where the fake answers; settable, because a server learns its port only after `listen`. */
  baseUrl: string;
  /** Delay added before every answer (see {@link FakeWppConnectOptions.latencyMs}); settable mid-test. */
  latencyMs: Latency;
  /** The time source the lifecycle is evaluated with. */
  readonly clock: Clock;
  /** Every request received, in arrival order, with the status it was answered with. */
  readonly calls: FakeCall[] = [];

  readonly #initialSecretKey: string;
  readonly #initialLatency: Latency;
  #secretKey: string;
  readonly #sessions: WppSessions;
  readonly #rawStatus = new Map<string, string | null>();
  readonly #router: Router<WppRoute>;
  #bootedAt: number;
  #messages = 0;

  /** @param options - URL, secret key, clock, lifecycle timings, latency and stuck sessions; all optional. */
  constructor(options: FakeWppConnectOptions = {}) {
    this.baseUrl = options.baseUrl ?? 'http://wppconnect.test';
    this.latencyMs = options.latencyMs ?? 0;
    this.#initialLatency = this.latencyMs;
    this.clock = options.clock ?? systemClock;
    this.#initialSecretKey = options.secretKey ?? 'THISISMYSECURETOKEN';
    this.#secretKey = this.#initialSecretKey;
    const qrRotateMs = options.qrRotateMs ?? 20_000;
    if (!(qrRotateMs > 0)) throw new RangeError('FakeWppConnect: qrRotateMs must be > 0');
    this.#sessions = new WppSessions(
      {
        initializingMs: options.initializingMs ?? 2_000,
        qrRotateMs,
        autoCloseMs: options.autoCloseMs ?? 60_000,
      },
      options.stuck,
    );
    this.#bootedAt = this.clock.now();
    this.#router = new Router<WppRoute>(
      wppRoutes({
        sessions: this.#sessions,
        secretKey: () => this.#secretKey,
        rawStatus: this.#rawStatus,
        bootedAt: () => this.#bootedAt,
        nextMessageNumber: () => ++this.#messages,
        sleep: (ms, signal) => this.clock.sleep(ms, signal),
        now: () => this.clock.now(),
      }),
    );
  }

  /** The current `SECRET_KEY` (change it with {@link FakeWppConnect.rotateSecretKey}). */
  get secretKey(): string {
    return this.#secretKey;
  }

  /** How many recorded calls hit `route` (a template such as `/api/{session}/start-session`), for `session`. */
  countCalls(route: string, session?: string): number {
    return countCalls(this.calls, route, session);
  }

  /** The state of session `id` now, or `undefined` if the fake has never heard of it. */
  session(id: string): FakeWppSessionState | undefined {
    return this.#sessions.snapshot(id, this.clock.now());
  }

  /**
   * The pairing code session `id` shows now (a start with `phone` that reached PHONECODE), or `null`. The real
   * server never puts it in status-session: it is in the answer of a `waitQrCode: true` start and in the
   * `phoneCode` webhook, whose body {@link FakeWppConnect.webhookBody} builds.
   */
  pairingCode(id: string): string | null {
    return this.session(id)?.pairingCode ?? null;
  }

  /**
   * The body WPPConnect would POST to the session's webhook for its current QR (`qrcode`) or pairing code
   * (`phoneCode`), shaped as WPPConnect sends it, or `null` when the session shows neither now. The fake sends
   * no webhooks by itself (nothing runs in the background): a test delivers this body where it wants.
   */
  webhookBody(id: string, event: 'qrcode' | 'phoneCode'): Record<string, unknown> | null {
    const state = this.session(id);
    if (event === 'phoneCode') {
      if (!state?.pairingCode) return null;
      return { event: 'phoneCode', session: id, phoneCode: state.pairingCode, phone: state.phone };
    }
    if (state?.status !== 'QRCODE' || !state.urlcode) return null;
    const qrcode = Buffer.from(pngFor(state.urlcode)).toString('base64');
    return { event: 'qrcode', session: id, qrcode, urlcode: state.urlcode };
  }

  /**
   * The token-store names, as `show-all-sessions` lists them: a name appears at its first start-session (not
   * at generate-token) and stays after close-session, logout and restarts.
   */
  sessionNames(): string[] {
    return this.#sessions.names();
  }

  /** A valid token for `id` under the current secret key, without a generate-token call in the log. */
  issueToken(id: string): string {
    return issueToken(id, this.#secretKey);
  }

  /** Puts session `id` straight into a state (see {@link WppSeedState}); the name joins the token store. */
  seed(id: string, state: WppSeedState): void {
    this.#sessions.seed(id, state, this.clock.now());
  }

  /**
   * The phone scans the current QR (or enters the pairing code): QRCODE/PHONECODE → CONNECTED, auth saved.
   * The `urlcode` is kept, so `status-session` and `qrcode-session` keep showing the stale QR.
   * @throws Error when the session is in any other state.
   */
  scan(id: string): void {
    this.#sessions.scan(id, this.clock.now());
  }

  /**
   * Chrome crashes under a CONNECTED session. Nothing tells the server: status stays
   * CONNECTED (a zombie), check-connection says `false`, get-phone-number and logout-session answer 404.
   * @throws Error when the session is not CONNECTED.
   */
  killPage(id: string): void {
    this.#sessions.killPage(id, this.clock.now());
  }

  /**
   * The device is unlinked on the phone (`disconnectedMobile`): the entry is removed, so status-session reads
   * `{"status":"CLOSED","qrcode":null}`, and the auth is gone (the next start needs a QR).
   * @throws Error when the session is not CONNECTED.
   */
  unlinkPhone(id: string): void {
    this.#sessions.unlinkPhone(id, this.clock.now());
  }

  /**
   * Makes the browser of `id` fail to launch: starts stay INITIALIZING forever. A close-session
   * then answers 500, reads CLOSED, and the next start is stuck again because the orphan browser still holds
   * the profile — until {@link FakeWppConnect.restartProcess}, even after `setStuck(id,
   * false)`. Does not affect a start already under way unless it is flagged before it.
   */
  setStuck(id: string, stuck = true): void {
    this.#sessions.setStuck(id, stuck);
  }

  /**
   * Makes `status-session` report `raw` as the `status` of `id` (a string such as `DISCONNECTED`, or `null`),
   * whatever the real state; `undefined` removes the override. For other WPPConnect builds and forks whose
   * status vocabulary differs, e.g. to show the gateway's `includes("connected")` bug.
   */
  setRawStatus(id: string, raw: string | null | undefined): void {
    if (raw === undefined) this.#rawStatus.delete(id);
    else this.#rawStatus.set(id, raw);
  }

  /**
   * Restarts the WPPConnect process: in-memory sessions, orphan browsers and stuck flags are gone, and every
   * token-store name auto-starts with its stored config (INITIALIZING now; CONNECTED after `initializingMs`
   * with saved auth, else QRCODE). Tokens stay valid (same secret key). `/healthz` uptime restarts.
   */
  restartProcess(): void {
    this.#bootedAt = this.clock.now();
    this.#sessions.restart(this.#bootedAt);
  }

  /** Changes the secret key: every token issued before stops verifying (401), as after a `SECRET_KEY` change. */
  rotateSecretKey(newKey: string): void {
    this.#secretKey = newKey;
  }

  /** Back to a freshly constructed fake: no sessions, calls or overrides; the original secret key and latency. */
  reset(): void {
    this.latencyMs = this.#initialLatency;
    this.#sessions.reset();
    this.#rawStatus.clear();
    this.calls.length = 0;
    this.#secretKey = this.#initialSecretKey;
    this.#bootedAt = this.clock.now();
    this.#messages = 0;
  }

  /**
   * Answers one request, as the real server would.
   * @throws the request signal's reason when it aborts before the answer (latency, or the `/healthz` hang).
   */
  handle(request: Request): Promise<Response> {
    const path = relativePath(request.url, this.baseUrl);
    const context = { clock: this.clock, latency: this.latencyMs, calls: this.calls };
    const match = this.#router.match(request.method, path);
    if (!match) return serve(request, context, { route: path, respond: () => expressNotFound(request) });
    const { route, params } = match;
    const session = params['session']?.split(':')[0];
    return serve(request, context, {
      route: route.template,
      ...(session === undefined ? {} : { session }),
      respond: () => this.#respond(route, params, request),
    });
  }

  #respond(route: WppRoute, params: Record<string, string>, request: Request): Response | Promise<Response> {
    const now = this.clock.now();
    if (route.auth === 'open') {
      return route.run({ request, params, id: params['session'] ?? '', now, json: jsonResponse });
    }
    const auth = authenticate(request, params['session']!, this.#secretKey);
    if (auth instanceof Response) return auth;
    // Transcript §9.1.1: with a request Content-Type of exactly application/json, the server adds
    // `session: req.client?.session` to JSON bodies: "" without an entry, nothing for the keyless
    // {status:null} a close-session leaves. `req.client` is captured here, before the route runs.
    const entry = this.#sessions.entry(auth, now);
    const key = !isExactJson(request) ? undefined : !entry ? '' : entry.hasSessionKey ? auth : undefined;
    const json = (status: number, body: Record<string, unknown>) =>
      jsonResponse(status, key === undefined || 'session' in body ? body : { ...body, session: key });
    return route.run({ request, params, id: auth, now, json });
  }
}
