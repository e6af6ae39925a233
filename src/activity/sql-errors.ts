/**
 * The errors of SQL activity sources, and the one function that turns a driver's error (mysql2 or pg) into
 * them. The driver's error never travels on: it may carry the statement, the connection settings or, in a
 * message, a URL with its password. What is kept is its code, its SQLSTATE and its message with every known
 * secret removed.
 * @module
 */
import { ConnectionError, type ErrorCode, WhatsAppSdkError } from '../errors.js';
import type { Redactor } from '../http/redact.js';

/** The SQL dialects a `SqlActivitySource` speaks. */
export type SqlDialect = 'mysql' | 'postgres';

/** What a SQL activity error says about the database, beyond the message. Every field is safe to log. */
export interface SqlErrorDetails {
  /** The dialect of the database. */
  dialect: SqlDialect;
  /** The driver's code: `ER_NO_SUCH_TABLE`, `ECONNREFUSED`, `PROTOCOL_CONNECTION_LOST`, or pg's SQLSTATE. */
  driverCode?: string | undefined;
  /** The SQLSTATE, when the server sent one (`42S02`, `28P01`, `57P01`…). */
  sqlState?: string | undefined;
}

/** The name of a dialect in messages. @internal */
export const DIALECT_NAMES: Readonly<Record<SqlDialect, string>> = { mysql: 'MySQL', postgres: 'PostgreSQL' };

function detailsJson(details: SqlErrorDetails): Record<string, unknown> {
  return { dialect: details.dialect, driverCode: details.driverCode, sqlState: details.sqlState };
}

/**
 * The database could not be reached, refused the login (`code: 'bad_secret'`), or dropped the connection
 * while the activity query ran (a server restart, `KILL CONNECTION`, `pg_terminate_backend`, a network cut).
 * A {@link ConnectionError}, so whatever treats an unreachable gateway also treats an unreachable database.
 */
export class SqlConnectionError extends ConnectionError {
  /** The dialect of the database. */
  readonly dialect: SqlDialect;
  /** The driver's error code, e.g. `ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR` or pg's `28P01`. */
  readonly driverCode: string | undefined;
  /** The SQLSTATE the server sent, when it sent one. */
  readonly sqlState: string | undefined;

  /** @param message - Summary, without secrets; @param options - The details, the code and a sanitized cause. */
  constructor(message: string, options: SqlErrorDetails & { code?: ErrorCode; cause?: unknown }) {
    super(message, { code: options.code ?? 'connection_failed', cause: options.cause });
    this.dialect = options.dialect;
    this.driverCode = options.driverCode;
    this.sqlState = options.sqlState;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...detailsJson(this) };
  }
}

/**
 * The database answered the activity query with an error: a table or column that does not exist, a missing
 * privilege, a payload that is not JSON in the JSON-payload layout. The fix is in the configuration or the
 * schema, not in a retry.
 */
export class SqlQueryError extends WhatsAppSdkError {
  /** The dialect of the database. */
  readonly dialect: SqlDialect;
  /** The driver's error code, e.g. `ER_NO_SUCH_TABLE` or pg's `42P01`. */
  readonly driverCode: string | undefined;
  /** The SQLSTATE the server sent, when it sent one. */
  readonly sqlState: string | undefined;

  /** @param message - Summary, without secrets; @param options - The details and a sanitized cause. */
  constructor(message: string, options: SqlErrorDetails & { cause?: unknown }) {
    super(message, { cause: options.cause }, 'api_error');
    this.dialect = options.dialect;
    this.driverCode = options.driverCode;
    this.sqlState = options.sqlState;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...detailsJson(this) };
  }
}

// mysql2: the login was refused (1045 access denied, 1044 no access to the database, 1698 no password given).
const MYSQL_LOGIN_CODES = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_NOT_SUPPORTED_AUTH_MODE',
]);
// mysql2 and pg: the socket failed or the server went away (errno names, mysql2's protocol codes, MariaDB's
// 1927 "Connection was killed", 1053 server shutdown, 1040 too many connections).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT', // a unix socket path that does not exist
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_HOST_IS_BLOCKED',
  'ER_HOST_NOT_PRIVILEGED',
]);
// pg's SQLSTATEs: 28xxx invalid authorization; 08xxx connection exception; 57P01-57P03 the server is shutting
// down, terminated the backend or cannot accept connections yet; 53300 too many connections; 3D000 no such
// database (a connection setting, not the query's fault).
const PG_LOGIN_STATES = /^28/;
const PG_CONNECTION_STATES = /^(?:08|57P0[1-3]$|53300$|3D000$)/;
// pg reports a dropped socket with plain Errors and these messages (pg/lib/client.js).
const PG_CONNECTION_MESSAGES =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed|Connection ended/i;

function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The longest driver message kept in an error (the rest is noise, and may echo data). */
const MAX_MESSAGE = 300;

/**
 * Turns whatever a driver threw into a {@link SqlConnectionError} or {@link SqlQueryError}, with every secret
 * the redactor knows, and the password part of any URL, removed from the message. SDK errors pass through.
 * @internal
 */
export function toSqlError(error: unknown, dialect: SqlDialect, redactor: Redactor): WhatsAppSdkError {
  if (error instanceof WhatsAppSdkError) return error;
  const raw = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const driverCode = asText(raw['code']);
  const sqlState = asText(raw['sqlState']) ?? (dialect === 'postgres' ? driverCode : undefined);
  const rawMessage = asText(raw['sqlMessage']) ?? asText(raw['message']) ?? String(error);
  const text = redactor
    .text(rawMessage)
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1[REDACTED]@')
    .slice(0, MAX_MESSAGE);
  const cause = new Error(text);
  cause.name = driverCode ?? 'DatabaseError';
  const details = { dialect, driverCode, sqlState, cause };
  const name = DIALECT_NAMES[dialect];
  const tag = driverCode ? ` [${driverCode}]` : '';

  const login =
    dialect === 'mysql'
      ? driverCode !== undefined && MYSQL_LOGIN_CODES.has(driverCode)
      : sqlState !== undefined && PG_LOGIN_STATES.test(sqlState);
  if (login) {
    return new SqlConnectionError(`${name} refused the login${tag}: ${text}`, {
      ...details,
      code: 'bad_secret',
    });
  }
  const connection =
    raw['fatal'] === true ||
    (driverCode !== undefined && CONNECTION_CODES.has(driverCode)) ||
    (dialect === 'postgres' &&
      ((sqlState !== undefined && PG_CONNECTION_STATES.test(sqlState)) || PG_CONNECTION_MESSAGES.test(text)));
  if (connection) {
    return new SqlConnectionError(`${name} connection failed or was lost${tag}: ${text}`, details);
  }
  return new SqlQueryError(`${name} rejected the activity query${tag}: ${text}`, details);
}
