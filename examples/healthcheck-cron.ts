/**
 * The session healthcheck as a cron job: the TypeScript successor of a PHP script,
 * `scripts/healthcheck_whatsapp_sessions.php`, with exit codes a scheduler can act on.
 *
 *   # crontab: every 15 minutes, repairing what it can
 *   0,15,30,45 * * * *  cd /app && npx tsx examples/healthcheck-cron.ts --repair --silent-hours=4
 *
 * Flags: --repair (reconnect unhealthy sessions; zombies get a forced restart), --dry-run (with --repair: say
 * what would be repaired), --silent-hours=N (zombie threshold, default 4), --json (print the whole report).
 * With MYSQL_URL set, the last message of each session comes from `webhook_raw_logs` (mysql-activity-source.ts);
 * without an activity source no session can be judged a zombie.
 *
 * Exit codes:
 *   0  every session is healthy (after repairs, when --repair ran)
 *   1  at least one session is unhealthy: zombie, disconnected, not propagated, or unknown
 *   2  configuration: a missing variable, a bad option, or a secret the gateway or WPPConnect rejects
 *   3  unreachable: no answer, a timeout, a proxy's 401 (nginx Basic auth) or 502/504 page, an unreadable answer
 * (the same codes as the `whatsapp-gateway healthcheck` command)
 */
import { pathToFileURL } from 'node:url';
// In your project: import { ... } from 'whatsapp-gateway-sdk';
import {
  type ActivitySource,
  AuthenticationError,
  type HealthReport,
  InvalidArgumentError,
  SessionManager,
  WhatsAppSdkError,
} from '../src/index.js';
import { ConfigError, type ConnectionOptions, connectionFromEnv, createClients, type Output } from './env.js';

/** The exit codes of the job. */
export const EXIT = { healthy: 0, unhealthy: 1, config: 2, unreachable: 3 } as const;

/** Options of {@link main}. */
export interface HealthcheckCronOptions extends Partial<ConnectionOptions> {
  /** Reconnect unhealthy sessions. Default false. */
  repair?: boolean;
  /** With `repair`, only say what would be repaired. Default false. */
  dryRun?: boolean;
  /** Zombie threshold in hours. Default 4 (the PHP script's default). */
  silentHours?: number;
  /** Last message per session; without it nothing is judged a zombie. */
  activity?: ActivitySource;
  /** Print the full report as JSON instead of one line per session. */
  json?: boolean;
  /** Where lines go; default `console.log`. */
  out?: Output;
  /** Where errors go; default `console.error`. */
  err?: Output;
}

function hours(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : `${(ms / 3_600_000).toFixed(1)} h`;
}

function printReport(report: HealthReport, out: Output): void {
  for (const entry of report.sessions) {
    const info = entry.info;
    const parts = [entry.health.padEnd(15), entry.id.padEnd(20), info.status];
    if (entry.health === 'zombie') parts.push(`silent for ${hours(info.zombie?.silentForMs)}`);
    if (info.inconsistent) parts.push(`(gateway says ${info.gatewayStatus ?? 'nothing'})`);
    if (entry.repair !== 'skipped') parts.push(`repair: ${entry.repair}`);
    if (entry.report) parts.push(`→ ${entry.report.status}`);
    if (entry.error) parts.push(`${entry.error.name} (${entry.error.code})`);
    out(parts.join('  '));
  }
  const { counts, repairs } = report;
  out(
    `${counts.total} session(s): ${counts.healthy} healthy, ${counts.zombie} zombie, ` +
      `${counts.disconnected} disconnected, ${counts.not_propagated} not propagated, ${counts.unknown} unknown` +
      (repairs.attempted > 0 ? `; repaired ${repairs.repaired}/${repairs.attempted}` : ''),
  );
}

/** Which exit code an error means. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || error instanceof InvalidArgumentError) return EXIT.config;
  // A secret the API itself refuses is ours to fix. A proxy's Basic-auth 401 means the request never reached
  // the API: like a 502 page, that is the path to it failing, so "unreachable".
  if (error instanceof AuthenticationError) return error.source === 'proxy' ? EXIT.unreachable : EXIT.config;
  // ConnectionError, TimeoutError, ServerError (nginx 502/504 pages), ResponseValidationError, …
  return EXIT.unreachable;
}

/** Runs the check and returns the exit code; never throws for an SDK or configuration error. */
export async function main(options: HealthcheckCronOptions = {}): Promise<number> {
  const out = options.out ?? console.log;
  const err = options.err ?? console.error;
  try {
    if (!options.gatewayBaseUrl || !options.gatewaySecret) throw new ConfigError('no gateway URL or secret');
    const silentHours = options.silentHours ?? 4;
    if (!(silentHours > 0)) throw new ConfigError('--silent-hours must be a positive number');
    const { gateway, wppconnect } = createClients(options as ConnectionOptions);

    // Is WPPConnect up at all? A dead WPPConnect would otherwise show as every session "unknown" (exit 1).
    // healthz is sent without Content-Type: the real server never answers a GET that carries
    // `application/json` (seen on the real server).
    if (wppconnect) await wppconnect.healthz({ timeoutMs: 10_000 });

    const manager = new SessionManager({
      gateway,
      ...(wppconnect ? { wppconnect } : {}),
      ...(options.activity ? { activity: options.activity } : {}),
      zombieAfterMs: silentHours * 3_600_000,
    });
    const report = await manager.healthcheck({
      repair: options.repair ?? false,
      dryRun: options.dryRun ?? false,
    });
    if (options.json) out(JSON.stringify(report, null, 2));
    else printReport(report, out);
    return report.ok ? EXIT.healthy : EXIT.unhealthy;
  } catch (error) {
    if (!(error instanceof WhatsAppSdkError) && !(error instanceof ConfigError)) throw error;
    const code = exitCodeFor(error);
    err(`${code === EXIT.config ? 'configuration' : 'unreachable'}: ${error.name}: ${error.message}`);
    return code;
  }
}

/** Parses the command line flags. */
export function parseArgs(
  argv: readonly string[],
): Pick<HealthcheckCronOptions, 'repair' | 'dryRun' | 'silentHours' | 'json'> {
  const options: ReturnType<typeof parseArgs> = {};
  for (const arg of argv) {
    if (arg === '--repair') options.repair = true;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--json') options.json = true;
    else if (arg.startsWith('--silent-hours='))
      options.silentHours = Number(arg.slice('--silent-hours='.length));
    else throw new ConfigError(`unknown argument: ${arg}`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let code: number;
  try {
    const connection = connectionFromEnv();
    const flags = parseArgs(process.argv.slice(2));
    const mysqlUrl = process.env['MYSQL_URL'];
    if (mysqlUrl) {
      const { createPool } = await import('mysql2/promise');
      const { mysqlActivity } = await import('./mysql-activity-source.js');
      const pool = createPool(mysqlUrl);
      try {
        code = await main({ ...connection, ...flags, activity: mysqlActivity(pool) });
      } finally {
        await pool.end();
      }
    } else {
      code = await main({ ...connection, ...flags });
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message}`);
    code = EXIT.config;
  }
  process.exitCode = code;
}
