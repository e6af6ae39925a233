/**
 * Quickstart: list every session and print its *true* status: the gateway's claim checked against WPPConnect
 * and its liveness probe, sessions only WPPConnect knows included.
 *
 *   WPP_GATEWAY_BASE_URL=… WPP_GATEWAY_SECRET=… WPPCONNECT_BASE_URL=… WPPCONNECT_SECRET_KEY=… \
 *     npx tsx examples/quickstart.ts
 */
import { pathToFileURL } from 'node:url';
// In your project: import { type SessionInfo, WhatsAppSdkError } from 'whatsapp-gateway-sdk';
import { type SessionInfo, WhatsAppSdkError } from '../src/index.js';
import { ConfigError, type ConnectionOptions, connectionFromEnv, createManager, type Output } from './env.js';

/** Options of {@link main}. */
export interface QuickstartOptions extends ConnectionOptions {
  /** Where lines go; default `console.log`. */
  out?: Output;
}

/** One line per session: id, true status, and whatever disagrees. */
export function describeSession(info: SessionInfo): string {
  const parts = [info.id.padEnd(20), info.status.padEnd(14)];
  parts.push(`gateway=${info.gatewayStatus ?? '(not listed)'}`);
  parts.push(`wppconnect=${info.wppconnectStatus ?? '(not asked)'}`);
  if (info.alive === false) parts.push('page dead');
  if (info.isZombie) parts.push('ZOMBIE');
  if (info.inconsistent) parts.push('INCONSISTENT');
  if (info.lastActivityAt) parts.push(`last message ${info.lastActivityAt.toISOString()}`);
  return parts.join('  ');
}

/** Lists the sessions, prints them, and returns them. */
export async function main(options: QuickstartOptions): Promise<SessionInfo[]> {
  const out = options.out ?? console.log;
  const manager = createManager(options);
  const sessions = await manager.listSessions();
  if (sessions.length === 0) out('no sessions: the gateway lists none and WPPConnect has none');
  for (const info of sessions) {
    out(describeSession(info));
    // The notes say how the status was decided: "the gateway claims "connected" but the evidence says …".
    for (const note of info.notes) out(`  - ${note}`);
  }
  return sessions;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main(connectionFromEnv());
  } catch (error) {
    if (error instanceof ConfigError) console.error(`configuration: ${error.message}`);
    else if (error instanceof WhatsAppSdkError)
      console.error(`${error.name} (${error.code}): ${error.message}`);
    else throw error;
    process.exitCode = 1;
  }
}
