/**
 * The simulator the example tests run against: both fakes on real node:http servers, and the connection
 * options an example's `main()` takes, pointing at them.
 */
import type { ConnectionOptions } from '../../examples/env.js';
import {
  type FakeServers,
  onmessageWebhook,
  type StartFakeServersOptions,
  startFakeServers,
} from '../../src/testing/index.js';

/** The package's own seeding helper: a session connected on both sides. */
export { seedConnected } from '../../src/testing/index.js';

export interface Simulator {
  sim: FakeServers;
  /** Gateway and WPPConnect, as the examples' `main()` takes them. */
  connection: Required<ConnectionOptions>;
  /** The same, as the environment variables the command lines read. */
  env: Record<string, string>;
}

/** Starts the simulator. Starts go INITIALIZING → QRCODE in 200 ms, so a create takes about half a second. */
export async function startSimulator(options: StartFakeServersOptions = {}): Promise<Simulator> {
  const sim = await startFakeServers({
    ...options,
    wppconnect: { initializingMs: 200, ...options.wppconnect },
  });
  const connection = {
    gatewayBaseUrl: sim.gatewayUrl,
    gatewaySecret: sim.secret,
    wppconnectBaseUrl: sim.wppconnectUrl,
    wppconnectSecretKey: sim.secretKey,
  };
  const env = {
    WPP_GATEWAY_BASE_URL: sim.gatewayUrl,
    WPP_GATEWAY_SECRET: sim.secret,
    WPPCONNECT_BASE_URL: sim.wppconnectUrl,
    WPPCONNECT_SECRET_KEY: sim.secretKey,
  };
  return { sim, connection, env };
}

/** Collects an example's output lines. */
export function capture(): { lines: string[]; out: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), text: () => lines.join('\n') };
}

/** A WPPConnect `onmessage` body for `session`, sent `agoMs` before now (the package's helper). */
export function onmessage(session: string, agoMs: number) {
  return onmessageWebhook(session, { ageMs: agoMs });
}
