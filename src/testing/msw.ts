import { HttpResponse, http, type RequestHandler } from 'msw';
import type { FakeGateway } from './fake-gateway.js';
import type { FakeWppConnect } from './fake-wppconnect.js';

/**
 * MSW handlers that serve the given fakes: one `http.all('<baseUrl>/*')` per fake, delegating to
 * `fake.handle(request)`. The base URL is read when the handlers are built, so set it first.
 *
 * A request whose signal aborts before the fake answers (latency, WPPConnect's `/healthz` hang) gets a
 * network error instead of a thrown exception: the client has already given up, and MSW would otherwise
 * print the abort as an unhandled handler exception.
 *
 * This is the only module of `testing/` that imports `msw`; the node:http simulator does not need it.
 *
 * @example
 * ```ts
 * const wpp = new FakeWppConnect({ clock });
 * const gateway = new FakeGateway({ wppconnect: wpp });
 * const server = setupServer(...mswHandlers(wpp, gateway));
 * server.listen({ onUnhandledRequest: 'error' });
 * ```
 */
export function mswHandlers(...fakes: Array<FakeWppConnect | FakeGateway>): RequestHandler[] {
  return fakes.map((fake) =>
    http.all(`${fake.baseUrl.replace(/\/+$/, '')}/*`, async ({ request }) => {
      try {
        return await fake.handle(request);
      } catch (error) {
        if (request.signal.aborted) return HttpResponse.error();
        throw error;
      }
    }),
  );
}
