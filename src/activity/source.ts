/**
 * The contract every activity source fulfils: the time of each session's last *message*, for many sessions in
 * one call.
 * @module
 */

/**
 * Where the `SessionManager` reads the last activity of sessions. One call answers for every id of a listing,
 * so a database adapter can serve it with a single query.
 *
 * Implementations in this package: `ActivityTracker` (in memory, fed with webhook bodies) and
 * `SqlActivitySource` (MySQL/MariaDB or PostgreSQL, from `whatsapp-gateway-sdk/sql`).
 */
export interface ActivitySource {
  /**
   * The last activity of each id, `null` for ids with none recorded.
   * @param ids - Session ids, case-sensitive.
   * @param signal - Aborts the lookup; the promise then rejects with the signal's reason.
   */
  lastActivity(ids: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, Date | null>>;
}
