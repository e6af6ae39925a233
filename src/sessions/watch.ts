/**
 * `watchSession`, `waitForConnection` and `sessionEvents`: following sessions live, the
 * `whatsapp-gateway-sdk/watch` subpath. The polling itself is in `WatchHub`, which a manager gets on its first
 * watch; this module checks the arguments and turns updates into the one-line forms.
 * @module
 */
import { AbortError, InvalidArgumentError, PropagationError, QrTimeoutError } from '../errors.js';
import { assertSessionId } from '../ids.js';
import type { SessionContext } from './context.js';
import type { SessionManager } from './manager.js';
import { contextOf } from './manager-context.js';
import type { SessionEvent } from './types.js';
import { WatchHub } from './watch-hub.js';
import { UpdateQueue } from './watch-queue.js';
import type {
  ConnectedUpdate,
  EventsOptions,
  SessionUpdate,
  SessionUpdateType,
  WaitForConnectionOptions,
  WatchOptions,
} from './watch-types.js';

const UPDATE_TYPES: ReadonlySet<string> = new Set<SessionUpdateType>([
  'status',
  'qr',
  'pairing_code',
  'connected',
  'disconnected',
  'stuck',
  'error',
]);

/** Follow a login to its outcome. */
export const DEFAULT_STOP_ON: readonly SessionUpdateType[] = ['connected', 'disconnected', 'stuck'];

function assertSignal(signal: unknown, argument: string): void {
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError(argument, 'must be an AbortSignal');
}

/** The manager's hub, made on its first watch (a manager nobody watches polls nothing and holds no hub). */
function hubOf(ctx: SessionContext): WatchHub {
  ctx.hub ??= new WatchHub(ctx);
  return ctx.hub as WatchHub;
}

/**
 * Follows one session live: each fresh QR (every rotation exactly once, never a stale one), a pairing code,
 * `connected` once the liveness probe answers, `disconnected`, `stuck`, and read errors, as a discriminated
 * union. It ends when the caller breaks out of the loop or aborts, or after an update listed in `stopOn`
 * (default: `connected`, `disconnected`, `stuck`).
 *
 * Every watcher of one id shares one poll: one status read per interval (the manager's `pollIntervalsMs`)
 * whatever the number of watchers, and none once the last watcher has gone. Webhooks the manager's
 * `webhooks` feed delivers (an `ActivityTracker` given as `activity` is one) reach the watchers at once.
 * A watcher that joins late first gets the latest state.
 *
 * @param manager - The manager whose session to follow; its clients, clock and poll intervals are used.
 * @throws {@link whatsapp-gateway-sdk!InvalidArgumentError} at once when `manager` is not a
 *   `SessionManager`, or the id or an option is malformed.
 * @example
 * ```ts
 * import { watchSession } from 'whatsapp-gateway-sdk/watch';
 *
 * await manager.createSession('sales');
 * for await (const update of watchSession(manager, 'sales')) {
 *   if (update.type === 'qr') show(update.qr.dataUrl);
 *   if (update.type === 'connected') console.log('logged in');
 * }
 * ```
 */
export function watchSession(
  manager: SessionManager,
  sessionId: string,
  options: WatchOptions = {},
): AsyncIterableIterator<SessionUpdate> {
  const ctx = contextOf(manager);
  return follow(ctx, assertSessionId(sessionId), options);
}

function follow(
  ctx: SessionContext,
  id: string,
  options: WatchOptions,
): AsyncIterableIterator<SessionUpdate> {
  assertSignal(options.signal, 'options.signal');
  const stopOn = options.stopOn ?? DEFAULT_STOP_ON;
  if (!Array.isArray(stopOn) || stopOn.some((type) => !UPDATE_TYPES.has(type))) {
    throw new InvalidArgumentError(
      'options.stopOn',
      `must list update types among ${[...UPDATE_TYPES].join(', ')}`,
    );
  }
  return hubOf(ctx).watch(id, stopOn, options.signal);
}

/**
 * Waits until a session is connected, handing each fresh QR (or pairing code) to a callback: the one-line
 * form of {@link watchSession}. Start the session first (`createSession` or `reconnect`).
 * @param manager - The manager that started the session.
 * @returns The `connected` update.
 * @throws {@link whatsapp-gateway-sdk!QrTimeoutError} when it does not connect within `timeoutMs` (default
 *   the manager's `qrWaitMs`), or the session closes first (a QR that expired unscanned).
 * @throws {@link whatsapp-gateway-sdk!PropagationError} when the session is stuck starting.
 * @throws {@link whatsapp-gateway-sdk!AbortError} when `signal` aborts.
 * @throws {@link whatsapp-gateway-sdk!InvalidArgumentError} at once when `manager` is not a
 *   `SessionManager`, or the id or an option is malformed.
 * @example
 * ```ts
 * import { waitForConnection } from 'whatsapp-gateway-sdk/watch';
 *
 * await manager.createSession('sales');
 * await waitForConnection(manager, 'sales', { onQr: (qr) => show(qr.dataUrl), timeoutMs: 120_000 });
 * ```
 */
export async function waitForConnection(
  manager: SessionManager,
  sessionId: string,
  options: WaitForConnectionOptions = {},
): Promise<ConnectedUpdate> {
  const ctx = contextOf(manager);
  const id = assertSessionId(sessionId);
  assertSignal(options.signal, 'options.signal');
  for (const name of ['onQr', 'onPairingCode'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new InvalidArgumentError(`options.${name}`, 'must be a function');
  }
  const timeoutMs = options.timeoutMs ?? ctx.options.qrWaitMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new InvalidArgumentError('options.timeoutMs', 'must be a positive number');
  if (options.signal?.aborted) throw new AbortError('The wait was aborted');

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const startedAt = ctx.clock.now();
  let timedOut = false;
  // The bound runs on the manager's clock, so a test clock can cross it; it is cleared when the wait ends.
  ctx.clock.sleep(timeoutMs, stop.signal).then(
    () => {
      timedOut = true;
      stop.abort();
    },
    () => undefined,
  );
  let last: SessionUpdate | undefined;
  try {
    for await (const update of follow(ctx, id, {
      signal: stop.signal,
      stopOn: ['connected', 'stuck'],
    })) {
      last = update;
      if (update.type === 'qr') options.onQr?.(update.qr);
      else if (update.type === 'pairing_code') options.onPairingCode?.(update.code);
      else if (update.type === 'connected') return update;
      else if (update.type === 'disconnected') {
        throw new QrTimeoutError(`Session "${id}" stopped before connecting: ${update.reason}`, {
          sessionId: id,
          waitedMs: ctx.clock.now() - startedAt,
          lastStatus: update.status,
        });
      } else if (update.type === 'stuck') {
        throw new PropagationError(`Session "${id}" is stuck INITIALIZING on WPPConnect`, {
          sessionId: id,
          actions: [],
          likelyCause: update.likelyCause,
        });
      } else if (update.type === 'error' && update.fatal) throw update.error;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
  if (options.signal?.aborted) throw new AbortError('The wait was aborted');
  throw new QrTimeoutError(
    timedOut
      ? `Session "${id}" did not connect within ${Math.round(timeoutMs / 1000)} s`
      : `Session "${id}" stopped before connecting`,
    {
      sessionId: id,
      waitedMs: ctx.clock.now() - startedAt,
      ...(last && 'status' in last && typeof last.status === 'string' ? { lastStatus: last.status } : {}),
    },
  );
}

/**
 * Every {@link SessionEvent} of a manager from now on, as a stream (the same events its `onEvent` option
 * receives). They are this process's events: what this manager's operations and watches saw. It never ends
 * by itself; break out of the loop or abort.
 * @throws {@link whatsapp-gateway-sdk!InvalidArgumentError} at once when `manager` is not a
 *   `SessionManager` or `signal` is not an `AbortSignal`.
 * @example
 * ```ts
 * import { sessionEvents } from 'whatsapp-gateway-sdk/watch';
 *
 * for await (const event of sessionEvents(manager, { signal })) {
 *   if (event.type === 'zombie') alert(`${event.sessionId} is connected but silent`);
 * }
 * ```
 */
export function sessionEvents(
  manager: SessionManager,
  options: EventsOptions = {},
): AsyncIterableIterator<SessionEvent> {
  const ctx = contextOf(manager);
  assertSignal(options.signal, 'options.signal');
  const listener = (event: SessionEvent) => queue.push(event);
  const queue: UpdateQueue<SessionEvent> = new UpdateQueue(
    () => ctx.listeners.delete(listener),
    options.signal,
  );
  if (!options.signal?.aborted) ctx.listeners.add(listener);
  return queue;
}
