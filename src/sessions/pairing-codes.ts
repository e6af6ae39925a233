/**
 * The pairing codes of phone-number logins: the one a start answer or a `phoneCode` webhook gave last for each
 * session, and the waits for the next one. It lives in the core (a `createSession` with a phone reads it)
 * while the live following that also announces the codes sits on the `watch` subpath and listens here.
 * @module
 * @internal
 */
import type { Clock } from './types.js';

/** Pairing codes remembered for sessions nobody watches yet (a start's caller reads them a moment later). */
const KNOWN_CODES = 256;

/** Where a code was seen: a start's answer (`poll`) or a webhook. */
export type CodeSource = 'poll' | 'webhook';

/** @internal */
export class PairingCodes {
  readonly #clock: Clock;
  readonly #codes = new Map<string, { code: string; phone?: string }>();
  readonly #waiters = new Map<string, Set<(code: string) => void>>();
  /** Told of every code noted (the live watches announce it); set by the `watch` subpath when it starts. */
  listener: ((id: string, code: string, phone: string | undefined, source: CodeSource) => void) | undefined;

  /** @param hasFeed - Whether webhooks reach the manager (else a code can only come from a start's answer). */
  constructor(
    clock: Clock,
    readonly hasFeed: boolean,
  ) {
    this.#clock = clock;
  }

  /** The last pairing code a start answer or a webhook gave for `id`, if any. */
  get(id: string): { code: string; phone?: string } | undefined {
    return this.#codes.get(id);
  }

  /** Forgets the pairing code of `id` (a new start makes a new one). */
  forget(id: string): void {
    this.#codes.delete(id);
  }

  /** Records a pairing code (from a start answer or a webhook) and tells whoever waits or watches. */
  note(id: string, code: string, phone: string | undefined, source: CodeSource): void {
    this.#codes.delete(id);
    this.#codes.set(id, phone === undefined ? { code } : { code, phone });
    if (this.#codes.size > KNOWN_CODES) this.#codes.delete(this.#codes.keys().next().value as string);
    for (const resolve of this.#waiters.get(id) ?? []) resolve(code);
    this.#waiters.delete(id);
    this.listener?.(id, code, phone, source);
  }

  /** Resolves with the next pairing code of `id`, or null after `ms` (the manager's clock) or an abort. */
  async next(id: string, ms: number, signal: AbortSignal | undefined): Promise<string | null> {
    const timer = new AbortController();
    const stop = () => timer.abort();
    signal?.addEventListener('abort', stop, { once: true });
    let waiter: ((code: string) => void) | undefined;
    const code = new Promise<string>((resolve) => {
      waiter = resolve;
      const set = this.#waiters.get(id) ?? new Set();
      set.add(resolve);
      this.#waiters.set(id, set);
    });
    try {
      return await Promise.race([
        code,
        this.#clock.sleep(ms, timer.signal).then(
          () => null,
          () => null,
        ),
      ]);
    } finally {
      timer.abort();
      signal?.removeEventListener('abort', stop);
      if (waiter) this.#waiters.get(id)?.delete(waiter);
      if (this.#waiters.get(id)?.size === 0) this.#waiters.delete(id);
    }
  }
}
