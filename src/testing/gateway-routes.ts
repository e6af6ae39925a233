/**
 * The wrapper routes of the fake gateway and their WPPConnect flows. nginx and
 * the `X-Gateway-Secret` check sit in front of these, in `FakeGateway`.
 * @internal
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { FakeChannel, GatewayFaults, GatewayWebhook } from './fake-gateway.js';
import { normalizeGatewayStatus } from './gateway-status.js';
import { UpstreamError, upstreamMessage, type WppUpstream } from './gateway-upstream.js';
import { isRecord, jsonResponse, type RouteSpec, readJsonBody } from './http-kit.js';

const NOT_FOUND = { success: false, error: 'Canal não encontrado' };
const NOT_ACTIVE = 'A sessão do WhatsApp não está ativa.';

/** The wrapper's own data (its `data/sessions.json` and webhook settings). */
export class GatewayStore {
  readonly channels = new Map<string, FakeChannel>();
  readonly webhooks = new Map<string, GatewayWebhook>();
  global: GatewayWebhook | null = null;

  /** The start-session body: the channel's webhook, else the global one, else none (`waitQrCode:false`). */
  startBody(id?: string): Record<string, unknown> {
    const url = (id === undefined ? undefined : this.webhooks.get(id)?.url) ?? this.global?.url;
    return url === undefined ? { waitQrCode: false } : { webhook: url, waitQrCode: false };
  }

  clear(): void {
    this.channels.clear();
    this.webhooks.clear();
    this.global = null;
  }
}

/** What the routes need from the fake gateway. */
export interface GatewayEnv {
  store: GatewayStore;
  upstream: WppUpstream;
  /** The faults as they are now (they are mutable). */
  faults(): GatewayFaults;
  now(): number;
}

/** Per-request data handed to a route. */
export interface GatewayCtx {
  request: Request;
  params: Record<string, string>;
  signal: AbortSignal;
}

/** A wrapper route. */
export interface GatewayRoute extends RouteSpec {
  run(ctx: GatewayCtx): Promise<Response> | Response;
}

/** Rethrows anything that is not a WPPConnect failure (aborts, bugs); the caller handles the rest. */
function onlyUpstream(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  throw error;
}

function failed(op: string, error: unknown): Response {
  const { message } = onlyUpstream(error);
  return jsonResponse(500, { success: false, error: `WPPConnect ${op} failed: ${message}` });
}

/** The wrapper's route table. */
export function gatewayRoutes(env: GatewayEnv): GatewayRoute[] {
  const { store, upstream } = env;
  const channel = (params: Record<string, string>) => store.channels.get(params['id']!);
  return [
    {
      method: 'GET',
      template: '/api/channels',
      run: async ({ signal }) => {
        // One WPPConnect call per channel, one after the other, like the real wrapper (field notes §7.7).
        const channels = [];
        for (const c of [...store.channels.values()]) {
          channels.push({ id: c.id, status: await refreshStatus(env, c, signal) });
        }
        return jsonResponse(200, { success: true, channels, total: channels.length });
      },
    },
    {
      method: 'POST',
      template: '/api/channels',
      run: async ({ request, signal }) => {
        const body = await readJsonBody(request);
        const id = isRecord(body) ? body['channel'] : undefined;
        if (typeof id !== 'string' || id.trim() === '') {
          return jsonResponse(400, { success: false, error: 'channel is required' });
        }
        if (store.channels.has(id))
          return jsonResponse(409, { success: false, error: 'Channel already exists' });
        store.channels.set(id, { id, status: 'qr_required', createdAt: env.now() });
        const drop = env.faults().dropPropagation;
        if (!(typeof drop === 'function' ? drop(id) : drop)) {
          await upstream.call(id, 'POST', 'start-session', store.startBody(), signal).catch(onlyUpstream);
        }
        // Success whatever happened on WPPConnect: the lost-propagation bug (field notes §7.1).
        return jsonResponse(200, {
          success: true,
          message: 'Session created successfully',
          qr_required: true,
          channel: { id, status: 'qr_required' },
        });
      },
    },
    {
      method: 'GET',
      template: '/api/channels/{id}',
      run: async ({ params, signal }) => {
        const c = channel(params);
        if (!c) return jsonResponse(404, NOT_FOUND);
        const status = await refreshStatus(env, c, signal);
        // Nested under `channel`, unlike the list items (field notes §3).
        return jsonResponse(200, { success: true, channel: { id: c.id, name: c.id, status } });
      },
    },
    {
      method: 'DELETE',
      template: '/api/channels/{id}',
      run: async ({ params, signal }) => {
        const c = channel(params);
        if (!c) return jsonResponse(404, NOT_FOUND);
        store.channels.delete(c.id);
        store.webhooks.delete(c.id);
        await upstream.call(c.id, 'POST', 'close-session', undefined, signal).catch(onlyUpstream);
        return jsonResponse(200, { success: true, message: 'Channel deleted' });
      },
    },
    {
      method: 'POST',
      template: '/api/channels/{id}/start-session',
      run: async ({ params, signal }) => {
        const c = channel(params);
        if (!c) return jsonResponse(404, NOT_FOUND);
        try {
          const body = await upstream.ok(c.id, 'POST', 'start-session', store.startBody(c.id), signal);
          return jsonResponse(200, {
            success: true,
            status: body['status'] ?? null,
            message: 'Session start requested',
          });
        } catch (error) {
          return failed('startSession', error);
        }
      },
    },
    {
      method: 'GET',
      template: '/api/channels/{id}/qr',
      run: async ({ params, signal }) => {
        const c = channel(params);
        if (!c) return jsonResponse(404, NOT_FOUND);
        try {
          return await qr(env, c.id, signal);
        } catch (error) {
          return failed('getQRCode', error);
        }
      },
    },
    {
      method: 'POST',
      template: '/api/channels/{id}/webhook',
      run: async ({ request, params }) => {
        const c = channel(params);
        if (!c) return jsonResponse(404, NOT_FOUND);
        const hook = toWebhook(await readJsonBody(request));
        if (!hook) return jsonResponse(400, { success: false, error: 'url is required' });
        store.webhooks.set(c.id, hook);
        return jsonResponse(200, { success: true });
      },
    },
    {
      method: 'POST',
      template: '/api/webhooks',
      run: async ({ request }) => {
        const hook = toWebhook(await readJsonBody(request));
        if (!hook) return jsonResponse(400, { success: false, error: 'url is required' });
        store.global = hook;
        return jsonResponse(200, { success: true });
      },
    },
    {
      method: 'POST',
      template: '/api/messages',
      run: async ({ request, signal }) => send(env, await readJsonBody(request), signal),
    },
  ];
}

/**
 * Asks WPPConnect (`status || state || connectionState`), normalises with the buggy rule
 * and overwrites the stored status; keeps the stored one if WPPConnect fails, and does
 * not ask at all under the `staleStatus` fault.
 */
async function refreshStatus(env: GatewayEnv, channel: FakeChannel, signal: AbortSignal): Promise<string> {
  if (env.faults().staleStatus) return channel.status;
  try {
    const body = await env.upstream.ok(channel.id, 'GET', 'status-session', undefined, signal);
    const raw = body['status'] || body['state'] || body['connectionState'];
    channel.status = typeof raw === 'string' ? normalizeGatewayStatus(raw) : 'unknown';
  } catch (error) {
    onlyUpstream(error);
  }
  return channel.status;
}

/**
 * `GET /api/channels/:id/qr`: the adapter reads `status-session` and only falls back to `qrcode-session`
 * when it reads CLOSED, to tell "never started" (500 with WPPConnect's text) from "exists",
 * which it restarts with the stored auth.
 * @throws {@link UpstreamError} for the 500 answers.
 */
async function qr(env: GatewayEnv, id: string, signal: AbortSignal): Promise<Response> {
  const state = await env.upstream.ok(id, 'GET', 'status-session', undefined, signal);
  switch (state['status']) {
    case 'QRCODE': {
      const qrcode = state['qrcode'];
      const base64 = typeof qrcode === 'string' ? qrcode.replace(/^data:[^,]*,/, '') : null;
      return jsonResponse(200, { success: true, qr: base64, status: 'QRCODE' });
    }
    case 'CONNECTED':
      // The unpatched wrapper reads qrcode-session's JSON as an invalid QR (field notes §7.5a).
      if (env.faults().qrConnectedBug) throw new UpstreamError('Invalid QR code response from server', 200);
      return jsonResponse(200, {
        success: true,
        qr: null,
        status: 'CONNECTED',
        message: 'Session is connected. Restart session to generate new QR code.',
      });
    case 'INITIALIZING':
    case 'PHONECODE':
      return jsonResponse(200, { success: true, qr: null, status: 'INITIALIZING' });
  }
  const answer = await env.upstream.call(id, 'GET', 'qrcode-session', undefined, signal);
  const message = answer.json ? upstreamMessage(answer) : '';
  if (message.startsWith('Session not started')) throw new UpstreamError(message, answer.status);
  await env.upstream.ok(id, 'POST', 'start-session', env.store.startBody(id), signal);
  return jsonResponse(200, { success: true, qr: null, status: 'CLOSED' });
}

/** `POST /api/messages`: WPPConnect's `statusConnection` 404 is re-wrapped. */
async function send(env: GatewayEnv, body: unknown, signal: AbortSignal): Promise<Response> {
  const correlationId = randomUUID();
  const { channel, to, text } = isRecord(body) ? body : {};
  if (
    typeof channel !== 'string' ||
    channel === '' ||
    typeof to !== 'string' ||
    to === '' ||
    typeof text !== 'string' ||
    text === ''
  ) {
    return jsonResponse(400, { success: false, error: 'channel, to and text are required', correlationId });
  }
  try {
    const message = { phone: to, message: text, isGroup: false };
    const answer = await env.upstream.call(channel, 'POST', 'send-message', message, signal);
    if (answer.status === 404) return jsonResponse(404, { success: false, error: NOT_ACTIVE, correlationId });
    if (answer.status < 200 || answer.status >= 300)
      throw new UpstreamError(upstreamMessage(answer), answer.status);
    const sent = answer.json?.['response'];
    const first: unknown = Array.isArray(sent) ? sent[0] : undefined;
    const messageId = isRecord(first) ? (first['id'] ?? null) : null;
    return jsonResponse(200, { success: true, messageId, correlationId });
  } catch (error) {
    const { message } = onlyUpstream(error);
    return jsonResponse(500, {
      success: false,
      error: `WPPConnect sendText failed: ${message}`,
      correlationId,
    });
  }
}

function toWebhook(body: unknown): GatewayWebhook | undefined {
  if (!isRecord(body) || typeof body['url'] !== 'string' || body['url'] === '') return undefined;
  return typeof body['secret'] === 'string'
    ? { url: body['url'], secret: body['secret'] }
    : { url: body['url'] };
}
