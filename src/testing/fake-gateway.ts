import type { Clock } from './clock.js';
import type { FakeWppConnect } from './fake-wppconnect.js';
import { type GatewayRoute, GatewayStore, gatewayRoutes } from './gateway-routes.js';
import { WppUpstream } from './gateway-upstream.js';
import {
  countCalls,
  type FakeCall,
  jsonResponse,
  type Latency,
  Router,
  relativePath,
  serve,
} from './http-kit.js';
import { nginxBasicAuth, nginxError } from './nginx.js';

/** Switches for the gateway failures seen in production. All mutable at any time. */
export interface GatewayFaults {
  /**
   * `POST /api/channels` answers "Session created successfully" but never calls WPPConnect (a bug seen
   * in production: the channel exists on the gateway only). `true` for every id, or a predicate per id.
   */
  dropPropagation: boolean | ((id: string) => boolean);
  /**
   * Channel reads return the stored status without asking WPPConnect, e.g. `connected` long after the
   * session died.
   */
  staleStatus: boolean;
  /** nginx answers every `/api/*` request with its Basic-auth 401 HTML page. */
  proxyBasicAuth: boolean;
  /** nginx answers every request with its `502 Bad Gateway` or `504 Gateway Time-out` HTML page. */
  htmlError: 502 | 504 | null;
  /** Delay before every answer, on a real timer cancelled by the request signal (slow lists). */
  latencyMs: Latency;
  /**
   * `GET /api/channels/:id/qr` on a CONNECTED session answers HTTP 500 "Invalid QR code response from server"
   * (the unpatched wrapper) instead of the patched `qr: null` answer.
   */
  qrConnectedBug: boolean;
}

/** Options of {@link FakeGateway}. */
export interface FakeGatewayOptions {
  /** The fake WPPConnect the gateway forwards to, in process. */
  wppconnect: FakeWppConnect;
  /** Where the fake answers; default `http://gateway.test`. */
  baseUrl?: string;
  /** The expected `X-Gateway-Secret`; default `gateway-secret-for-tests`. */
  secret?: string;
  /** Time source for `createdAt` and the call log; default the WPPConnect fake's clock. */
  clock?: Clock;
  /** Initial faults; the rest default to off. */
  faults?: Partial<GatewayFaults>;
  /**
   * The WPPConnect secret key the wrapper is configured with; by default it follows
   * `wppconnect.secretKey`, so a `rotateSecretKey` is picked up after one 401 and a token refresh. Set it to
   * model a misconfigured wrapper.
   */
  wppconnectSecretKey?: string;
}

/** A channel in the gateway's own store (its `data/sessions.json`). */
export interface FakeChannel {
  /** The channel (= WPPConnect session) id, case-sensitive. */
  id: string;
  /** The last status the gateway stored (overwritten by every live status read). */
  status: string;
  /** `clock.now()` at creation or seeding. */
  createdAt: number;
}

/** A webhook registered on the gateway. */
export interface GatewayWebhook {
  /** Where the gateway posts events. */
  url: string;
  /** The secret the gateway sends along, when one was given. */
  secret?: string;
}

/**
 * A stateful fake of the gateway-wrapper (Express, `/api/channels`, header `X-Gateway-Secret`) as a
 * client sees it, forwarding to a {@link FakeWppConnect} in process.
 *
 * It keeps its own channel store, which is not WPPConnect's: a channel can exist here and not there
 * (`dropPropagation`), and WPPConnect sessions created elsewhere are invisible here.
 * Statuses are WPPConnect's `status-session` passed through {@link normalizeGatewayStatus}, the real buggy
 * rule. {@link FakeGateway.faults} switches on the production failures: dropped propagation, stale status,
 * nginx Basic-auth 401, nginx 502/504 HTML, latency, and the CONNECTED-QR 500.
 */
export class FakeGateway {
  /** Where the fake answers; settable, because a server learns its port only after `listen`. */
  baseUrl: string;
  /** The fake WPPConnect behind the gateway. */
  readonly wppconnect: FakeWppConnect;
  /** The expected `X-Gateway-Secret`. */
  readonly secret: string;
  /** The time source for `createdAt` and the call log. */
  readonly clock: Clock;
  /** The active faults; mutate them at any time. */
  faults: GatewayFaults;
  /** Every request received, in arrival order, with the status it was answered with. */
  readonly calls: FakeCall[] = [];

  readonly #initialFaults: GatewayFaults;
  readonly #store = new GatewayStore();
  readonly #upstream: WppUpstream;
  readonly #router: Router<GatewayRoute>;

  /** @param options - The WPPConnect fake to forward to, and optional URL, secret, clock and faults. */
  constructor(options: FakeGatewayOptions) {
    this.wppconnect = options.wppconnect;
    this.baseUrl = options.baseUrl ?? 'http://gateway.test';
    this.secret = options.secret ?? 'gateway-secret-for-tests';
    this.clock = options.clock ?? options.wppconnect.clock;
    this.#initialFaults = { ...defaultFaults(), ...options.faults };
    this.faults = { ...this.#initialFaults };
    const fixedKey = options.wppconnectSecretKey;
    this.#upstream = new WppUpstream(this.wppconnect, () => fixedKey ?? this.wppconnect.secretKey);
    this.#router = new Router<GatewayRoute>(
      gatewayRoutes({
        store: this.#store,
        upstream: this.#upstream,
        faults: () => this.faults,
        now: () => this.clock.now(),
      }),
    );
  }

  /** How many recorded calls hit `route` (a template such as `/api/channels/{id}/qr`), for channel `id`. */
  countCalls(route: string, id?: string): number {
    return countCalls(this.calls, route, id);
  }

  /** The gateway's channel store, in creation order (copies). */
  channels(): FakeChannel[] {
    return [...this.#store.channels.values()].map((c) => ({ ...c }));
  }

  /** Adds a channel to the store, or sets the stored status of an existing one, without calling WPPConnect. */
  seedChannel(id: string, status: string): void {
    const existing = this.#store.channels.get(id);
    if (existing) existing.status = status;
    else this.#store.channels.set(id, { id, status, createdAt: this.clock.now() });
  }

  /** The webhook set with `POST /api/channels/:id/webhook`, if any. */
  channelWebhook(id: string): GatewayWebhook | undefined {
    const hook = this.#store.webhooks.get(id);
    return hook ? { ...hook } : undefined;
  }

  /** The webhook set with `POST /api/webhooks`, or `null`. */
  get globalWebhook(): GatewayWebhook | null {
    return this.#store.global ? { ...this.#store.global } : null;
  }

  /** Back to a fresh gateway: no channels, webhooks, calls or cached tokens; the faults given at construction. */
  reset(): void {
    this.#store.clear();
    this.#upstream.clear();
    this.calls.length = 0;
    this.faults = { ...this.#initialFaults };
  }

  /**
   * Answers one request, as the gateway behind its nginx would.
   * @throws the request signal's reason when it aborts before the answer.
   */
  handle(request: Request): Promise<Response> {
    const path = relativePath(request.url, this.baseUrl);
    const match = this.#router.match(request.method, path);
    const id = match?.params['id'];
    return serve(
      request,
      { clock: this.clock, latency: this.faults.latencyMs, calls: this.calls },
      {
        route: match?.route.template ?? path,
        ...(id === undefined ? {} : { session: id }),
        respond: () => this.#respond(request, path, match?.route, match?.params ?? {}),
      },
    );
  }

  async #respond(
    request: Request,
    path: string,
    route: GatewayRoute | undefined,
    params: Record<string, string>,
  ): Promise<Response> {
    const api = path === '/api' || path.startsWith('/api/');
    // nginx answers before the wrapper sees anything: auth first, then the upstream failure.
    if (this.faults.proxyBasicAuth && api) return nginxBasicAuth();
    if (this.faults.htmlError !== null) return nginxError(this.faults.htmlError);
    let response: Response;
    if (api && request.headers.get('x-gateway-secret') !== this.secret) {
      // The wrapper's own 401: JSON and no WWW-Authenticate, unlike nginx's (field notes §7.6).
      response = jsonResponse(401, { success: false, error: 'Unauthorized' });
    } else if (!route) {
      response = jsonResponse(404, { success: false, error: 'Route not found' });
    } else {
      response = await route.run({ request, params, signal: request.signal });
    }
    const requestId = request.headers.get('x-request-id');
    if (requestId) response.headers.set('X-Request-Id', requestId);
    return response;
  }
}

function defaultFaults(): GatewayFaults {
  return {
    dropPropagation: false,
    staleStatus: false,
    proxyBasicAuth: false,
    htmlError: null,
    latencyMs: 0,
    qrConnectedBug: false,
  };
}
