/**
 * The command's {@link ActivitySource}s: the last message time of each session, from a JSON file (e.g. exported
 * from a webhook table) and/or a URL that serves the same JSON (the simulator serves one). The format is one
 * object: `{ "<session id>": "<ISO time>" | null }`.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SqlActivityLayout } from '../activity/sql.js';
import { AbortError, ConnectionError, RedirectError, TimeoutError, WhatsAppSdkError } from '../errors.js';
import type { Body } from '../http/body.js';
import { Transport } from '../http/transport.js';
import type { ActivitySource } from '../webhooks/tracker.js';
import {
  ACTIVITY_DB_ENV,
  type ActivityDbOrigin,
  activityFromDatabase,
  type DatabaseActivity,
  parseActivityDbUrl,
} from './activity-db.js';
import { type OptionValues, stringOption } from './args.js';
import { ENV } from './config.js';
import { UsageError } from './exit.js';
import type { CliIo } from './io.js';

/** The JSON was not an object of ids to ISO times or null. The message says where, never echoes values. */
export class ActivityFormatError extends Error {
  /** @param message - What is wrong. */
  constructor(message: string) {
    super(message);
    this.name = 'ActivityFormatError';
  }
}

/**
 * Parses the activity JSON.
 * @param text - `{ "marketing": "2026-02-09T22:13:00Z", "orders": null }`.
 * @throws {@link ActivityFormatError} when it is not that shape.
 */
export function parseActivity(text: string): Map<string, Date | null> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ActivityFormatError('is not JSON');
  }
  return activityOf(data);
}

/** Reads parsed activity JSON; see {@link parseActivity}. */
function activityOf(data: unknown): Map<string, Date | null> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ActivityFormatError('must be a JSON object of session id → ISO time or null');
  }
  const map = new Map<string, Date | null>();
  for (const [id, value] of Object.entries(data)) {
    if (value === null) {
      map.set(id, null);
      continue;
    }
    const date = typeof value === 'string' ? new Date(value) : null;
    if (date === null || Number.isNaN(date.getTime())) {
      throw new ActivityFormatError(`the value for "${id}" is not an ISO date-time or null`);
    }
    map.set(id, date);
  }
  return map;
}

/** Answers every id from a fixed map (ids it does not hold map to null). */
function fromMap(map: ReadonlyMap<string, Date | null>): ActivitySource {
  return {
    async lastActivity(ids, signal) {
      signal?.throwIfAborted();
      return new Map(ids.map((id) => [id, map.get(id) ?? null]));
    },
  };
}

/**
 * An activity source over a JSON file, read once now so a bad file is a usage error before any request.
 * @throws {@link UsageError} when the file cannot be read or parsed.
 */
export async function activityFromFile(path: string, cwd: string, command: string): Promise<ActivitySource> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--activity-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      command,
    );
  }
  try {
    return fromMap(parseActivity(text));
  } catch (error) {
    throw new UsageError(`--activity-file: ${path} ${(error as Error).message}`, command);
  }
}

/**
 * Largest activity answer read, in bytes, after decompression. Thousands of sessions take well under 1 MB;
 * without a cap a 400 KB gzip answer took the command to 1.28 GB of memory.
 */
const MAX_ACTIVITY_BYTES = 4 * 1024 * 1024;

/**
 * An activity source over a URL answering `GET` with the activity JSON: one request per listing, whatever the
 * number of sessions. No credentials are sent (the URL is not the gateway's API). It is read through the SDK's
 * own transport, like the two APIs: a body over 4 MiB is cancelled, not buffered; a redirect is refused (named
 * by its origin), never followed; a timeout bounds each attempt.
 */
export function activityFromUrl(
  url: string,
  { timeoutMs, fetch }: { timeoutMs: number; fetch?: typeof globalThis.fetch },
): ActivitySource {
  const transport = new Transport({
    service: 'gateway',
    baseUrl: url,
    headers: { accept: 'application/json' },
    timeoutMs,
    retry: { limit: 1, baseDelayMs: 300 },
    maxBodyBytes: MAX_ACTIVITY_BYTES,
    ...(fetch ? { fetch } : {}),
  });
  return {
    async lastActivity(ids, signal) {
      let body: Body;
      try {
        // The URL is the whole address: the route adds nothing to it.
        ({ body } = await transport.send({ method: 'GET', route: '', call: signal ? { signal } : {} }));
      } catch (error) {
        throw activityUrlError(error);
      }
      if (body.kind === 'too-large') {
        throw new ActivityFormatError(`the activity URL answered more than ${MAX_ACTIVITY_BYTES} bytes`);
      }
      if (body.kind !== 'json')
        throw new ActivityFormatError(`the activity URL answered ${body.kind}, not JSON`);
      const map = activityOf(body.value);
      return new Map(ids.map((id) => [id, map.get(id) ?? null]));
    },
  };
}

/** A transport error, said about the activity URL (the transport's own words name the gateway). */
function activityUrlError(error: unknown): Error {
  if (error instanceof RedirectError) {
    const where = error.targetOrigin ? ` to ${error.targetOrigin}` : '';
    return new ActivityFormatError(
      `the activity URL answered HTTP ${error.status} with a redirect${where}, which is never followed: give the final URL`,
    );
  }
  if (error instanceof AbortError) return error;
  if (error instanceof TimeoutError)
    return new ActivityFormatError(`the activity URL did not answer in time`);
  if (error instanceof ConnectionError) {
    const code = (error.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
    return new ActivityFormatError(`could not reach the activity URL${code ? ` (${code})` : ''}`);
  }
  if (error instanceof WhatsAppSdkError) {
    return new ActivityFormatError(`the activity URL answered HTTP ${error.status ?? 0}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Several sources as one: for each id, the latest time any of them knows. */
export function combineActivity(sources: readonly ActivitySource[]): ActivitySource {
  return {
    async lastActivity(ids, signal) {
      const answers = await Promise.all(sources.map((source) => source.lastActivity(ids, signal)));
      return new Map(
        ids.map((id) => {
          let latest: Date | null = null;
          for (const answer of answers) {
            const date = answer.get(id) ?? null;
            if (date && (!latest || date > latest)) latest = date;
          }
          return [id, latest];
        }),
      );
    },
  };
}

const LAYOUTS: readonly SqlActivityLayout[] = ['events', 'json', 'latest'];

/**
 * The database source of `--activity-db` / `WPP_ACTIVITY_DB` (the flag wins), checked with one lookup; undefined
 * when neither is set.
 */
async function databaseFromOptions(
  command: string,
  values: OptionValues,
  io: CliIo,
  timeoutMs: number,
): Promise<DatabaseActivity | undefined> {
  const flag = stringOption(values, 'activity-db');
  const env = io.env[ACTIVITY_DB_ENV];
  const [value, origin]: [string | undefined, ActivityDbOrigin] =
    flag !== undefined ? [flag, '--activity-db'] : [env || undefined, ACTIVITY_DB_ENV];
  if (value === undefined) return undefined;
  const layout = stringOption(values, 'activity-layout') as SqlActivityLayout | undefined;
  if (layout !== undefined && !LAYOUTS.includes(layout)) {
    throw new UsageError('--activity-layout must be events, json or latest', command);
  }
  const column = (name: string) => stringOption(values, name);
  return await activityFromDatabase(
    command,
    parseActivityDbUrl(command, value, origin),
    {
      layout,
      table: column('activity-table'),
      sessionColumn: column('activity-session-column'),
      timeColumn: column('activity-time-column'),
      eventColumn: column('activity-event-column'),
      timeZone: column('activity-time-zone'),
    },
    timeoutMs,
  );
}

/**
 * The activity source the options ask for: `--activity-file`, `--activity-url` (or `WPP_ACTIVITY_URL`),
 * `--activity-db` (or `WPP_ACTIVITY_DB`), several (the latest time wins), or none (undefined: zombies cannot be
 * judged).
 * @throws {@link UsageError} for an unreadable file, a URL that is not http(s), a database URL that is not
 *   mysql:// or postgres:// or holds a password in the flag; the database source's typed errors when the
 *   database refuses the login or the query.
 */
export async function activityFromOptions(
  command: string,
  values: OptionValues,
  io: CliIo,
  timeoutMs: number,
): Promise<ActivitySource | undefined> {
  const sources: ActivitySource[] = [];
  const file = stringOption(values, 'activity-file');
  if (file !== undefined) sources.push(await activityFromFile(file, io.cwd, command));
  const url = stringOption(values, 'activity-url') ?? io.env[ENV.activityUrl];
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new UsageError('--activity-url must be an http(s) URL', command);
    }
    sources.push(activityFromUrl(url, { timeoutMs }));
  }
  const database = await databaseFromOptions(command, values, io, timeoutMs);
  if (database) sources.push(database);
  if (sources.length === 0) return undefined;
  const source = sources.length === 1 ? sources[0]! : combineActivity(sources);
  if (database) databases.set(source, database);
  return source;
}

/** The database source behind each source {@link activityFromOptions} returned, for {@link activityFailure}. */
const databases = new WeakMap<ActivitySource, DatabaseActivity>();

/**
 * Why the activity database's last lookup failed, if it did. The `SessionManager` carries on without activity
 * when its source fails (and only logs it), so a command that must not call a session healthy on evidence it
 * never got checks this after the run.
 */
export function activityFailure(source: ActivitySource | undefined): Error | undefined {
  return source === undefined ? undefined : databases.get(source)?.failure;
}
