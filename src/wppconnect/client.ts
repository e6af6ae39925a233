import type { z } from 'zod';
import { ApiError, AuthenticationError, type ErrorContext, ResponseValidationError } from '../errors.js';
import { type HttpClientOptions, httpSettings } from '../http/client-options.js';
import type { Redactor } from '../http/redact.js';
import { type CallOptions, type HttpResult, type RequestSpec, Transport } from '../http/transport.js';
import { assertSessionId } from '../ids.js';
import { assertBaseUrl, assertHttpUrl, assertSecret, assertText } from '../internal/options.js';
import { type QrCode, qrFromPng, toQrCode } from '../qr.js';
import {
  booleanAnswer,
  healthAnswer,
  namesAnswer,
  phoneAnswer,
  qrJsonAnswer,
  statusAnswer,
  tokenAnswer,
  WPP_STATUSES,
} from './schemas.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

/** A WPPConnect session status. `CONNECTED` is sticky: see `checkConnection`. */
export type WppStatus = (typeof WPP_STATUSES)[number];

/** Options of {@link WppConnectClient}. */
export interface WppConnectClientOptions extends HttpClientOptions {
  /** Base URL of the WPPConnect server, e.g. `http://wppconnect-server:21465`. */
  baseUrl: string;
  /** The server's `SECRET_KEY`. It travels in URL paths; the SDK never logs it nor puts it in an error. */
  secretKey: string;
  /** Where bearer tokens are cached; in memory by default. */
  tokenStore?: TokenStore;
}

/** What `status-session` says, with the stale-QR rule applied. */
export interface WppSessionStatus {
  /** The server's status (`null` reads as `CLOSED`). */
  status: WppStatus;
  /** The current QR, only when `status` is `QRCODE`: the server keeps returning old QRs after connecting or closing. */
  qr: QrCode | null;
  /** True when the server sent a QR that was discarded because the status is not `QRCODE`. */
  staleQr: boolean;
  /** The server's package version, when sent. */
  version?: string;
  /** The pairing code, only in the answer of a `waitQrCode` start of a pairing-code login. */
  pairingCode?: string;
  /** The answer as received (the QR fields removed, they can be large). */
  raw: Record<string, unknown>;
}

/** Options of `startSession`. */
export interface StartSessionOptions extends CallOptions {
  /**
   * Per-session webhook URL. Send it on every start: the server stores the whole start body as the session's
   * config, so a start without `webhook` drops the one stored before.
   */
  webhook?: string;
  /** Phone number for pairing-code login instead of a QR (status `PHONECODE`). */
  phone?: string;
  /**
   * Hold the answer until the first QR or pairing code (`waitQrCode: true`): the only answer that carries the
   * pairing code besides the `phoneCode` webhook. The server honours it only for a session it has no entry
   * for; it never answers when no code comes (saved login, a browser that cannot start), so pair it with
   * `timeoutMs` or a `signal`. Default false.
   */
  waitQrCode?: boolean;
}

/** What `qrcode-session` gave, with the stale-QR rule applied. */
export interface WppQrResult {
  /** The QR when the session is in `QRCODE`, else null. */
  qr: QrCode | null;
  /** The status the server reported (checked with `status-session` when it sent a PNG). */
  status: WppStatus;
  /** The server's message when it sent JSON ("QRCode is not available..."). */
  message?: string;
}

/** A boolean answer of WPPConnect with its message. */
export interface WppBooleanResult {
  /** The answer's `status` flag. */
  ok: boolean;
  /** The server's message (`Connected`, `Session successfully closed`…). */
  message: string;
}

/** `/healthz` of the WPPConnect server. */
export interface WppHealth {
  /** Seconds since the server process started. */
  uptime?: number;
  /** `OK`. */
  message?: string;
  /** Server time, ms since the epoch. */
  timestamp?: number;
}

const STRIP_FROM_RAW = new Set(['qrcode', 'urlcode', 'phoneCode']);

/**
 * Typed client of a WPPConnect server (v2.10.x): tokens, session lifecycle, status and QR.
 *
 * - Bearer tokens are issued with `generate-token`, cached per session in a {@link TokenStore}, and issued again
 *   once when a call answers 401 (the server's secret key changed).
 * - The secret key travels in URL paths (`/api/{session}/{secretkey}/generate-token`); errors and logs carry
 *   route templates only, so it never leaves the client.
 * - No request carries `Content-Type: application/json` unless it has a JSON body: the real `/healthz` never
 *   answers a GET that does.
 *
 * @example
 * ```ts
 * const wpp = new WppConnectClient({ baseUrl: 'http://localhost:21465', secretKey: process.env.WPPCONNECT_SECRET_KEY! });
 * await wpp.startSession('sales', { webhook: 'https://hooks.example/wpp/sales' });
 * const { status, qr } = await wpp.getStatus('sales'); // qr only when status === 'QRCODE'
 * ```
 */
export class WppConnectClient {
  readonly #transport: Transport;
  readonly #tokens: TokenStore;
  /**
   * The secret key and every token this client has used, so that redaction knows them even if a store
   * forgets them. One Set that only grows, handed to the transport as it is: the redactor then indexes only
   * the tokens added since its last use, instead of every token on every redaction.
   */
  readonly #knownSecrets = new Set<string>();
  readonly #secretKey: string;

  /** @throws {@link InvalidArgumentError} when `baseUrl` or `secretKey` is missing or malformed. */
  constructor(options: WppConnectClientOptions) {
    const baseUrl = assertBaseUrl(options?.baseUrl, 'options.baseUrl');
    this.#secretKey = assertSecret(options.secretKey, 'options.secretKey', 'path');
    this.#knownSecrets.add(this.#secretKey);
    this.#tokens = options.tokenStore ?? new MemoryTokenStore();
    this.#transport = new Transport({
      service: 'wppconnect',
      baseUrl,
      secrets: () => this.#knownSecrets,
      reservedHeaders: ['authorization'],
      ...httpSettings(options),
    });
  }

  /**
   * Issues a bearer token for a session and caches it. Safe to call again: every token stays valid.
   * @throws {@link AuthenticationError} when the server rejects the secret key (its answer is a 400).
   */
  async generateToken(sessionId: string, options?: CallOptions): Promise<string> {
    const session = assertSessionId(sessionId);
    let answer: { data: z.output<typeof tokenAnswer>; result: HttpResult };
    try {
      answer = await this.#transport.json(
        {
          method: 'POST',
          route: '/api/{session}/{secretkey}/generate-token',
          params: { session },
          secretParams: { secretkey: this.#secretKey },
          // Issuing a token has no side effect besides the token, so a retry is harmless.
          idempotent: true,
          call: options,
        },
        tokenAnswer,
      );
    } catch (error) {
      throw rejectedSecretKey(error) ?? error;
    }
    const token = answer.data.token;
    this.#knownSecrets.add(token);
    await this.#tokens.set(session, token);
    return token;
  }

  /** The session's token: the cached one, else a new one. */
  async #token(session: string, call: CallOptions | undefined): Promise<string> {
    const cached = await this.#tokens.get(session);
    if (cached) {
      this.#knownSecrets.add(cached);
      return cached;
    }
    return this.generateToken(session, call);
  }

  /**
   * Sends an authenticated request. On a 401 from WPPConnect itself the token is issued again and the call
   * retried once: a token that worked before almost always means the server's secret key changed.
   */
  async #authed(session: string, spec: Omit<RequestSpec, 'headers' | 'params'>): Promise<HttpResult> {
    const token = await this.#token(session, spec.call);
    try {
      return await this.#transport.send(withToken(spec, session, token));
    } catch (error) {
      if (!(error instanceof AuthenticationError) || error.source !== 'application') throw error;
      this.#transport.log('debug', 'token rejected, issuing a new one', { path: spec.route });
      await this.#tokens.delete(session);
      return this.#transport.send(withToken(spec, session, await this.generateToken(session, spec.call)));
    }
  }

  async #authedJson<S extends z.ZodType>(
    session: string,
    spec: Omit<RequestSpec, 'headers' | 'params'>,
    schema: S,
  ): Promise<{ data: z.output<S>; result: HttpResult }> {
    const result = await this.#authed(session, spec);
    return { data: this.#transport.validate(result, schema), result };
  }

  /**
   * Starts (or resumes) a session: `POST /api/{session}/start-session`. Not retried.
   *
   * The answer is the state *before* the start: the first start of a new session answers `CLOSED` although the
   * start happens. Poll {@link getStatus} for what follows. A session that is `INITIALIZING`
   * or `CONNECTED` is left as it is (the server ignores the call); close it first to restart it.
   */
  async startSession(sessionId: string, options: StartSessionOptions = {}): Promise<WppSessionStatus> {
    const session = assertSessionId(sessionId);
    const json: Record<string, unknown> = { waitQrCode: options.waitQrCode === true };
    if (options.webhook !== undefined) json['webhook'] = assertHttpUrl(options.webhook, 'options.webhook');
    if (options.phone !== undefined) json['phone'] = assertText(options.phone, 'options.phone', 32);
    const { data, result } = await this.#authedJson(
      session,
      { method: 'POST', route: '/api/{session}/start-session', json, call: options },
      statusAnswer,
    );
    return toStatus(data, result.context);
  }

  /** `GET /api/{session}/status-session`, with the stale-QR rule applied: `qr` is set only in `QRCODE`. */
  async getStatus(sessionId: string, options?: CallOptions): Promise<WppSessionStatus> {
    const session = assertSessionId(sessionId);
    const { data, result } = await this.#authedJson(
      session,
      { method: 'GET', route: '/api/{session}/status-session', call: options },
      statusAnswer,
    );
    return toStatus(data, result.context);
  }

  /**
   * `GET /api/{session}/qrcode-session`, read by content type: a PNG, or JSON when there is none. The server
   * sends a PNG whenever it holds *any* QR, stale ones included, so a PNG is confirmed with `status-session`
   * and returned only when the status is `QRCODE`.
   * @throws {@link SessionNotStartedError} when the session was never started.
   */
  async getQrCode(sessionId: string, options?: CallOptions): Promise<WppQrResult> {
    const session = assertSessionId(sessionId);
    const result = await this.#authed(session, {
      method: 'GET',
      route: '/api/{session}/qrcode-session',
      call: options,
    });
    if (result.body.kind === 'png') {
      const png = result.body.bytes;
      const { status, raw } = await this.getStatus(session, options);
      const urlcode = typeof raw['urlcode'] === 'string' ? raw['urlcode'] : undefined;
      if (status !== 'QRCODE') return { status, qr: null };
      try {
        return { status, qr: qrFromPng(png, urlcode) };
      } catch (error) {
        throw new ResponseValidationError('WPPConnect sent an image/png answer that is not a PNG', {
          ...result.context,
          cause: error,
          issues: [{ path: '', message: 'expected PNG bytes' }],
        });
      }
    }
    const data = this.#transport.validate(result, qrJsonAnswer);
    if (data.message && /session not started/i.test(data.message)) throw this.#transport.failure(result);
    const status = data.status ? (data.status.toUpperCase() as WppStatus) : 'CLOSED';
    const out: WppQrResult = { qr: null, status: isWppStatus(status) ? status : 'CLOSED' };
    if (data.message) out.message = this.#transport.redactor.text(data.message);
    return out;
  }

  /**
   * `GET /api/{session}/check-connection-session`: whether the session's browser page still answers.
   * `ok: false` on a `CONNECTED` session means a zombie (the browser died). `ok: true` proves less than it
   * seems: the server ignores WhatsApp's own connected flag.
   */
  async checkConnection(sessionId: string, options?: CallOptions): Promise<WppBooleanResult> {
    const session = assertSessionId(sessionId);
    const { data } = await this.#authedJson(
      session,
      { method: 'GET', route: '/api/{session}/check-connection-session', call: options },
      booleanAnswer,
    );
    return toBoolean(data, this.#transport.redactor);
  }

  /**
   * `POST /api/{session}/close-session`: closes the browser and keeps the login, so the next start needs no QR.
   * Not retried. A session that never started, or is still starting, answers 500 ({@link ServerError}), yet
   * the server has reset it to `CLOSED` by then.
   */
  async closeSession(sessionId: string, options?: CallOptions): Promise<WppBooleanResult> {
    const session = assertSessionId(sessionId);
    const { data } = await this.#authedJson(
      session,
      { method: 'POST', route: '/api/{session}/close-session', call: options },
      booleanAnswer,
    );
    return toBoolean(data, this.#transport.redactor);
  }

  /**
   * `POST /api/{session}/logout-session`: unlinks the device and deletes the login. The next start needs a new
   * QR scan. The SDK never calls this on its own.
   * @throws {@link NotFoundError} with code `session_not_active` when there is no live session to log out.
   */
  async logoutSession(sessionId: string, options?: CallOptions): Promise<WppBooleanResult> {
    const session = assertSessionId(sessionId);
    const { data } = await this.#authedJson(
      session,
      { method: 'POST', route: '/api/{session}/logout-session', call: options },
      booleanAnswer,
    );
    return toBoolean(data, this.#transport.redactor);
  }

  /**
   * `GET /api/{secretkey}/show-all-sessions`: the session names in the server's token store (every name ever
   * started, live or not). No status: ask {@link getStatus} per name.
   * @throws {@link AuthenticationError} when the server rejects the secret key.
   */
  async listSessionNames(options?: CallOptions): Promise<string[]> {
    try {
      const { data } = await this.#transport.json(
        {
          method: 'GET',
          route: '/api/{secretkey}/show-all-sessions',
          secretParams: { secretkey: this.#secretKey },
          call: options,
        },
        namesAnswer,
      );
      return data.response;
    } catch (error) {
      throw rejectedSecretKey(error) ?? error;
    }
  }

  /**
   * `GET /api/{session}/get-phone-number`: the WhatsApp id of a live session; a good liveness probe.
   * @throws {@link NotFoundError} with code `session_not_active` when the session has no live client.
   */
  async getPhoneNumber(sessionId: string, options?: CallOptions): Promise<string> {
    const session = assertSessionId(sessionId);
    const { data } = await this.#authedJson(
      session,
      { method: 'GET', route: '/api/{session}/get-phone-number', call: options },
      phoneAnswer,
    );
    return data.response;
  }

  /** `GET /healthz`: whether the server process answers. Sent without a Content-Type (see the class notes). */
  async healthz(options?: CallOptions): Promise<WppHealth> {
    const { data } = await this.#transport.json(
      { method: 'GET', route: '/healthz', call: options },
      healthAnswer,
    );
    const health: WppHealth = {};
    if (data.uptime !== undefined) health.uptime = data.uptime;
    if (data.message !== undefined) health.message = data.message;
    if (data.timestamp !== undefined) health.timestamp = data.timestamp;
    return health;
  }
}

/** A request of `session` with its bearer token. */
function withToken(
  spec: Omit<RequestSpec, 'headers' | 'params'>,
  session: string,
  token: string,
): RequestSpec {
  return { ...spec, params: { session }, headers: { authorization: `Bearer ${token}` } };
}

function isWppStatus(value: string): value is WppStatus {
  return (WPP_STATUSES as readonly string[]).includes(value);
}

/** @param context - Where the answer came from, for the error a bad QR becomes. */
function toStatus(data: z.output<typeof statusAnswer>, context: ErrorContext): WppSessionStatus {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!STRIP_FROM_RAW.has(key)) raw[key] = value;
  if (typeof data.urlcode === 'string') raw['urlcode'] = data.urlcode;
  const hasQr = typeof data.qrcode === 'string' && data.qrcode.length > 0;
  const live = data.status === 'QRCODE' && hasQr;
  let qr: QrCode | null = null;
  if (live) {
    try {
      qr = toQrCode(data.qrcode as string, data.urlcode);
    } catch (error) {
      throw new ResponseValidationError('WPPConnect sent a QR that is not base64 PNG data', {
        ...context,
        cause: error,
        issues: [{ path: 'qrcode', message: 'expected a data URL or base64 PNG' }],
      });
    }
  }
  const status: WppSessionStatus = { status: data.status, qr, staleQr: hasQr && !live, raw };
  if (data.version) status.version = data.version;
  const code = (data as Record<string, unknown>)['phoneCode'];
  if (typeof code === 'string' && code.length > 0 && code.length <= 64) status.pairingCode = code;
  return status;
}

/** The server's message is redacted: servers echo requests, and the manager puts it in its trail and logs. */
function toBoolean(data: z.output<typeof booleanAnswer>, redactor: Redactor): WppBooleanResult {
  const ok =
    data.status === true || (typeof data.status === 'string' && /^(true|success)$/i.test(data.status));
  return { ok, message: redactor.text(data.message ?? '') };
}

/** WPPConnect answers a wrong secret key with HTTP 400, not 401. */
function rejectedSecretKey(error: unknown): AuthenticationError | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  if (!/SECRET_KEY is incorrect|token is incorrect/i.test(error.bodyExcerpt ?? '')) return undefined;
  return new AuthenticationError('WPPConnect rejected the secret key', {
    service: 'wppconnect',
    ...(error.method ? { method: error.method } : {}),
    ...(error.path ? { path: error.path } : {}),
    status: 400,
    ...(error.bodyExcerpt ? { bodyExcerpt: error.bodyExcerpt } : {}),
    retryCount: error.retryCount,
    source: 'application',
  });
}
