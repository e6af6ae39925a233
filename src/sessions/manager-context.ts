/**
 * How the subpaths built on a `SessionManager` (the `watch` subpath) reach its internal context without the
 * manager importing them: the manager stores its context under a registered symbol, as a non-enumerable
 * property. `Symbol.for` gives the same key to every copy of the SDK (the ESM and the CommonJS build loaded
 * side by side, or the core and a subpath in separate chunks), so a manager from one copy works with a
 * function from another.
 * @module
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import type { SessionContext } from './context.js';

/** @internal */
export const CONTEXT_KEY: unique symbol = Symbol.for('whatsapp-gateway-sdk.SessionManager.context') as never;

/** Stores `ctx` on `manager`: not enumerable, not writable, so no spread, `JSON.stringify` or log shows it. */
export function attachContext(manager: object, ctx: SessionContext): void {
  Object.defineProperty(manager, CONTEXT_KEY, { value: ctx });
}

/**
 * The context of `manager`.
 * @throws {@link InvalidArgumentError} naming `argument` when it is not a `SessionManager`.
 */
export function contextOf(manager: unknown, argument = 'manager'): SessionContext {
  const ctx =
    typeof manager === 'object' && manager !== null
      ? (manager as { [CONTEXT_KEY]?: SessionContext })[CONTEXT_KEY]
      : undefined;
  if (!ctx) throw new InvalidArgumentError(argument, 'must be a SessionManager');
  return ctx;
}
