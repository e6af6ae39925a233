import type { z } from 'zod';
import { ResponseValidationError } from '../errors.js';
import { type HttpClientOptions, httpSettings } from '../http/client-options.js';
import { type CallOptions, type HttpResult, type RequestSpec, Transport } from '../http/transport.js';
import { assertSessionId } from '../ids.js';
import { assertBaseUrl, assertHttpUrl, assertSecret, assertText } from '../internal/options.js';
import { type QrCode, toQrCode } from '../qr.js';
import {
  type ChannelRecord,
  channelAnswer,
  createAnswer,
  envelope,
  listAnswer,
  nestedList,
  qrAnswer,
  sendAnswer,
  startAnswer,
} from './schemas.js';

/** Options of {@link WhatsAppGatewayClient}. */
export interface WhatsAppGatewayClientOptions extends HttpClientOptions {
  /** Base URL of the gateway, e.g. `https://wpp.example.com:8443` (mind the port). */
  baseUrl: string;
  /** Shared secret sent as `X-Gateway-Secret`. Never logged, never put in an error. */
  secret: string;
  /** Makes an `X-Request-Id` for calls that do not pass one, so a call can be found in the gateway's logs. */
  requestId?: () => string;
}

/**
 * Status of a channel as the gateway reports it, lower-cased. The gateway normalises WPPConnect's status to
 * `connected`, `disconnected` or `qr_required`, and passes anything else through. It is a
 * *claim*: `SessionManager` checks it against WPPConnect.
 */
export type GatewayChannelStatus = 'connected' | 'disconnected' | 'qr_required' | 'unknown' | (string & {});

/** A channel (one WhatsApp session) as the gateway knows it. */
export interface Channel {
  /** Channel id, case-sensitive (`Sales` and `sales` are two channels). */
  id: string;
  /** Display name, when the gateway sends one. */
  name?: string;
  /** Lower-cased status claimed by the gateway; `unknown` when it gave none. */
  status: GatewayChannelStatus;
  /** The record exactly as received, for fields this SDK does not model. */
  raw: Record<string, unknown>;
}

/** What `createChannel` returns. */
export interface CreateChannelResult {
  /** The channel as the gateway recorded it. */
  channel: Channel;
  /** The gateway's `qr_required` flag. It does *not* prove the session reached WPPConnect. */
  qrRequired: boolean;
  /** The gateway's message, e.g. `Session created successfully`. */
  message?: string;
}

/** What the gateway's QR endpoint said, in full. */
export interface QrAnswer {
  /** The QR, or null when the gateway has none now (connected, initializing, or none in the answer). */
  qr: QrCode | null;
  /** Upper-cased WPPConnect status the gateway passed along (`CONNECTED`, `INITIALIZING`…), when present. */
  status?: string;
  /** The gateway's message, when present. */
  message?: string;
}

/** What the gateway's start-session answered. */
export interface StartSessionAnswer {
  /** Upper-cased WPPConnect status the gateway passed along (the state *before* the start), when present. */
  status?: string;
  /** The gateway's message, when present. */
  message?: string;
}

/** What `sendText` returns. `messageId` is often null synchronously; `correlationId` is the tracking key. */
export interface SendResult {
  /** WhatsApp message id, when the gateway knew it at once. */
  messageId: string | null;
  /** The gateway's correlation id for this send. */
  correlationId: string | null;
  /** The answer as received. */
  raw: Record<string, unknown>;
}

/** Body of the webhook-setting calls. */
export interface WebhookTarget {
  /** Where the gateway should POST events (http or https). */
  url: string;
  /** Optional secret the gateway sends back in `X-Gateway-Secret`; redacted like the others. */
  secret?: string;
}

/** Keys under which gateways have sent the QR, in the order existing PHP clients try them. */
const QR_KEYS = [
  'qr',
  'qr_base64',
  'qrcode',
  'base64Qrimg',
  'base64',
  'base64Image',
  'image',
  'qrcode_base64',
];

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/** Finds a QR anywhere the gateway has been seen to put one: top level, `data`, `result`. @internal */
export function findQr(body: Record<string, unknown>): string | undefined {
  const direct = firstString(body, QR_KEYS);
  if (direct) return direct;
  for (const container of ['data', 'result']) {
    const nested = body[container];
    if (typeof nested === 'string' && nested.trim() !== '') return nested;
    if (nested && typeof nested === 'object') {
      const found = firstString(nested as Record<string, unknown>, ['qr', 'base64', 'base64Qrimg']);
      if (found) return found;
    }
  }
  return undefined;
}

function statusOf(record: ChannelRecord | Record<string, unknown>): GatewayChannelStatus {
  const r = record as Record<string, unknown>;
  const claimed = firstString(r, ['status', 'connection']);
  if (claimed) return claimed.trim().toLowerCase();
  if (typeof r['connected'] === 'boolean') return r['connected'] ? 'connected' : 'disconnected';
  return 'unknown';
}

function toChannel(record: ChannelRecord, fallbackId?: string): Channel | undefined {
  const id = record.id ?? record.channel_id ?? record.session_id ?? record.name ?? fallbackId;
  if (!id) return undefined;
  const channel: Channel = { id, status: statusOf(record), raw: record as Record<string, unknown> };
  if (record.name) channel.name = record.name;
  return channel;
}

/**
 * Typed client of the WhatsApp gateway (the `gateway-wrapper` in front of WPPConnect): `/api/channels` and
 * friends, authenticated with `X-Gateway-Secret`.
 *
 * Every answer is validated; `success:false` bodies sent with HTTP 200 are thrown as errors like any 4xx/5xx.
 * Idempotent calls (GET, DELETE, webhook settings) are retried on network errors, 408, 429, 500, 502, 503, 504;
 * creating, starting and sending are not retried blindly.
 *
 * @example
 * ```ts
 * const gateway = new WhatsAppGatewayClient({ baseUrl: 'https://wpp.example.com:8443', secret: process.env.WPP_GATEWAY_SECRET! });
 * for (const channel of await gateway.listChannels()) console.log(channel.id, channel.status);
 * ```
 */
export class WhatsAppGatewayClient {
  readonly #transport: Transport;
  readonly #requestId: (() => string) | undefined;
  readonly #webhookSecrets = new Set<string>();

  /** @throws {@link InvalidArgumentError} when `baseUrl` or `secret` is missing or malformed. */
  constructor(options: WhatsAppGatewayClientOptions) {
    const baseUrl = assertBaseUrl(options?.baseUrl, 'options.baseUrl');
    const secret = assertSecret(options.secret, 'options.secret');
    this.#requestId = options.requestId;
    this.#transport = new Transport({
      service: 'gateway',
      baseUrl,
      headers: { 'x-gateway-secret': secret, accept: 'application/json' },
      secrets: () => this.#webhookSecrets,
      reservedHeaders: ['x-gateway-secret'],
      ...httpSettings(options),
    });
  }

  /**
   * Server-written text handed on in a result (a `message`), with every secret this client knows removed:
   * servers echo requests back, and these messages end up in the manager's trail, its logs and its errors.
   */
  #redact(text: string): string {
    return this.#transport.redactor.text(text);
  }

  /** Sends a request and returns its validated body, throwing on `success:false`. */
  async #call<S extends z.ZodType>(
    spec: RequestSpec,
    schema: S,
  ): Promise<{ data: z.output<S>; result: HttpResult }> {
    const requestId = spec.call?.requestId ?? this.#requestId?.();
    const call = requestId ? { ...spec.call, requestId } : spec.call;
    const { data, result } = await this.#transport.json({ ...spec, ...(call ? { call } : {}) }, schema);
    if (
      data &&
      typeof data === 'object' &&
      !Array.isArray(data) &&
      (data as { success?: unknown }).success === false
    ) {
      throw this.#transport.failure(result);
    }
    return { data, result };
  }

  /**
   * Lists the channels the gateway knows, with the status it claims for each.
   * The gateway lists only what its own store holds: sessions that exist only on WPPConnect are missing here; `SessionManager.listSessions` finds them.
   */
  async listChannels(options?: CallOptions): Promise<Channel[]> {
    const { data, result } = await this.#call(
      { method: 'GET', route: '/api/channels', call: options },
      listAnswer,
    );
    const records = Array.isArray(data) ? data : (data.channels ?? channelsUnderData(data.data));
    if (!records) {
      throw new ResponseValidationError('The channel list has no `channels` array', {
        ...result.context,
        issues: [{ path: 'channels', message: 'expected an array of channels' }],
      });
    }
    return records.flatMap((record) => toChannel(record) ?? []);
  }

  /**
   * Reads one channel. The gateway nests it under `channel`; flat answers are accepted too.
   * @throws {@link NotFoundError} when the gateway does not know the id ("Canal não encontrado").
   */
  async getChannel(channelId: string, options?: CallOptions): Promise<Channel> {
    const id = assertSessionId(channelId, 'channelId');
    const { data, result } = await this.#call(
      { method: 'GET', route: '/api/channels/{id}', params: { id }, call: options },
      channelAnswer,
    );
    const nested = typeof data.channel === 'object' && data.channel !== null ? data.channel : undefined;
    const channel = toChannel(
      nested ?? { ...data, id: typeof data.channel === 'string' ? data.channel : data.id },
      id,
    );
    if (!channel) {
      throw new ResponseValidationError('The channel answer names no channel', {
        ...result.context,
        issues: [{ path: 'channel', message: 'expected a channel object' }],
      });
    }
    return channel;
  }

  /**
   * Asks the gateway to create a channel. **A success here does not mean WPPConnect has the session**: the
   * gateway has been seen answering "Session created successfully" without calling WPPConnect. Use `SessionManager.createSession` for a verified create. Not retried.
   * @throws {@link ApiError} (409 or `success:false`) when the channel already exists.
   */
  async createChannel(channelId: string, options?: CallOptions): Promise<CreateChannelResult> {
    const id = assertSessionId(channelId, 'channelId');
    const { data } = await this.#call(
      { method: 'POST', route: '/api/channels', json: { channel: id }, call: options },
      createAnswer,
    );
    const record = typeof data.channel === 'object' && data.channel !== null ? data.channel : {};
    const channel = toChannel({ ...record, id: record.id ?? id }) ?? { id, status: 'unknown', raw: {} };
    const result: CreateChannelResult = { channel, qrRequired: data.qr_required === true };
    if (typeof data.message === 'string') result.message = this.#redact(data.message);
    return result;
  }

  /** Deletes a channel from the gateway (the gateway may close the WPPConnect session too). Idempotent: retried. */
  async deleteChannel(channelId: string, options?: CallOptions): Promise<void> {
    const id = assertSessionId(channelId, 'channelId');
    await this.#call(
      { method: 'DELETE', route: '/api/channels/{id}', params: { id }, call: options },
      envelope,
    );
  }

  /**
   * Asks the gateway to start the channel's session on WPPConnect (`POST /api/channels/{id}/start-session`).
   * Not retried. Returns the WPPConnect status the gateway passed along, when it did.
   */
  async startSession(channelId: string, options?: CallOptions): Promise<StartSessionAnswer> {
    const id = assertSessionId(channelId, 'channelId');
    const { data } = await this.#call(
      { method: 'POST', route: '/api/channels/{id}/start-session', params: { id }, call: options },
      startAnswer,
    );
    const out: StartSessionAnswer = {};
    if (data.status) out.status = data.status.toUpperCase();
    if (typeof data.message === 'string') out.message = this.#redact(data.message);
    return out;
  }

  /**
   * The gateway's whole QR answer: the QR (from any of the keys gateways use, with or without `data:`
   * prefix) and the status it reported. See {@link getQr} for the usual form.
   * @throws {@link SessionNotStartedError} when WPPConnect never started the session.
   */
  async inspectQr(channelId: string, options?: CallOptions): Promise<QrAnswer> {
    const id = assertSessionId(channelId, 'channelId');
    const { data, result } = await this.#call(
      { method: 'GET', route: '/api/channels/{id}/qr', params: { id }, call: options },
      qrAnswer,
    );
    const raw = findQr(data);
    let qr: QrCode | null = null;
    if (raw !== undefined) {
      try {
        qr = toQrCode(raw);
      } catch (error) {
        throw new ResponseValidationError('The gateway sent a QR that is not base64 PNG data', {
          ...result.context,
          cause: error,
          issues: [{ path: 'qr', message: 'expected a data URL or base64 PNG' }],
        });
      }
    }
    const answer: QrAnswer = { qr };
    if (data.status) answer.status = data.status.toUpperCase();
    if (typeof data.message === 'string') answer.message = this.#redact(data.message);
    return answer;
  }

  /**
   * The channel's QR code, or `null` when the gateway has none now (the session is connected or still
   * initializing, or the answer carried no QR). Failures are thrown as typed errors.
   *
   * Note: the gateway may hand out a *stale* QR (WPPConnect keeps the last one after connecting); only
   * `SessionManager` can check it against WPPConnect's status.
   * @throws {@link SessionNotStartedError} when WPPConnect never started the session ("use the /start-session route").
   * @throws {@link NotFoundError} when the gateway does not know the channel.
   */
  async getQr(channelId: string, options?: CallOptions): Promise<QrCode | null> {
    return (await this.inspectQr(channelId, options)).qr;
  }

  /**
   * Sends a text message through the channel. Not retried: a retry could send it twice.
   * @param to - Phone number or WhatsApp id (`5511999990000` or `5511999990000@c.us`).
   */
  async sendText(
    channelId: string,
    to: string,
    text: string,
    options?: CallOptions & { metadata?: Record<string, unknown> },
  ): Promise<SendResult> {
    const channel = assertSessionId(channelId, 'channelId');
    const json: Record<string, unknown> = {
      channel,
      to: assertText(to, 'to', 256),
      text: assertText(text, 'text'),
    };
    if (options?.metadata) json['metadata'] = options.metadata;
    const { data } = await this.#call(
      { method: 'POST', route: '/api/messages', json, call: options },
      sendAnswer,
    );
    return {
      messageId: data.id ?? data.messageId ?? data.message_id ?? null,
      correlationId: data.correlationId ?? data.correlation_id ?? null,
      raw: data as Record<string, unknown>,
    };
  }

  /** Sets the URL the gateway posts this channel's events to. Setting a value twice is harmless, so it is retried. */
  async setChannelWebhook(channelId: string, target: WebhookTarget, options?: CallOptions): Promise<void> {
    const id = assertSessionId(channelId, 'channelId');
    await this.#call(
      {
        method: 'POST',
        route: '/api/channels/{id}/webhook',
        params: { id },
        json: this.#webhookBody(target),
        idempotent: true,
        call: options,
      },
      envelope,
    );
  }

  /** Sets the URL the gateway posts every channel's events to. Retried like {@link setChannelWebhook}. */
  async setGlobalWebhook(target: WebhookTarget, options?: CallOptions): Promise<void> {
    await this.#call(
      {
        method: 'POST',
        route: '/api/webhooks',
        json: this.#webhookBody(target),
        idempotent: true,
        call: options,
      },
      envelope,
    );
  }

  #webhookBody(target: WebhookTarget): Record<string, string> {
    const body: Record<string, string> = { url: assertHttpUrl(target?.url, 'target.url') };
    if (target.secret !== undefined) {
      body['secret'] = assertSecret(target.secret, 'target.secret');
      this.#webhookSecrets.add(target.secret);
    }
    return body;
  }
}

/** Existing PHP clients also read `data.channels`; validated here like the top-level list. */
function channelsUnderData(data: unknown): ChannelRecord[] | undefined {
  const parsed = nestedList.safeParse(data);
  return parsed.success ? parsed.data.channels : undefined;
}
