/**
 * The fakes wired to SDK clients, over node:http (real sockets, as in production) or in process (for runs
 * too long to afford the HTTP parsing), with the gateway's list answering from its own store.
 *
 * Why `staleStatus: true` on the fake gateway: like the real wrapper, the fake's `GET /api/channels` asks
 * WPPConnect for each channel, one after the other (field notes §7.7), so with 20 ms per WPPConnect call a
 * 1,000-channel list would take 20 s before the SDK did anything. That sequential list is the baseline the
 * fleet benchmark compares against, not part of what the SDK is measured on; with `staleStatus` the gateway
 * answers from its store at once, so the SDK's time is the SDK's.
 * @module
 */
import { FakeGateway } from '../../src/testing/fake-gateway.js';
import { FakeWppConnect, type FakeWppConnectOptions } from '../../src/testing/fake-wppconnect.js';
import { startFakeServers } from '../../src/testing/server.js';
import { sdk } from './sdk.js';
import { inProcessFetch, type ReplayStats, replayingFetch } from './servers.js';

type Sdk = typeof sdk;

/** The two fakes and SDK clients pointed at them. */
export interface Rig {
  wpp: FakeWppConnect;
  gateway: FakeGateway;
  /** A gateway client and a WPPConnect client; `tokens` pre-fills the WPPConnect token store. */
  clients(tokens?: InstanceType<Sdk['MemoryTokenStore']>): {
    gateway: InstanceType<Sdk['WhatsAppGatewayClient']>;
    wppconnect: InstanceType<Sdk['WppConnectClient']>;
  };
  /** Forgets the calls both fakes logged (the logs grow with every request). */
  clearCalls(): void;
  close(): Promise<void>;
}

function rig(
  wpp: FakeWppConnect,
  gateway: FakeGateway,
  close: () => Promise<void>,
  fetch?: typeof globalThis.fetch,
): Rig {
  return {
    wpp,
    gateway,
    clients: (tokens) => ({
      gateway: new sdk.WhatsAppGatewayClient({
        baseUrl: gateway.baseUrl,
        secret: gateway.secret,
        ...(fetch ? { fetch } : {}),
      }),
      wppconnect: new sdk.WppConnectClient({
        baseUrl: wpp.baseUrl,
        secretKey: wpp.secretKey,
        ...(tokens ? { tokenStore: tokens } : {}),
        ...(fetch ? { fetch } : {}),
      }),
    }),
    clearCalls: () => {
      wpp.calls.length = 0;
      gateway.calls.length = 0;
    },
    close,
  };
}

/** Both fakes behind real node:http servers on 127.0.0.1. */
export async function httpRig(wppOptions: Partial<FakeWppConnectOptions> = {}): Promise<Rig> {
  const servers = await startFakeServers({
    wppconnect: wppOptions,
    gateway: { faults: { staleStatus: true } },
  });
  return rig(servers.wppconnect, servers.gateway, servers.close);
}

/** Both fakes in process, reached through a `fetch` that calls `handle()` directly. */
export function inProcessRig(wppOptions: Partial<FakeWppConnectOptions> = {}): Rig {
  const wpp = new FakeWppConnect({ ...wppOptions, baseUrl: 'http://wppconnect.bench' });
  const gateway = new FakeGateway({
    wppconnect: wpp,
    baseUrl: 'http://gateway.bench',
    faults: { staleStatus: true },
  });
  return rig(wpp, gateway, async () => undefined, inProcessFetch(wpp, gateway));
}

/**
 * Like {@link inProcessRig}, but the fakes answer each method and URL once and their answers are replayed
 * after that ({@link replayingFetch}): for many rounds over a fleet that does not change. The fakes' call logs
 * count the first round only.
 */
export function replayRig(wppOptions: Partial<FakeWppConnectOptions> = {}): Rig & { replay: ReplayStats } {
  const wpp = new FakeWppConnect({ ...wppOptions, baseUrl: 'http://wppconnect.bench' });
  const gateway = new FakeGateway({
    wppconnect: wpp,
    baseUrl: 'http://gateway.bench',
    faults: { staleStatus: true },
  });
  const { fetch, stats } = replayingFetch(inProcessFetch(wpp, gateway));
  return { ...rig(wpp, gateway, async () => undefined, fetch), replay: stats };
}

/**
 * A token store holding a valid token for every id, as a long-lived service has after its first listing.
 * The fake issues them without logging a generate-token call.
 */
export function warmTokens(
  wpp: Pick<FakeWppConnect, 'issueToken'>,
  ids: readonly string[],
): InstanceType<Sdk['MemoryTokenStore']> {
  const store = new sdk.MemoryTokenStore();
  for (const id of ids) store.set(id, wpp.issueToken(id));
  return store;
}
