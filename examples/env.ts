/**
 * Shared by the examples: where the gateway and WPPConnect are, read from the environment, and the clients
 * built from that. Copy it into your project as it is, or keep only the part you need.
 *
 *   WPP_GATEWAY_BASE_URL    https://wpp.example.com:8443     (required; mind the port)
 *   WPP_GATEWAY_SECRET      the gateway's X-Gateway-Secret  (required)
 *   WPPCONNECT_BASE_URL     http://wppconnect-server:21465  (optional, together with the next one)
 *   WPPCONNECT_SECRET_KEY   WPPConnect's SECRET_KEY          (optional, together with the previous one)
 *
 * Without the two WPPCONNECT_* variables the SessionManager runs in gateway-only mode: it cannot verify that a
 * session really exists on WPPConnect, and says so in every report.
 */
// In your project: import { ... } from 'whatsapp-gateway-sdk';
import {
  type ActivitySource,
  SessionManager,
  type SessionManagerOptions,
  WhatsAppGatewayClient,
  WppConnectClient,
} from '../src/index.js';

/** Where the two APIs are. The WPPConnect pair is optional (gateway-only mode without it). */
export interface ConnectionOptions {
  /** The gateway's base URL (`WPP_GATEWAY_BASE_URL`). */
  gatewayBaseUrl: string;
  /** The gateway's `X-Gateway-Secret` (`WPP_GATEWAY_SECRET`). */
  gatewaySecret: string;
  /** WPPConnect's base URL (`WPPCONNECT_BASE_URL`). */
  wppconnectBaseUrl?: string;
  /** WPPConnect's `SECRET_KEY` (`WPPCONNECT_SECRET_KEY`). */
  wppconnectSecretKey?: string;
}

/** Where an example writes its lines: `console.log` from the command line, an array in the tests. */
export type Output = (line: string) => void;

/** A missing or contradictory setting, found before any request is sent. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The variable names the examples read. */
export const ENV = {
  gatewayBaseUrl: 'WPP_GATEWAY_BASE_URL',
  gatewaySecret: 'WPP_GATEWAY_SECRET',
  wppconnectBaseUrl: 'WPPCONNECT_BASE_URL',
  wppconnectSecretKey: 'WPPCONNECT_SECRET_KEY',
} as const;

/**
 * Reads the connection settings from the environment.
 * @throws {@link ConfigError} naming every missing variable (never printing a value).
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const gatewayBaseUrl = read(ENV.gatewayBaseUrl);
  const gatewaySecret = read(ENV.gatewaySecret);
  const wppconnectBaseUrl = read(ENV.wppconnectBaseUrl);
  const wppconnectSecretKey = read(ENV.wppconnectSecretKey);
  const missing = [
    gatewayBaseUrl ? undefined : ENV.gatewayBaseUrl,
    gatewaySecret ? undefined : ENV.gatewaySecret,
  ].filter((name) => name !== undefined);
  if (missing.length > 0) throw new ConfigError(`missing environment variable(s): ${missing.join(', ')}`);
  if ((wppconnectBaseUrl === undefined) !== (wppconnectSecretKey === undefined)) {
    throw new ConfigError(
      `set both ${ENV.wppconnectBaseUrl} and ${ENV.wppconnectSecretKey}, or neither (gateway-only mode)`,
    );
  }
  return {
    gatewayBaseUrl: gatewayBaseUrl as string,
    gatewaySecret: gatewaySecret as string,
    ...(wppconnectBaseUrl ? { wppconnectBaseUrl } : {}),
    ...(wppconnectSecretKey ? { wppconnectSecretKey } : {}),
  };
}

/** The two clients. `wppconnect` is undefined in gateway-only mode. */
export function createClients(connection: ConnectionOptions): {
  gateway: WhatsAppGatewayClient;
  wppconnect: WppConnectClient | undefined;
} {
  const gateway = new WhatsAppGatewayClient({
    baseUrl: connection.gatewayBaseUrl,
    secret: connection.gatewaySecret,
    // Listing is slow: the gateway asks WPPConnect once per channel, and nginx cuts a request at 60 s.
    timeoutMs: 60_000,
  });
  const wppconnect =
    connection.wppconnectBaseUrl && connection.wppconnectSecretKey
      ? new WppConnectClient({
          baseUrl: connection.wppconnectBaseUrl,
          secretKey: connection.wppconnectSecretKey,
        })
      : undefined;
  return { gateway, wppconnect };
}

/** A `SessionManager` over both clients, with an optional activity source and any other option. */
export function createManager(
  connection: ConnectionOptions,
  options: Omit<Partial<SessionManagerOptions>, 'gateway' | 'wppconnect'> & {
    activity?: ActivitySource;
  } = {},
): SessionManager {
  const { gateway, wppconnect } = createClients(connection);
  return new SessionManager({ ...options, gateway, ...(wppconnect ? { wppconnect } : {}) });
}
