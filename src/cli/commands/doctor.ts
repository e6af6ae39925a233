/**
 * `whatsapp-gateway doctor <id> [--repair]`: the checklist of `diagnose.ts`, printed with ✓ / ✗ / – and a
 * remedy under each ✗; `--repair` applies the remedy through the manager and checks again.
 * @module
 */
import { sessionLeaseName } from '../../sessions/lease.js';
import type { SessionReport } from '../../sessions/types.js';
import type { LeaseInfo, RepairRecord, SessionStore } from '../../store/types.js';
import { activityFromOptions } from '../activity.js';
import {
  activityGroup,
  connectionGroup,
  jsonOption,
  numberOption,
  type ParsedCommand,
  webhookOption,
} from '../args.js';
import { type CommandContext, defineCommand } from '../command.js';
import { type Connection, connect, loadConfig, webhookTemplate } from '../config.js';
import { type Diagnosis, diagnose, type Repair } from '../diagnose.js';
import { ExitCode, exitCodeFor, formatActions, reportFailure } from '../exit.js';
import { mark, type Output, relativeTime } from '../output.js';
import { Progress } from '../progress.js';

const REPAIR_TEXT: Record<Repair, string> = {
  ensure:
    'starting the session on WPPConnect (as `whatsapp-gateway create` does), since the gateway never propagated it',
  reconnect: 'bringing the session back (reconnect)',
  reconnect_force: 'restarting the silent session (reconnect --force)',
};

/** Prints the checklist and its verdict line. */
export function printChecklist(out: Output, diagnosis: Diagnosis): void {
  const width = Math.max(...diagnosis.checks.map((c) => c.name.length));
  // Details and remedies wrap under themselves on a narrow terminal (the checks column stays clear).
  const print = (line: string, hang: number) => out.wrapped(line, hang);
  // The details hang under themselves when there is room, else under the check's name.
  const detailHang = width + 4 <= (out.width ?? 0) / 2 ? width + 4 : 4;
  for (const check of diagnosis.checks) {
    const detail = check.state === 'skip' ? out.style.dim(check.detail) : check.detail;
    print(`${mark(check.state, out.style)} ${check.name.padEnd(width)}  ${detail}`, detailHang);
    if (check.state === 'fail' && check.remedy) print(`    → ${check.remedy}`, 6);
  }
  out.line();
  const failed = diagnosis.checks.filter((c) => c.state === 'fail').length;
  if (failed === 0) {
    const state = diagnosis.info?.status === 'qr_required' ? ', and it waits for a QR scan' : '';
    out.wrapped(out.style.ok(`All checks passed for "${diagnosis.sessionId}"${state}.`));
  } else {
    out.wrapped(out.style.fail(`${failed} problem${failed === 1 ? '' : 's'} found.`));
  }
}

async function runRepair(
  ctx: CommandContext,
  conn: Connection,
  id: string,
  repair: Repair,
): Promise<{ report: SessionReport } | { error: unknown }> {
  const signal = ctx.io.signal ? { signal: ctx.io.signal } : {};
  try {
    if (repair === 'ensure') return { report: await conn.manager.ensureSession(id, signal) };
    return { report: await conn.manager.reconnect(id, { force: repair === 'reconnect_force', ...signal }) };
  } catch (error) {
    if (ctx.io.signal?.aborted) throw error;
    return { error };
  }
}

/** 3 unreachable, 2 a secret was rejected (a configuration error, as in every command), 1 a failed check. */
function exitFor(diagnosis: Diagnosis, conn: Connection): number {
  if (diagnosis.unreachable) return ExitCode.unreachable;
  if (conn.rejectedSecret()) return ExitCode.usage;
  return diagnosis.ok ? ExitCode.ok : ExitCode.problems;
}

/** The lease another run holds on the session, if any; a store that cannot answer shows none (a warning). */
async function leaseOf(
  store: SessionStore | undefined,
  id: string,
  out: Output,
  signal: AbortSignal | undefined,
): Promise<LeaseInfo | null> {
  if (!store) return null;
  try {
    return await store.readLease(sessionLeaseName(id), signal);
  } catch (error) {
    out.error(`warning: could not read the session's lease from the store (${(error as Error).name})`);
    return null;
  }
}

/** The session's repair history (newest first) and any lease held on it, as the store has them. */
function printMemory(
  out: Output,
  history: readonly RepairRecord[],
  lease: LeaseInfo | null,
  now: number,
): void {
  if (lease) {
    out.wrapped(
      lease.expiresAt.getTime() > now
        ? `A repair is running in another process: it holds the session's lease until ${lease.expiresAt.toISOString()}.`
        : `A lease on the session expired ${relativeTime(lease.expiresAt, now)} (its holder stopped mid-repair); the next repair takes it over.`,
    );
  }
  if (history.length === 0) return;
  out.line('Repair history (newest first):');
  for (const record of [...history].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 10)) {
    const rung = record.rung === undefined ? '' : ` rung ${record.rung}`;
    const status = record.status ? ` → ${record.status}` : '';
    out.wrapped(
      `  ${record.at.toISOString()}  ${record.kind}${rung}: ${record.outcome}${status}${record.detail ? ` (${record.detail})` : ''}`,
    );
  }
  out.line();
}

async function run({ values, positionals }: ParsedCommand, ctx: CommandContext): Promise<number> {
  const command = 'doctor';
  const id = positionals[0]!;
  const json = values['json'] === true;
  const { out, io } = ctx;
  const config = await loadConfig(command, values, io, out);
  const activity = await activityFromOptions(command, values, io, config.timeoutMs);
  const zombieHours = numberOption(command, values, 'zombie-hours', { fallback: 4, min: 0.001 });
  const conn = connect(command, config, {
    activity,
    zombieAfterMs: zombieHours * 3_600_000,
    webhookUrl: webhookTemplate(command, values, io),
    warn: (message) => out.error(`warning: ${message}`),
  });
  const check = () =>
    diagnose(conn, id, { hasActivity: activity !== undefined, now: ctx.now(), signal: io.signal });

  if (!json) {
    out.wrapped(`Checking "${id}"`);
    out.wrapped(`  gateway     ${config.gatewayUrl}`);
    out.wrapped(
      `  WPPConnect  ${config.wppconnect?.url ?? 'not given (WPPCONNECT_BASE_URL): only the gateway’s word'}`,
    );
    out.line();
  }
  const before = await check();
  const lease = await leaseOf(config.store, id, out, io.signal);
  if (!json) {
    printChecklist(out, before);
    printMemory(out, before.info?.history ?? [], lease, ctx.now());
  }

  if (!values['repair'] || before.ok || before.repair === null) {
    if (!json && !before.ok && before.repair) {
      out.wrapped(`To apply the remedy: whatsapp-gateway doctor ${id} --repair`);
    }
    if (json) out.json({ ...before, lease, repaired: null, after: null });
    return exitFor(before, conn);
  }

  const progress = new Progress(out, json ? 'off' : out.tty ? 'spinner' : 'lines', ctx.now);
  if (!json) out.line();
  progress.start(`Repairing: ${REPAIR_TEXT[before.repair]}`);
  const outcome = await runRepair(ctx, conn, id, before.repair).finally(() => progress.stop());
  if ('error' in outcome) {
    if (json) {
      out.json({ ...before, repaired: { action: before.repair, error: String(outcome.error) }, after: null });
      return exitCodeFor(outcome.error);
    }
    return reportFailure(out, outcome.error);
  }
  if (!json) {
    for (const line of formatActions(outcome.report.actions)) out.line(line);
    out.line();
    out.line('Checking again:');
  }
  const after = await check();
  if (!json) {
    printChecklist(out, after);
    if (after.info?.status === 'qr_required')
      out.wrapped(`Scan its QR code: whatsapp-gateway reconnect ${id}`);
  } else {
    out.json({ ...before, repaired: { action: before.repair, report: outcome.report }, after });
  }
  return exitFor(after, conn);
}

/** The `doctor` command. */
export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check one session link by link, with a remedy for each failure (--repair)',
  usage: '<id> [--repair] [options]',
  description: `Answers "why does this channel not work?" by checking each link in order: gateway reachable · gateway secret accepted (a proxy's 401 is told apart from a bad secret) · channel known to the gateway (and "did you mean Sales?" for case-only misses) · WPPConnect reachable · session on WPPConnect (or never propagated by the gateway) · gateway and WPPConnect agree · QR code obtainable (when one is needed) · liveness probe · last message.
Each line is ✓ (passed), ✗ (failed, with the remedy under it) or – (skipped: an earlier check failed, or it does not apply, e.g. no WPPConnect URL was given).`,
  positionals: { names: ['id'] },
  options: [
    {
      title: 'Options',
      options: {
        repair: {
          type: 'boolean',
          help: 'apply the remedy through the manager, then check again: start a session the gateway never propagated, reconnect a closed or dead one, restart a zombie (--force)',
        },
        json: {
          ...jsonOption.json,
          help: 'print the checks (and the repair and the second round) as JSON',
        },
        ...webhookOption,
      },
    },
    activityGroup,
    connectionGroup,
  ],
  footer:
    'Here, 0 means every check passed (after the repair, with --repair), 1 that something failed, 2 that a secret was rejected, 3 that the gateway could not be reached (or a proxy refused the request).',
  run,
});
