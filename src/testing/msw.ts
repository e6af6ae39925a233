/**
 * `whatsapp-gateway-sdk/testing/msw`: the fakes of `whatsapp-gateway-sdk/testing` as MSW request handlers.
 * The only module of the package that imports `msw` (an optional peer dependency: install it to use this
 * subpath; the rest of the package never loads it).
 * @module whatsapp-gateway-sdk/testing/msw
 */
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
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { FakeGateway, FakeWppConnect, ManualClock } from 'whatsapp-gateway-sdk/testing';
 * import { mswHandlers } from 'whatsapp-gateway-sdk/testing/msw';
 *
 * const clock = new ManualClock();
 * const wpp = new FakeWppConnect({ clock });
 * const gateway = new FakeGateway({ wppconnect: wpp, clock });
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
