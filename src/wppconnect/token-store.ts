/**
 * Where `WppConnectClient` keeps one bearer token per session. WPPConnect tokens never expire and every
 * token ever issued stays valid until the server's secret key changes, so caching one per
 * session is safe; a 401 makes the client issue a new one.
 *
 * Implement it over Redis or a database to share tokens between processes. Methods may be sync or async.
 *
 * @example
 * ```ts
 * const store: TokenStore = {
 *   get: (session) => redis.get(`wpp:token:${session}`).then((t) => t ?? undefined),
 *   set: (session, token) => redis.set(`wpp:token:${session}`, token).then(() => undefined),
 *   delete: (session) => redis.del(`wpp:token:${session}`).then(() => undefined),
 * };
 * ```
 */
export interface TokenStore {
  /** The cached token of a session, or undefined. */
  get(session: string): string | undefined | Promise<string | undefined>;
  /** Caches a session's token. */
  set(session: string, token: string): void | Promise<void>;
  /** Forgets a session's token (after it was rejected). */
  delete(session: string): void | Promise<void>;
}

/** The default {@link TokenStore}: a `Map` in this process. Its values never show in `util.inspect`. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, string>();

  /** @inheritDoc */
  get(session: string): string | undefined {
    return this.#tokens.get(session);
  }

  /** @inheritDoc */
  set(session: string, token: string): void {
    this.#tokens.set(session, token);
  }

  /** @inheritDoc */
  delete(session: string): void {
    this.#tokens.delete(session);
  }
}
