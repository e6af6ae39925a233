/**
 * `watch`, `waitForConnection` and `events`: following sessions live. The polling itself is in
 * {@link WatchHub}; this module checks the arguments and turns updates into the one-line forms.
 * @module
 */
import { AbortError, InvalidArgumentError, PropagationError, QrTimeoutError } from '../errors.js';
import type { SessionContext } from './context.js';
import type { SessionEvent } from './types.js';
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

/** @internal */
export function watchSession(
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
  if (!ctx.hub) throw new Error('internal: watch without a hub');
  return ctx.hub.watch(id, stopOn, options.signal);
}

/** @internal */
export async function waitForConnection(
  ctx: SessionContext,
  id: string,
  options: WaitForConnectionOptions,
): Promise<ConnectedUpdate> {
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
    for await (const update of watchSession(ctx, id, {
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

/** @internal */
export function sessionEvents(
  ctx: SessionContext,
  options: EventsOptions,
): AsyncIterableIterator<SessionEvent> {
  assertSignal(options.signal, 'options.signal');
  const listener = (event: SessionEvent) => queue.push(event);
  const queue: UpdateQueue<SessionEvent> = new UpdateQueue(
    () => ctx.listeners.delete(listener),
    options.signal,
  );
  if (!options.signal?.aborted) ctx.listeners.add(listener);
  return queue;
}
