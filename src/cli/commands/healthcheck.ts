/**
 * `whatsapp-gateway healthcheck`: the cron job (the successor of
 * a PHP script, `healthcheck_whatsapp_sessions.php`, with the same flags `--dry-run` and `--silent-hours`): one line
 * per session, a summary, and an exit code that says whether all is well.
 * @module
 */
import type { HealthEntry, HealthReport, SessionStatus } from '../../sessions/types.js';
import { activityFailure, activityFromOptions } from '../activity.js';
import {
  activityGroup,
  connectionGroup,
  jsonOption,
  numberOption,
  type ParsedCommand,
  stringOption,
  webhookOption,
} from '../args.js';
import { type CommandContext, defineCommand } from '../command.js';
import { assertSecretsAccepted, connect, loadConfig, webhookTemplate } from '../config.js';
import { ExitCode, UsageError } from '../exit.js';
import { type Output, relativeTime, table } from '../output.js';

const STATUS_TEXT: Partial<Record<SessionStatus, string>> = {
  qr_required: 'waiting for a QR scan',
  pairing_code: 'waiting for the pairing code',
  starting: 'starting (WPPConnect is launching the browser)',
  disconnected: 'disconnected',
};

function verdict(entry: HealthEntry, now: number): string {
  const { info } = entry;
  if (entry.health === 'healthy') {
    const restarted = info.zombie?.restartedAt;
    if (restarted && (!info.lastActivityAt || restarted > info.lastActivityAt)) {
      return `restarted ${relativeTime(restarted, now)}, no message since (silence counts from the restart)`;
    }
    return info.lastActivityAt
      ? `last message ${relativeTime(info.lastActivityAt, now)}`
      : 'connected, no message recorded (quiet)';
  }
  if (entry.health === 'zombie') return info.zombie?.reason ?? 'connected but silent';
  if (entry.health === 'needs_person') {
    const restarts = info.history.filter((r) => r.kind === 'restart').slice(-3);
    const when = restarts.map((r) => relativeTime(r.at, now)).join(', ');
    return `needs a person: restarted ${info.zombie?.restartsWithoutMessage ?? restarts.length} times with no message since (${when}); not restarted again until a message arrives or a reconnect by hand`;
  }
  if (entry.health === 'not_listed') {
    return entry.pending
      ? 'the gateway does not list it: a repair stopped after deleting its channel (re-create pending)'
      : 'WPPConnect has it but the gateway does not list it (create it again, or log it out on WPPConnect)';
  }
  const text = STATUS_TEXT[info.status];
  const note = info.notes[0];
  if (text && note) return `${text}: ${note}`;
  return text ?? note ?? info.status;
}

function repairText(entry: HealthEntry): string {
  switch (entry.repair) {
    case 'skipped':
      return '';
    case 'dry_run':
      return `→ would run reconnect${entry.health === 'zombie' ? ' --force' : ''} (dry run)`;
    case 'repaired': {
      const report = entry.report;
      const still = report?.isZombie ? ', still silent (no message since the restart yet)' : '';
      return `→ repaired: now ${report?.status ?? 'unknown'}${still}`;
    }
    case 'failed':
      return `→ repair failed: ${entry.error?.message ?? 'unknown error'}`;
  }
}

/** A repair that left the session connected and not silent (what `report.ok` counts as fixed). */
function fixed(entry: HealthEntry): boolean {
  return entry.repair === 'repaired' && entry.report?.status === 'connected' && !entry.report.isZombie;
}

/** Prints one line per session (`ok`, `fixed` or `FAIL`, then why) and the summary line. */
export function printHealth(out: Output, report: HealthReport, now: number): void {
  const rows = report.sessions.map((entry) => {
    const mark = entry.health === 'healthy' ? 'ok' : fixed(entry) ? 'fixed' : 'FAIL';
    const extra = repairText(entry);
    return [mark, entry.id, entry.health, `${verdict(entry, now)}${extra ? ` ${extra}` : ''}`];
  });
  if (rows.length > 0) {
    // On a narrow terminal a long id and the reason give way in turns; the mark and the verdict stay whole.
    const fit = {
      width: out.width,
      shrink: [
        [3, 12],
        [1, 20],
        [3, 4],
        [1, 4],
      ] as const,
    };
    for (const line of table(['', 'SESSION', 'HEALTH', 'WHY'], rows, fit).slice(1)) out.line(line);
  }
  const c = report.counts;
  const repairs =
    report.repairs.attempted > 0
      ? ` (before repairs); repairs: ${report.repairs.repaired} done, ${report.repairs.failed} failed`
      : '';
  out.wrapped(
    `${report.ok ? 'OK' : 'NOT OK'}: ${c.total} session${c.total === 1 ? '' : 's'}, ${c.healthy} healthy, ${c.zombie} zombie, ` +
      `${c.starting} starting, ${c.disconnected} disconnected, ${c.not_propagated} not propagated, ${c.unknown} unknown` +
      `${c.not_listed ? `, ${c.not_listed} not listed by the gateway` : ''}${c.needs_person ? `, ${c.needs_person} needing a person` : ''}${repairs}.`,
  );
}

async function run({ values }: ParsedCommand, ctx: CommandContext): Promise<number> {
  const command = 'healthcheck';
  if (
    stringOption(values, 'silent-hours') !== undefined &&
    stringOption(values, 'zombie-hours') !== undefined
  ) {
    throw new UsageError('--silent-hours and --zombie-hours are the same setting: give one', command);
  }
  const hours = numberOption(
    command,
    values,
    stringOption(values, 'silent-hours') ? 'silent-hours' : 'zombie-hours',
    {
      fallback: 4,
      min: 0.001,
    },
  );
  const config = await loadConfig(command, values, ctx.io, ctx.out);
  const activity = await activityFromOptions(command, values, ctx.io, config.timeoutMs);
  const conn = connect(command, config, {
    activity,
    zombieAfterMs: hours * 3_600_000,
    webhookUrl: webhookTemplate(command, values, ctx.io),
    warn: (message) => ctx.out.error(`warning: ${message}`),
  });
  const report = await conn.manager.healthcheck({
    repair: values['repair'] === true || values['dry-run'] === true,
    dryRun: values['dry-run'] === true,
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  });
  assertSecretsAccepted(conn);
  // The manager judges without activity when its source fails; a cron must not hear "healthy" then.
  const failure = activityFailure(activity);
  if (failure) throw failure;
  if (values['json'] === true) ctx.out.json(report);
  else printHealth(ctx.out, report, ctx.now());
  if (activity === undefined && values['json'] !== true) {
    ctx.out.error(
      'note: no activity source (--activity-file / --activity-url / --activity-db): zombies cannot be spotted.',
    );
  }
  return report.ok ? ExitCode.ok : ExitCode.problems;
}

/** The `healthcheck` command. */
export const healthcheckCommand = defineCommand({
  name: 'healthcheck',
  summary: 'for cron: classify every session, exit 1 when one is unhealthy (--repair)',
  usage: '[--repair] [--dry-run] [--silent-hours <n>] [options]',
  description: `Classifies every session as healthy, zombie (connected but silent for longer than n hours), starting (WPPConnect is launching its browser), disconnected, not propagated (the gateway has it, WPPConnect does not) or unknown (the evidence could not be read, or the activity source failed: that exits 1 too). Prints one line per session and a summary; no spinner, no colours. Meant for cron, e.g. every 15 minutes:
  */15 * * * * whatsapp-gateway healthcheck --repair --activity-url https://app.example/wpp-activity`,
  options: [
    {
      title: 'Options',
      options: {
        repair: {
          type: 'boolean',
          help: 'reconnect every unhealthy session (zombies with --force); unknown ones are left alone, since repairing blind could restart a healthy session; a starting one is waited for, and restarted (once) only if it stays starting too long',
        },
        'dry-run': { type: 'boolean', help: 'say what --repair would do, without doing it' },
        'silent-hours': {
          type: 'string',
          arg: 'n',
          help: 'the zombie threshold under its older name (same as --zombie-hours)',
          number: { min: 0.001 },
        },
        json: { ...jsonOption.json, help: 'print the HealthReport as JSON' },
        ...webhookOption,
      },
    },
    activityGroup,
    connectionGroup,
  ],
  footer: 'Here, 1 means at least one session is unhealthy after the repairs, if any.',
  run,
});
