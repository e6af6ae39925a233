/**
 * Configuration from flags and the environment (the variable names PHP deployments of the gateway already use), and the SDK objects built from
 * it. Secrets come only from the environment or from files, are masked in all output once known, and are
 * never part of a message.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuthenticationError, InvalidArgumentError } from '../errors.js';
import { WhatsAppGatewayClient } from '../gateway/client.js';
import type { Logger } from '../logger.js';
import { SessionManager } from '../sessions/manager.js';
import type { SessionEvent } from '../sessions/types.js';
import type { SessionStore } from '../store/types.js';
import type { ActivitySource } from '../webhooks/tracker.js';
import { WppConnectClient } from '../wppconnect/client.js';
import { numberOption, type OptionValues, stringOption } from './args.js';
import { UsageError } from './exit.js';
import type { CliIo } from './io.js';
import type { Output } from './output.js';
import { openStore } from './store.js';

/** The environment variables the command reads. The first four are the names PHP deployments of the gateway already use. */
export const ENV = {
  gatewayUrl: 'WPP_GATEWAY_BASE_URL',
  gatewaySecret: 'WPP_GATEWAY_SECRET',
  wppconnectUrl: 'WPPCONNECT_BASE_URL',
  wppconnectSecret: 'WPPCONNECT_SECRET_KEY',
  webhookUrl: 'WPP_WEBHOOK_URL',
  activityUrl: 'WPP_ACTIVITY_URL',
} as const;

/** Where the two services are and how to reach them. Holds secrets: never print it. */
export interface CliConfig {
  gatewayUrl: string;
  gatewaySecret: string;
  /** Null when no WPPConnect URL was given: the manager then works through the gateway only. */
  wppconnect: { url: string; secretKey: string } | null;
  /** Per-attempt HTTP timeout. */
  timeoutMs: number;
  /** Where leases, restart history and pending repairs are shared with other runs (`--store`). */
  store?: SessionStore;
}

/**
 * Reads a secret file: its content without the trailing newline editors add.
 * @throws {@link UsageError} naming the flag and the path (never the content) when it cannot be used.
 */
async function readSecretFile(command: string, flag: string, path: string, cwd: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--${flag}: cannot read ${path} (${code})`, command);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) throw new UsageError(`--${flag}: ${path} is empty`, command);
  if (/[\r\n]/.test(secret)) throw new UsageError(`--${flag}: ${path} must hold one line`, command);
  return secret;
}

async function secretFrom(
  command: string,
  values: OptionValues,
  io: CliIo,
  flag: string,
  envName: string,
): Promise<string | undefined> {
  const file = stringOption(values, flag);
  if (file !== undefined) return readSecretFile(command, flag, file, io.cwd);
  const value = io.env[envName];
  return value ? value : undefined;
}

/**
 * Resolves the configuration: `--gateway-url` or `WPP_GATEWAY_BASE_URL` (required), the gateway secret from
 * `--gateway-secret-file` or `WPP_GATEWAY_SECRET` (required), and optionally WPPConnect's URL and secret key
 * the same way. Secrets read from files are registered with `out` so they are masked in all output.
 * @throws {@link UsageError} (exit 2) when something required is missing or unreadable.
 */
export async function loadConfig(
  command: string,
  values: OptionValues,
  io: CliIo,
  out: Output,
): Promise<CliConfig> {
  const gatewayUrl = stringOption(values, 'gateway-url') ?? io.env[ENV.gatewayUrl];
  if (!gatewayUrl) {
    throw new UsageError(`no gateway URL: set ${ENV.gatewayUrl} or pass --gateway-url`, command);
  }
  const gatewaySecret = await secretFrom(command, values, io, 'gateway-secret-file', ENV.gatewaySecret);
  if (!gatewaySecret) {
    throw new UsageError(
      `no gateway secret: set ${ENV.gatewaySecret} or pass --gateway-secret-file <path>`,
      command,
    );
  }
  out.protect(gatewaySecret);
  const wppconnectUrl = stringOption(values, 'wppconnect-url') ?? io.env[ENV.wppconnectUrl];
  let wppconnect: CliConfig['wppconnect'] = null;
  if (wppconnectUrl) {
    const secretKey = await secretFrom(command, values, io, 'wppconnect-secret-file', ENV.wppconnectSecret);
    if (!secretKey) {
      throw new UsageError(
        `a WPPConnect URL is set but no secret key: set ${ENV.wppconnectSecret} or pass --wppconnect-secret-file <path>`,
        command,
      );
    }
    out.protect(secretKey);
    wppconnect = { url: wppconnectUrl, secretKey };
  } else if (stringOption(values, 'wppconnect-secret-file') !== undefined) {
    throw new UsageError(`--wppconnect-secret-file needs a WPPConnect URL (${ENV.wppconnectUrl})`, command);
  }
  const timeoutMs = numberOption(command, values, 'timeout-seconds', { fallback: 15, min: 0.1 }) * 1000;
  const { store } = await openStore(command, values, io, out, timeoutMs);
  return { gatewayUrl, gatewaySecret, wppconnect, timeoutMs, store };
}

/**
 * The webhook URL template (`--webhook-url` or `WPP_WEBHOOK_URL`), with `{id}` standing for the session id.
 * @throws {@link UsageError} when it is not an http(s) URL.
 */
export function webhookTemplate(command: string, values: OptionValues, io: CliIo): string | undefined {
  const template = stringOption(values, 'webhook-url') ?? io.env[ENV.webhookUrl];
  if (!template) return undefined;
  let url: URL;
  try {
    url = new URL(template.replaceAll('{id}', 'id'));
  } catch {
    throw new UsageError('--webhook-url is not a valid URL', command);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--webhook-url must be an http(s) URL', command);
  }
  return template;
}

/** The SDK objects a command works with. */
export interface Connection {
  gateway: WhatsAppGatewayClient;
  wppconnect: WppConnectClient | undefined;
  manager: SessionManager;
  /**
   * The first secret a service rejected during this run, if any. The manager turns a WPPConnect failure into
   * an `unknown` status so one bad lookup does not sink a whole list, but a rejected secret is a configuration
   * error every command must report as such (exit 2), not a table of unknowns.
   */
  rejectedSecret(): AuthenticationError | undefined;
}

/**
 * Throws the secret rejection `conn` saw, if any: called by every command after its SDK calls, so that a
 * wrong secret ends the command with exit 2 and the hint on what to set, whatever the manager made of it.
 */
export function assertSecretsAccepted(conn: Connection): void {
  const rejected = conn.rejectedSecret();
  if (rejected) throw rejected;
}

/**
 * `client` with every method call observed: a rejection by the service's own secret check (not a proxy's) is
 * recorded in `seen` before it goes on to the caller, who may well swallow it.
 */
function watchSecret<T extends object>(client: T, seen: AuthenticationError[]): T {
  const record = (error: unknown) => {
    if (error instanceof AuthenticationError && error.source !== 'proxy') seen.push(error);
  };
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(record);
        return result;
      };
    },
  });
}

/** What the manager needs besides the clients. */
export interface ConnectOptions {
  activity?: ActivitySource | undefined;
  zombieAfterMs?: number;
  webhookUrl?: string | undefined;
  onEvent?: (event: SessionEvent) => void;
  /** Where the SDK's warnings go (an activity source that failed, WPPConnect's list that could not be read). */
  warn?: (message: string) => void;
  /** The manager's waits between status reads (`--poll-seconds` of create and reconnect). */
  pollIntervalsMs?: readonly number[];
}

/** Runs an SDK constructor; its argument check becomes a usage error naming the service's URL or secret. */
function build<T>(command: string, service: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    const what = error.argument.endsWith('baseUrl') ? 'URL' : 'secret';
    // The SDK's messages say what is wrong with the value without echoing it.
    throw new UsageError(`the ${service} ${what} ${error.message.replace(/^Invalid [^:]+: /, '')}`, command);
  }
}

/**
 * Builds the two clients and the manager.
 * @throws {@link UsageError} when a URL is malformed.
 */
export function connect(command: string, config: CliConfig, options: ConnectOptions = {}): Connection {
  // The manager also logs what the command prints itself (zombies, inconsistencies); only the rest is shown.
  const logger: Logger = {
    warn: (message, fields) => {
      if (message.startsWith('session ')) return;
      const error = typeof fields?.['error'] === 'string' ? ` (${fields['error']})` : '';
      options.warn?.(`${message}${error}`);
    },
  };
  const gateway = build(
    command,
    'gateway',
    () =>
      new WhatsAppGatewayClient({
        baseUrl: config.gatewayUrl,
        secret: config.gatewaySecret,
        timeoutMs: config.timeoutMs,
      }),
  );
  const wpp = config.wppconnect;
  const wppconnect = wpp
    ? build(
        command,
        'WPPConnect',
        () =>
          new WppConnectClient({ baseUrl: wpp.url, secretKey: wpp.secretKey, timeoutMs: config.timeoutMs }),
      )
    : undefined;
  const template = options.webhookUrl;
  const rejections: AuthenticationError[] = [];
  // The command's own calls (doctor's checks) are watched too: they go through the same two objects.
  const watchedGateway = watchSecret(gateway, rejections);
  const watchedWpp = wppconnect ? watchSecret(wppconnect, rejections) : undefined;
  const manager = new SessionManager({
    gateway: watchedGateway,
    ...(watchedWpp ? { wppconnect: watchedWpp } : {}),
    ...(options.activity ? { activity: options.activity } : {}),
    ...(config.store ? { store: config.store } : {}),
    ...(options.zombieAfterMs ? { zombieAfterMs: options.zombieAfterMs } : {}),
    ...(template ? { webhookUrl: (id: string) => template.replaceAll('{id}', encodeURIComponent(id)) } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.pollIntervalsMs ? { pollIntervalsMs: options.pollIntervalsMs } : {}),
    logger,
  });
  return {
    gateway: watchedGateway,
    wppconnect: watchedWpp,
    manager,
    rejectedSecret: () => rejections[0],
  };
}
