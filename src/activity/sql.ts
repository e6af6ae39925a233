/**
 * `SqlActivitySource`: the last message time of every session of a listing, read with one query from the
 * MySQL/MariaDB or PostgreSQL database your application already keeps webhooks in.
 * @module
 */
import { AbortError, InvalidArgumentError, TimeoutError, type WhatsAppSdkError } from '../errors.js';
import { Redactor } from '../http/redact.js';
import type { ActivitySource } from './source.js';
import {
  type MysqlClientLike,
  type PostgresClientLike,
  passwordsOf,
  runnerFor,
  type SqlQueryFunction,
  type SqlRunner,
} from './sql-driver.js';
import { DIALECT_NAMES, type SqlDialect, toSqlError } from './sql-errors.js';
import { type Identifier, identifier } from './sql-identifiers.js';
import { ACTIVITY_TABLE, WEBHOOK_LOG_TABLE } from './sql-schema.js';
import {
  lastActivityStatement,
  MYSQL_IDS_PER_STATEMENT,
  recordStatement,
  type SessionLocation,
  type Statement,
  type TableLayout,
} from './sql-statements.js';
import { toNumber, type WallClock, wallClock, wallToEpoch } from './sql-time.js';

/**
 * The event types that prove a session sends or receives messages: the gateway's envelope events and
 * WPPConnect's own. Presence (`connection.update`, `onpresencechanged`) and acks (`message.ack`, `onack`) are
 * left out on purpose: a session that had stopped delivering messages kept emitting them for days.
 */
export const MESSAGE_EVENT_TYPES: readonly string[] = Object.freeze([
  'message',
  'onmessage',
  'onselfmessage',
  'message.sent',
  'message.received',
]);

/** Where the JSON-payload layout looks for the session id, first match wins. */
export const SESSION_JSON_PATHS: readonly string[] = Object.freeze(['$.session.id', '$.session']);

/**
 * How the table keeps activity:
 * - `events` (default): one row per webhook, the session id in its own column (`sessionColumn`), an event type
 *   column. Fast with the `(session, event, time)` index.
 * - `json`: one row per webhook with the session id only inside the JSON payload (`payloadColumn`). Correct,
 *   but every lookup reads every message row: a documented migration turns it into `events`.
 * - `latest`: one row per session with its last message time, as written by {@link SqlActivitySource.record}.
 */
export type SqlActivityLayout = 'events' | 'json' | 'latest';

/** Options of {@link SqlActivitySource}. */
export interface SqlActivitySourceOptions {
  /** `mysql` for MySQL 8 and MariaDB 10.6+, `postgres` for PostgreSQL 13+. */
  dialect: SqlDialect;
  /**
   * Your client: for `mysql` a mysql2 `Pool` or `Connection` (`mysql2` or `mysql2/promise`); for `postgres` a
   * pg `Pool` or `Client`. The source never ends it. Give this or {@link SqlActivitySourceOptions.query}.
   */
  client?: MysqlClientLike | PostgresClientLike;
  /** Your own statement runner instead of a client; see {@link SqlQueryFunction}. */
  query?: SqlQueryFunction;
  /** How the table keeps activity. Default `events`. */
  layout?: SqlActivityLayout;
  /**
   * The table, optionally `schema.table`: letters, digits and `_`. Default `webhook_raw_logs`, or
   * `whatsapp_session_activity` for the `latest` layout. Names are quoted, so they match exactly (in
   * PostgreSQL, a table created without quotes has a lower-case name).
   */
  table?: string;
  /** The column holding the session id (`events`, `latest`). Default `session_id`. */
  sessionColumn?: string;
  /** The column holding the JSON body (`json` layout). Default `payload_json`. */
  payloadColumn?: string;
  /**
   * Where the session id is inside the JSON body (`json` layout), as `$.key.key` paths; the first that is
   * present wins. Default {@link SESSION_JSON_PATHS}.
   */
  sessionJsonPaths?: readonly string[];
  /**
   * The time column: when the row was received (`events`, `json`; default `created_at`) or the last message
   * time (`latest`; default `last_message_at`).
   */
  timeColumn?: string;
  /** The event type column (`events`, `json`). Default `event_type`. `null`: every row is a message. */
  eventColumn?: string | null;
  /** The event types that count as a message. Default {@link MESSAGE_EVENT_TYPES}. */
  messageEvents?: readonly string[];
  /**
   * The zone in which a zone-less time column (`DATETIME`, `timestamp`) was written: `UTC`, an offset such as
   * `-03:00`, or an IANA name such as `America/Sao_Paulo`. Default: the database session's zone, the one
   * `NOW()` and `CURRENT_TIMESTAMP` write in. Leave it unset for `TIMESTAMP` (MySQL) and `timestamptz`
   * columns: they hold instants already.
   */
  timeZone?: string;
  /** Give up on a lookup or a write after this long, with a `TimeoutError`. Default 30,000 ms. */
  timeoutMs?: number;
  /** The clock used to cap future times. Default `Date`. */
  clock?: {
    /** Milliseconds since the epoch. */
    now(): number;
  };
}

const DEFAULT_TIMEOUT_MS = 30_000;
const JSON_PATH = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*){1,8}$/;
const LAYOUTS: readonly SqlActivityLayout[] = ['events', 'json', 'latest'];

function checkEvents(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError('options.messageEvents', 'must be a non-empty array of event type names');
  }
  for (const event of value) {
    if (typeof event !== 'string' || event === '' || event.length > 200) {
      throw new InvalidArgumentError(
        'options.messageEvents',
        'must hold non-empty strings of at most 200 characters',
      );
    }
  }
  return [...new Set(value as string[])];
}

function checkJsonPaths(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 8) {
    throw new InvalidArgumentError(
      'options.sessionJsonPaths',
      'must be an array of 1 to 8 paths such as $.session.id',
    );
  }
  for (const path of value) {
    if (typeof path !== 'string' || !JSON_PATH.test(path)) {
      throw new InvalidArgumentError(
        'options.sessionJsonPaths',
        'must hold paths such as $.session.id (object keys of letters, digits and _)',
      );
    }
  }
  return value as string[];
}

function checkTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2_147_483_647) {
    throw new InvalidArgumentError('options.timeoutMs', 'must be a positive number of milliseconds');
  }
  return value;
}

/** Checks every option and builds the table layout. */
function layoutOf(options: SqlActivitySourceOptions): TableLayout & { layout: SqlActivityLayout } {
  const dialect = options.dialect;
  if (dialect !== 'mysql' && dialect !== 'postgres') {
    throw new InvalidArgumentError('options.dialect', "must be 'mysql' or 'postgres'");
  }
  const layout = options.layout ?? 'events';
  if (!LAYOUTS.includes(layout)) {
    throw new InvalidArgumentError('options.layout', "must be 'events', 'json' or 'latest'");
  }
  const table = identifier(
    options.table ?? (layout === 'latest' ? ACTIVITY_TABLE : WEBHOOK_LOG_TABLE),
    'options.table',
    true,
  );
  const time = identifier(
    options.timeColumn ?? (layout === 'latest' ? 'last_message_at' : 'created_at'),
    'options.timeColumn',
  );
  const session: SessionLocation =
    layout === 'json'
      ? {
          kind: 'json',
          column: identifier(options.payloadColumn ?? 'payload_json', 'options.payloadColumn'),
          paths: checkJsonPaths(options.sessionJsonPaths ?? SESSION_JSON_PATHS),
        }
      : {
          kind: 'column',
          column: identifier(options.sessionColumn ?? 'session_id', 'options.sessionColumn'),
        };
  let event: Identifier | null = null;
  if (layout !== 'latest' && options.eventColumn !== null) {
    event = identifier(options.eventColumn ?? 'event_type', 'options.eventColumn');
  }
  const events = event ? checkEvents(options.messageEvents ?? MESSAGE_EVENT_TYPES) : [];
  return { dialect, layout, table, time, session, event, events };
}

// A lone UTF-16 surrogate cannot be stored as UTF-8: the driver would write U+FFFD, another id.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The distinct ids worth asking the database about. An id no row can hold (a lone surrogate; a NUL character,
 * which PostgreSQL text refuses) maps to null without being sent: sending it would only make the whole
 * statement fail for the other ids.
 */
function idsToAsk(ids: unknown, dialect: SqlDialect): string[] {
  if (!Array.isArray(ids)) throw new InvalidArgumentError('ids', 'must be an array of session ids');
  for (const id of ids) {
    if (typeof id !== 'string') throw new InvalidArgumentError('ids', 'must hold only strings');
  }
  return [...new Set(ids as string[])].filter(
    (id) => id !== '' && !LONE_SURROGATE.test(id) && !(dialect === 'postgres' && id.includes('\u0000')),
  );
}

/**
 * Reads the last message time of sessions from a MySQL/MariaDB or PostgreSQL table: an {@link ActivitySource}
 * for the `SessionManager` and the `healthcheck` command. One statement answers a whole listing; ids, event
 * types and paths are bound parameters (an id holding `'`, `%` or `_` is data, never SQL or a pattern); names
 * are checked and quoted; times come back as UTC `Date`s whatever the server's zone, and a time in the future
 * is capped at now.
 *
 * Failures are typed: `SqlConnectionError` (refused, login refused, dropped mid-query), `SqlQueryError` (the
 * query itself was rejected), `TimeoutError`; none of them carries the password or the driver's error object.
 * An abort rejects with the signal's reason at once; the statement may still finish on the server.
 *
 * @example
 * ```ts
 * import { createPool } from 'mysql2/promise';
 * import { SqlActivitySource } from 'whatsapp-gateway-sdk/sql';
 *
 * const activity = new SqlActivitySource({ dialect: 'mysql', client: createPool(process.env.DATABASE_URL!) });
 * const manager = new SessionManager({ gateway, wppconnect, activity });
 * ```
 */
export class SqlActivitySource implements ActivitySource {
  /** The dialect this source speaks. */
  readonly dialect: SqlDialect;
  /** The layout of its table. */
  readonly layout: SqlActivityLayout;
  readonly #table: TableLayout;
  readonly #run: SqlRunner;
  readonly #redactor: Redactor;
  readonly #clock: WallClock;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  /**
   * @param options - The dialect, the client (or a query function), and the table's layout.
   * @throws `InvalidArgumentError` for a bad option, before any statement runs.
   */
  constructor(options: SqlActivitySourceOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', 'must be an object with at least a dialect and a client');
    }
    const table = layoutOf(options);
    this.dialect = table.dialect;
    this.layout = table.layout;
    this.#table = table;
    this.#run = runnerFor(table.dialect, options.client, options.query);
    const client = options.client;
    this.#redactor = new Redactor(() => passwordsOf(client));
    this.#clock = wallClock(options.timeZone, 'options.timeZone');
    this.#timeoutMs = checkTimeout(options.timeoutMs);
    const clock = options.clock ?? Date;
    this.#now = () => clock.now();
  }

  /**
   * The last message time of each id, with one statement for all of them (MySQL: one per 8,192 ids).
   * @param ids - Session ids, case-sensitive, matched exactly: any string is data.
   * @param signal - Aborts the lookup; the promise then rejects with the signal's reason.
   * @returns A map with every id asked for: a UTC `Date` (never later than now), or `null` when the table has
   *   no message row for it.
   * @throws `SqlConnectionError`, `SqlQueryError` or `TimeoutError`; the signal's reason on abort.
   */
  async lastActivity(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, Date | null>> {
    signal?.throwIfAborted();
    const unique = idsToAsk(ids, this.dialect);
    const latest = new Map<string, number>();
    const chunk = this.dialect === 'mysql' ? MYSQL_IDS_PER_STATEMENT : Number.POSITIVE_INFINITY;
    const wanted = new Set(unique);
    const now = this.#now();
    for (let start = 0; start < unique.length; start += chunk) {
      const part = unique.slice(start, start + chunk);
      const rows = await this.#execute(lastActivityStatement(this.#table, part), signal);
      for (const row of rows) {
        const id = sessionIdOf(row['session_id']);
        // Exact, case-sensitive match: a column with a case-insensitive collation may answer for `FrontDesk`
        // with the rows of `frontdesk`.
        if (id === undefined || !wanted.has(id)) continue;
        const at = this.#epochOf(row, now);
        if (at !== null && at > (latest.get(id) ?? Number.NEGATIVE_INFINITY)) latest.set(id, at);
      }
    }
    return new Map(ids.map((id) => [id, latest.has(id) ? new Date(latest.get(id)!) : null]));
  }

  /**
   * Records a message of `sessionId` at `at` in the compact table (`latest` layout only), keeping the later
   * of the stored time and `at`: one upsert, safe to call from many processes at once and in any order. A
   * time in the future is stored as now. Create the table with `activityTableSql`.
   *
   * @example
   * ```ts
   * const activity = new SqlActivitySource({ dialect: 'postgres', client: pool, layout: 'latest' });
   * app.post('/hooks/wpp/:session', express.json(), async (req, res) => {
   *   const event = parseWebhook(req.body, { sessionId: req.params.session });
   *   if (event.isMessage && event.sessionId) await activity.record(event.sessionId, event.at ?? undefined);
   *   res.sendStatus(200);
   * });
   * ```
   * @param sessionId - 1 to 100 characters.
   * @param at - When the message happened. Default: now.
   * @param signal - Aborts the write (the statement may still complete on the server).
   * @throws `InvalidArgumentError` for a bad id or time, or on another layout; else as
   *   {@link SqlActivitySource.lastActivity}.
   */
  async record(sessionId: string, at?: Date, signal?: AbortSignal): Promise<void> {
    if (this.layout !== 'latest' || this.#table.session.kind !== 'column') {
      throw new InvalidArgumentError(
        'options.layout',
        "record() writes the compact table: build the source with layout: 'latest'",
      );
    }
    if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > 100) {
      throw new InvalidArgumentError('sessionId', 'must be a string of 1 to 100 characters');
    }
    if (LONE_SURROGATE.test(sessionId)) {
      throw new InvalidArgumentError('sessionId', 'must be valid Unicode (it holds a lone surrogate)');
    }
    const now = this.#now();
    let time = now;
    if (at !== undefined) {
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
        throw new InvalidArgumentError('at', 'must be a valid Date');
      }
      if (at.getTime() <= 0) throw new InvalidArgumentError('at', 'must be after 1970-01-01');
      time = Math.min(at.getTime(), now);
    }
    signal?.throwIfAborted();
    const { table, time: column } = this.#table;
    await this.#execute(
      recordStatement(this.dialect, table, this.#table.session.column, column, sessionId, time),
      signal,
    );
  }

  /** The instant of a row, capped at `now`; null when the row has no usable time. */
  #epochOf(row: Record<string, unknown>, now: number): number | null {
    const unix = toNumber(row['unix_s']);
    const wall = toNumber(row['wall_s']);
    let at: number;
    if (this.#clock.kind !== 'server') {
      at = Number.isNaN(wall) ? Number.NaN : wallToEpoch(wall * 1000, this.#clock);
    } else if (Number.isNaN(unix) || unix === 0) {
      // MariaDB's UNIX_TIMESTAMP answers NULL past 2038 (and 0 before 1970): a far-future time is still a
      // future time, capped at now below; anything else has no usable instant.
      at = wall * 1000 > now ? now : Number.NaN;
    } else {
      at = unix * 1000;
    }
    if (Number.isNaN(at) || at <= 0) return null;
    return Math.round(Math.min(at, now));
  }

  /** Runs a statement within the timeout and the caller's signal, mapping every failure to a typed error. */
  async #execute(statement: Statement, signal: AbortSignal | undefined): Promise<Record<string, unknown>[]> {
    const running = this.#run(statement.sql, statement.params);
    // When the race below is lost, the driver's promise still settles later: never leave it unhandled.
    running.catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError(
              `${DIALECT_NAMES[this.dialect]} did not answer the activity query within ${this.#timeoutMs} ms`,
              { timeoutMs: this.#timeoutMs },
            ),
          ),
        this.#timeoutMs,
      );
      if (signal) {
        onAbort = () => reject(signal.reason ?? new AbortError());
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    try {
      return await Promise.race([running, stop]);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? new AbortError();
      throw this.#typed(error);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  #typed(error: unknown): WhatsAppSdkError {
    return toSqlError(error, this.dialect, this.#redactor);
  }

  /** A short description that names no secret: dialect and layout. */
  toString(): string {
    return `SqlActivitySource(${this.dialect}, ${this.layout})`;
  }

  /** What `JSON.stringify` shows: dialect and layout, never the client. */
  toJSON(): Record<string, unknown> {
    return { dialect: this.dialect, layout: this.layout };
  }
}

/** A session id from a row: a string, or the bytes of a binary column. */
function sessionIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}
