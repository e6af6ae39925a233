/**
 * The parent side of {@link ./server-child.ts}: the benchmarks' servers in a child process, reached over
 * real sockets, so the measuring process holds the SDK (and the harness) only.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../../src/testing/wpp-tokens.js';
import { sdk } from './sdk.js';
import type { ChildRequest } from './server-child.js';
import type { Running } from './servers.js';

type Sdk = typeof sdk;

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

function start<T>(args: string[]): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(CHILD, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server child exited (${code}) before it was ready`)));
    child.once('message', (message) => resolve({ child, ready: message as T }));
  });
}

/** {@link startJsonServer} in a child process. */
export async function startJsonServerInChild(body: string): Promise<Running> {
  const { child, ready } = await start<{ url: string }>(['json', body]);
  child.removeAllListeners('exit');
  return {
    url: ready.url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

/** What a listing cost on the fakes' side. */
export interface CallCounts {
  wppCalls: number;
  gatewayCalls: number;
  byRoute: Record<string, number>;
}

/** Both fakes in a child process, and SDK clients pointed at them. */
export interface ChildRig {
  wppconnectUrl: string;
  /** A token the fake WPPConnect accepts for `id` (computed here: tokens are a function of id and key). */
  issueToken(id: string): string;
  /**
   * A gateway client and a WPPConnect client; `tokens` pre-fills the WPPConnect token store. `using`: another
   * build of the package (before/after comparisons in one process).
   */
  clients(
    tokens?: InstanceType<Sdk['MemoryTokenStore']>,
    using?: Sdk,
  ): {
    gateway: InstanceType<Sdk['WhatsAppGatewayClient']>;
    wppconnect: InstanceType<Sdk['WppConnectClient']>;
  };
  /** Seeds sessions CONNECTED (live page) on WPPConnect and `connected` in the gateway. */
  seed(ids: readonly string[]): Promise<void>;
  clearCalls(): Promise<void>;
  counts(): Promise<CallCounts>;
  close(): Promise<void>;
}

/** FakeWppConnect (with `wppOptions`) and FakeGateway (`staleStatus: true`) behind node:http in a child. */
export async function childRig(wppOptions: Record<string, unknown> = {}): Promise<ChildRig> {
  const { child, ready } = await start<{
    gatewayUrl: string;
    wppconnectUrl: string;
    secret: string;
    secretKey: string;
  }>(['fakes', JSON.stringify(wppOptions)]);
  child.removeAllListeners('exit');
  let next = 0;
  const pending = new Map<number, (value: unknown) => void>();
  child.on('message', (message) => {
    const { id } = message as { id: number };
    pending.get(id)?.(message);
    pending.delete(id);
  });
  const ask = <T>(request: ChildRequest): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ ...request, id });
    });
  return {
    wppconnectUrl: ready.wppconnectUrl,
    issueToken: (id) => issueToken(id, ready.secretKey),
    clients: (tokens, using = sdk) => ({
      gateway: new using.WhatsAppGatewayClient({ baseUrl: ready.gatewayUrl, secret: ready.secret }),
      wppconnect: new using.WppConnectClient({
        baseUrl: ready.wppconnectUrl,
        secretKey: ready.secretKey,
        ...(tokens ? { tokenStore: tokens } : {}),
      }),
    }),
    seed: async (ids) => {
      // In slices: one IPC message per 10,000 ids is fine, but keep each message small.
      for (let i = 0; i < ids.length; i += 2_000) await ask({ op: 'seed', ids: ids.slice(i, i + 2_000) });
    },
    clearCalls: async () => {
      await ask({ op: 'clear' });
    },
    counts: () => ask<CallCounts>({ op: 'counts' }),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      void ask({ op: 'close' });
      await exited;
    },
  };
}
