/**
 * The runs the fleet benchmark compares, each returning what it cost: an SDK listing (or healthcheck), the
 * sequential loop (the gateway's list today), and a bare `fetch` pool making the SDK's calls without the SDK.
 * @module
 */
import type { SessionManagerOptions } from '../../src/index.js';
import type { ChildRig } from './child-servers.js';
import { warmTokens } from './rig.js';
import { sdk } from './sdk.js';
import { CountingActivity, FLEET_MIX } from './servers.js';
import { timed } from './stats.js';

/** One listing, with what it cost on the wire. */
export interface Listing {
  ms: number;
  /** CPU time of the measuring process (the SDK's; the fakes run in a child process) during the listing. */
  cpuMs: number;
  sessions: number;
  wppCalls: number;
  gatewayCalls: number;
  activityCalls: number;
  byRoute: Record<string, number>;
}

/** What a run may change from the defaults. */
export interface RunOptions {
  /** Tokens already in the client's store (steady state), or the first listing of a new client. */
  warm: boolean;
  /** `listSessions()` (default) or `healthcheck()`, which lists and classifies. */
  op?: 'list' | 'healthcheck';
  manager?: Partial<
    Pick<SessionManagerOptions, 'concurrency' | 'adaptiveConcurrency' | 'probeConnected' | 'recentMessageMs'>
  >;
}

export async function listOnce(rig: ChildRig, ids: readonly string[], options: RunOptions): Promise<Listing> {
  const { gateway, wppconnect } = rig.clients(options.warm ? warmTokens(rig, ids) : undefined);
  const activity = new CountingActivity();
  const manager = new sdk.SessionManager({ gateway, wppconnect, activity, ...options.manager });
  await rig.clearCalls();
  const cpuBefore = process.cpuUsage();
  const { value, ms } = await timed(async () =>
    options.op === 'healthcheck'
      ? (await manager.healthcheck()).sessions.map((entry) => entry.info)
      : manager.listSessions(),
  );
  const cpu = process.cpuUsage(cpuBefore);
  if (value.length !== ids.length) throw new Error(`listed ${value.length} sessions, expected ${ids.length}`);
  const bad = value.find((info) => info.status !== 'connected' || info.isZombie);
  if (bad) throw new Error(`session ${bad.id} reads ${bad.status}, expected connected`);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sessions: ids.length,
    activityCalls: activity.calls,
    ...(await rig.counts()),
  };
}

/** One status query per session, each awaited before the next: the gateway's list today. */
export async function sequentialOnce(rig: ChildRig, ids: readonly string[]): Promise<number> {
  const { wppconnect } = rig.clients(warmTokens(rig, ids));
  await rig.clearCalls();
  const { ms } = await timed(async () => {
    for (const id of ids) await wppconnect.getStatus(id);
  });
  if ((await rig.counts()).wppCalls !== ids.length) throw new Error('the sequential loop made extra calls');
  return ms;
}

/**
 * The floor on this machine: the same WPPConnect calls as a default listing (status for every session, the
 * probe for those without a recent message, `concurrency` sessions at a time) made with bare `fetch` +
 * `JSON.parse`, no SDK. What it loses against the ideal is the fakes', the timers' and the machine's, not
 * the SDK's.
 */
export async function barePoolOnce(
  rig: ChildRig,
  ids: readonly string[],
  concurrency: number,
): Promise<Listing> {
  const tokens = new Map(ids.map((id) => [id, rig.issueToken(id)]));
  const get = async (id: string, action: string) => {
    const response = await fetch(`${rig.wppconnectUrl}/api/${id}/${action}`, {
      headers: { authorization: `Bearer ${tokens.get(id)}`, accept: 'application/json' },
    });
    return JSON.parse(await response.text()) as unknown;
  };
  await rig.clearCalls();
  const cpuBefore = process.cpuUsage();
  const { ms } = await timed(async () => {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const index = next++;
        const id = ids[index]!;
        await get(id, 'status-session');
        if (!CountingActivity.isRecent(index, FLEET_MIX.recentShare))
          await get(id, 'check-connection-session');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sessions: ids.length,
    activityCalls: 0,
    ...(await rig.counts()),
    gatewayCalls: 0,
  };
}
