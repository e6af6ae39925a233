/**
 * Issue #5 §4 (design §3.4): hostile session ids are refused with `InvalidArgumentError` before any request
 * is sent, by every client method and every manager method that takes an id — and refused the way a promise
 * refuses (a rejection, never a synchronous throw, so `.catch()` sees it). Ids that are accepted stay inside
 * their one URL path segment.
 */
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSessionId,
  InvalidArgumentError,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../../src/index.js';
import { HOSTILE_IDS } from './support/hostile-ids.js';
import { createWorld, type World } from './support/world.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type IdMethod = [name: string, call: (w: World, id: string) => Promise<unknown>];

const WEBHOOK = { url: 'https://hooks.test/x' };

const ID_METHODS: readonly IdMethod[] = [
  ['gateway.getChannel', (w, id) => w.gateway.getChannel(id)],
  ['gateway.createChannel', (w, id) => w.gateway.createChannel(id)],
  ['gateway.getQr', (w, id) => w.gateway.getQr(id)],
  ['gateway.inspectQr', (w, id) => w.gateway.inspectQr(id)],
  ['gateway.deleteChannel', (w, id) => w.gateway.deleteChannel(id)],
  ['gateway.startSession', (w, id) => w.gateway.startSession(id)],
  ['gateway.sendText', (w, id) => w.gateway.sendText(id, '5511999990000', 'hi')],
  ['gateway.setChannelWebhook', (w, id) => w.gateway.setChannelWebhook(id, WEBHOOK)],
  ['wppconnect.generateToken', (w, id) => w.wppconnect.generateToken(id)],
  ['wppconnect.startSession', (w, id) => w.wppconnect.startSession(id)],
  ['wppconnect.getStatus', (w, id) => w.wppconnect.getStatus(id)],
  ['wppconnect.getQrCode', (w, id) => w.wppconnect.getQrCode(id)],
  ['wppconnect.checkConnection', (w, id) => w.wppconnect.checkConnection(id)],
  ['wppconnect.closeSession', (w, id) => w.wppconnect.closeSession(id)],
  ['wppconnect.logoutSession', (w, id) => w.wppconnect.logoutSession(id)],
  ['wppconnect.getPhoneNumber', (w, id) => w.wppconnect.getPhoneNumber(id)],
  ['manager.createSession', (w, id) => w.manager.createSession(id)],
  ['manager.ensureSession', (w, id) => w.manager.ensureSession(id)],
  ['manager.reconnect', (w, id) => w.manager.reconnect(id)],
  ['manager.reconnect (force)', (w, id) => w.manager.reconnect(id, { force: true })],
  ['manager.getSession', (w, id) => w.manager.getSession(id)],
];

describe('hostile ids are refused before any request', () => {
  let requests: string[] = [];
  const onStart = ({ request }: { request: Request }) =>
    void requests.push(`${request.method} ${request.url}`);
  // One world for all: nothing may reach a server, so its fakes never answer anything.
  let world: World;
  beforeAll(() => {
    server.events.on('request:start', onStart);
    world = createWorld(server);
  });
  afterAll(() => server.events.removeListener('request:start', onStart));

  describe.each(ID_METHODS.map(([name, call]) => [name, call] as const))('%s', (_name, call) => {
    it.each(HOSTILE_IDS.map(([label, id]) => [label, id] as const))('%s', async (_label, id) => {
      requests = [];
      let promise: Promise<unknown> | undefined;
      // A promise-returning method refuses by rejecting: a synchronous throw escapes `.catch()`.
      expect(() => {
        promise = call(world, id as string);
      }).not.toThrow();
      const error = await promise!.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).code).toBe('invalid_argument');
      expect(requests, 'requests that reached MSW').toEqual([]);
    });
  });
});

describe('ids that are accepted stay inside their path segment', () => {
  /** Printable ASCII, as the id rule allows, plus the dot-only ids a URL parser would resolve away. */
  const candidate = fc.oneof(
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 12,
    }),
    fc.constantFrom('.', '..', '...', '.a', 'a.', 'a..b', '%2e', '%2E%2e', ' . '),
  );

  it('for both clients, over generated ids', async () => {
    const paths: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return Response.json({
        success: true,
        channel: { id: 'x', status: 'connected' },
        status: 'CLOSED',
        token: '$2b$10$abcdefghijklmnopqrstuv',
      });
    };
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(candidate, async (id) => {
        let valid = true;
        try {
          assertSessionId(id);
        } catch {
          valid = false;
        }
        paths.length = 0;
        // Fresh clients each time: a cached token would skip generate-token.
        const gateway = new WhatsAppGatewayClient({
          baseUrl: 'http://gateway.ids',
          secret: 'ids-gateway-secret',
          fetch,
        });
        const wpp = new WppConnectClient({ baseUrl: 'http://wpp.ids', secretKey: 'ids-secret-key', fetch });
        const outcomes = await Promise.allSettled([gateway.getChannel(id), wpp.closeSession(id)]);
        if (!valid) {
          for (const outcome of outcomes) {
            expect(outcome.status).toBe('rejected');
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(InvalidArgumentError);
          }
          expect(paths).toEqual([]);
          return;
        }
        accepted++;
        // Exactly the id, in the one segment reserved for it: nothing resolved, nothing split.
        const gatewayPath = paths.find((p) => p.startsWith('/api/channels/'));
        const tokenPath = paths.find((p) => p.endsWith('/generate-token'));
        const closePath = paths.find((p) => p.endsWith('/close-session'));
        expect(paths).toHaveLength(3);
        expect(gatewayPath?.split('/')).toHaveLength(4);
        expect(decodeURIComponent(gatewayPath!.split('/')[3]!)).toBe(id);
        expect(tokenPath?.split('/')).toHaveLength(5);
        expect(decodeURIComponent(tokenPath!.split('/')[2]!)).toBe(id);
        expect(decodeURIComponent(tokenPath!.split('/')[3]!)).toBe('ids-secret-key');
        expect(closePath?.split('/')).toHaveLength(4);
        expect(decodeURIComponent(closePath!.split('/')[2]!)).toBe(id);
      }),
      { numRuns: 1_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
