/**
 * `whatsapp-gateway sessions`: every session with its true status, both claims, last activity and verdicts.
 * @module
 */
import type { SessionInfo, SessionStatus } from '../../sessions/types.js';
import { activityFromOptions } from '../activity.js';
import { activityGroup, connectionGroup, numberOption, type ParsedCommand } from '../args.js';
import { type CommandContext, defineCommand } from '../command.js';
import { assertSecretsAccepted, connect, loadConfig } from '../config.js';
import { ExitCode } from '../exit.js';
import { type Cell, type Output, relativeTime, type Styles, table } from '../output.js';

/** The colour of a true status: green when usable, yellow when it waits for someone, red when broken. */
export function statusStyle(
  status: SessionStatus,
  isZombie: boolean,
  style: Styles,
): (text: string) => string {
  if (status === 'connected') return isZombie ? style.warn : style.ok;
  if (status === 'qr_required' || status === 'pairing_code' || status === 'starting') return style.warn;
  return style.fail;
}

/** What WPPConnect said, for a table cell. */
function wppCell(info: SessionInfo, verified: boolean): string {
  if (!verified) return '–';
  if (info.wppconnectStatus === null) return 'unreadable';
  return info.alive === false ? `${info.wppconnectStatus} (dead page)` : info.wppconnectStatus;
}

/** The columns of the sessions table (short enough for 80 columns with ids up to 16 characters). */
const SESSIONS_HEADERS = ['SESSION', 'STATUS', 'GATEWAY', 'WPPCONNECT', 'LAST MESSAGE', 'FLAGS'];

/** The verdicts of a session: `zombie`, `inconsistent`, both, or `–`. */
function flagsCell(info: SessionInfo, style: Styles): Cell {
  const flags = [
    ...(info.isZombie ? [{ text: 'zombie', show: style.warn('zombie') }] : []),
    ...(info.inconsistent ? [{ text: 'inconsistent', show: style.fail('inconsistent') }] : []),
  ];
  if (flags.length === 0) return '–';
  return { text: flags.map((f) => f.text).join(','), show: flags.map((f) => f.show).join(',') };
}

/**
 * Prints the sessions table, the notes that explain its verdicts, and a one-line summary.
 * @param hasActivity - Whether an activity source was given (otherwise last activity is unknown, not "none").
 */
export function printSessions(
  out: Output,
  infos: readonly SessionInfo[],
  { now, hasActivity, verified }: { now: number; hasActivity: boolean; verified: boolean },
): void {
  if (infos.length === 0) {
    out.wrapped('The gateway lists no sessions (and WPPConnect has none it does not list).');
    return;
  }
  const style = out.style;
  const rows = infos.map((info): Cell[] => [
    info.id,
    { text: info.status, show: statusStyle(info.status, info.isZombie, style)(info.status) },
    info.gatewayStatus ?? '(not listed)',
    wppCell(info, verified),
    hasActivity ? relativeTime(info.lastActivityAt, now) : '–',
    flagsCell(info, style),
  ]);
  // On a narrow terminal a very long id is cut to 20 first, then the flags, the time and the claims give way
  // a little, then everything; the true status and the id keep the most: they are what the reader acts on.
  const shrink = [
    [0, 20],
    [2, 4],
    [3, 4],
    [5, 4],
    [4, 4],
    [1, 4],
    [0, 4],
  ] as const;
  for (const line of table(SESSIONS_HEADERS, rows, { width: out.width, shrink })) {
    out.line(line);
  }
  const notes: string[] = [];
  for (const info of infos) {
    if (info.isZombie && info.zombie) notes.push(`${info.id}: ${info.zombie.reason}`);
    if (info.inconsistent || info.status === 'not_propagated' || info.status === 'unknown') {
      for (const note of info.notes) notes.push(`${info.id}: ${note}`);
    }
  }
  if (notes.length > 0) {
    out.line();
    for (const note of notes) out.wrapped(`  ${note}`, 4);
  }
  out.line();
  out.wrapped(summary(infos));
  if (!verified) {
    out.wrapped(
      style.warn('WPPConnect was not asked (no WPPCONNECT_BASE_URL): the statuses are the gateway’s word.'),
    );
  }
  if (!hasActivity) {
    out.wrapped(
      style.dim('No activity source: pass --activity-file, --activity-url or --activity-db to spot zombies.'),
    );
  }
}

function summary(infos: readonly SessionInfo[]): string {
  const count = (predicate: (info: SessionInfo) => boolean) => infos.filter(predicate).length;
  const connected = count((i) => i.status === 'connected');
  const parts = [`${connected} connected`];
  const zombies = count((i) => i.isZombie);
  if (zombies > 0) parts[0] += ` (${zombies} zombie${zombies === 1 ? '' : 's'})`;
  const byStatus = new Map<string, number>();
  for (const info of infos) {
    if (info.status !== 'connected') byStatus.set(info.status, (byStatus.get(info.status) ?? 0) + 1);
  }
  for (const [status, n] of byStatus) parts.push(`${n} ${status.replace('_', ' ')}`);
  const inconsistent = count((i) => i.inconsistent);
  if (inconsistent > 0) parts.push(`${inconsistent} inconsistent`);
  return `${infos.length} session${infos.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

async function run({ values }: ParsedCommand, ctx: CommandContext): Promise<number> {
  const config = await loadConfig('sessions', values, ctx.io, ctx.out);
  const activity = await activityFromOptions('sessions', values, ctx.io, config.timeoutMs);
  const zombieHours = numberOption('sessions', values, 'zombie-hours', { fallback: 4, min: 0.001 });
  const conn = connect('sessions', config, {
    activity,
    zombieAfterMs: zombieHours * 3_600_000,
    warn: (message) => ctx.out.error(`warning: ${message}`),
  });
  const infos = await conn.manager.listSessions(ctx.io.signal ? { signal: ctx.io.signal } : {});
  assertSecretsAccepted(conn);
  if (values['json'] === true) ctx.out.json(infos);
  else {
    printSessions(ctx.out, infos, {
      now: ctx.now(),
      hasActivity: activity !== undefined,
      verified: config.wppconnect !== null,
    });
  }
  return ExitCode.ok;
}

/** The `sessions` command. */
export const sessionsCommand = defineCommand({
  name: 'sessions',
  summary: 'every session: true status, both claims, last message, zombie, inconsistent',
  usage: '[options]',
  description: `Lists every session the gateway knows, plus those only WPPConnect has, with:
  STATUS        the true status: WPPConnect's word (and a liveness probe) over the gateway's claim
  GATEWAY       what the gateway claims ("(not listed)": only WPPConnect has the session)
  WPPCONNECT    what WPPConnect says ("dead page" when its browser no longer answers)
  LAST MESSAGE  from --activity-file / --activity-url / --activity-db ("none": nothing recorded)
  FLAGS         zombie (connected, but no message for longer than --zombie-hours) and inconsistent (the gateway's claim and the evidence disagree)
On a narrow terminal long cells are cut with "…"; --json has every value in full.`,
  options: [
    {
      title: 'Options',
      options: {
        json: { type: 'boolean', help: 'print the sessions as JSON (an array of SessionInfo)' },
      },
    },
    activityGroup,
    connectionGroup,
  ],
  footer: 'Listing is not judging: use healthcheck for an exit code that reflects health.',
  run,
});
