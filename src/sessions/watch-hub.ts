/**
 * The shared status polls behind `watchSession`: every watcher of one id reads the same
 * poll, so N watchers cost one status read per interval; the poll starts with the first watcher and stops
 * (its timer cleared) when the last one leaves. Webhooks from the manager's feed reach the watchers at once,
 * and wake the poll. A manager gets its hub on its first watch (see `hubOf`): the core never loads this.
 * @module
 * @internal
 */
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  ServerError,
  SessionNotStartedError,
  WhatsAppSdkError,
} from '../errors.js';
import { toQrCode } from '../qr.js';
import type { WebhookEvent } from '../webhooks/types.js';
import { WPP_STATUSES } from '../wppconnect/schemas.js';
import type { LiveHub, SessionContext } from './context.js';
import type { CodeSource } from './pairing-codes.js';
import type { WppEvidence } from './status.js';
import type { SessionStatus } from './types.js';
import { UpdateQueue } from './watch-queue.js';
import type { SessionUpdate, SessionUpdateBase, SessionUpdateType } from './watch-types.js';
import { observe, STUCK_CAUSE } from './wpp-steps.js';

/** QR texts remembered per poll to refuse a repeat; WPPConnect rotates a handful before it gives up. */
const SEEN_QRS = 64;

interface Watcher {
  queue: UpdateQueue<SessionUpdate>;
  stopOn: ReadonlySet<SessionUpdateType>;
}

/** One session's poll and what it has already told its watchers. */
interface Poll {
  id: string;
  watchers: Set<Watcher>;
  controller: AbortController;
  /** Aborts the current wait between two reads, so a webhook triggers a read at once. */
  pause: AbortController | null;
  /** The latest state-describing update, replayed to a watcher that joins late. */
  current: SessionUpdate | null;
  /** The last status seen, `status/alive`, to report each change once. */
  lastKey: string | null;
  seenQrs: string[];
  lastCode: string | null;
  initializingSince: number | null;
  stuckReported: boolean;
}

type Draft = SessionUpdate extends infer U
  ? U extends SessionUpdate
    ? Omit<U, keyof SessionUpdateBase>
    : never
  : never;

function isTransient(error: unknown): boolean {
  return (
    (error instanceof ConnectionError || error instanceof ServerError) &&
    !(error instanceof AuthenticationError)
  );
}

/** @internal */
export class WatchHub implements LiveHub {
  readonly #ctx: SessionContext;
  readonly #polls = new Map<string, Poll>();

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    // Webhooks reach the hub through the context (its one feed subscription); pairing codes through here.
    ctx.pairing.listener = (id, code, phone, source) => this.#onPairingCode(id, code, phone, source);
  }

  /** How many sessions are being polled now (0 once every watch has ended). */
  get activePolls(): number {
    return this.#polls.size;
  }

  /** Starts following `id` for one watcher. */
  watch(
    id: string,
    stopOn: readonly SessionUpdateType[],
    signal: AbortSignal | undefined,
  ): UpdateQueue<SessionUpdate> {
    let poll = this.#polls.get(id);
    const watcher: Watcher = {
      stopOn: new Set(stopOn),
      queue: new UpdateQueue(() => this.#leave(id, watcher), signal),
    };
    if (watcher.queue.closed || signal?.aborted) {
      watcher.queue.close();
      return watcher.queue;
    }
    if (!poll) {
      poll = {
        id,
        watchers: new Set(),
        controller: new AbortController(),
        pause: null,
        current: null,
        lastKey: null,
        seenQrs: [],
        lastCode: null,
        initializingSince: null,
        stuckReported: false,
      };
      this.#polls.set(id, poll);
      poll.watchers.add(watcher);
      void this.#run(poll);
    } else {
      poll.watchers.add(watcher);
      if (poll.current) this.#deliver(watcher, poll.current);
    }
    return watcher.queue;
  }

  /** A pairing code a start answer or a webhook gave (kept in `ctx.pairing`), for the session's watchers. */
  #onPairingCode(id: string, code: string, phone: string | undefined, source: CodeSource): void {
    const poll = this.#polls.get(id);
    if (poll && poll.lastCode !== code) {
      poll.lastCode = code;
      this.#publish(poll, { type: 'pairing_code', code, ...(phone ? { phone } : {}) }, source);
      this.#ctx.emit('pairing_code', id, 'a pairing code is ready to type on the phone', {
        pairingCode: code,
      });
    }
  }

  #leave(id: string, watcher: Watcher): void {
    const poll = this.#polls.get(id);
    if (!poll?.watchers.delete(watcher) || poll.watchers.size > 0) return;
    this.#polls.delete(id);
    poll.controller.abort(new AbortError('watch ended'));
  }

  async #run(poll: Poll): Promise<void> {
    const { signal } = poll.controller;
    for (let n = 0; !signal.aborted; n++) {
      if (n > 0 && !(await this.#wait(poll, this.#ctx.pollDelay(n - 1)))) return;
      let evidence: WppEvidence;
      try {
        evidence = await this.#read(poll.id, signal);
      } catch (error) {
        if (signal.aborted) return;
        const sdkError =
          error instanceof WhatsAppSdkError
            ? error
            : new ConnectionError('The status read failed', { cause: error });
        const fatal = !isTransient(error);
        this.#publish(poll, { type: 'error', error: sdkError, fatal }, 'poll');
        if (fatal) this.#endAll(poll);
        continue;
      }
      if (signal.aborted) return;
      this.#onEvidence(poll, evidence);
    }
  }

  /** Waits between reads; false when the poll was stopped meanwhile. A webhook cuts the wait short. */
  async #wait(poll: Poll, ms: number): Promise<boolean> {
    const pause = new AbortController();
    poll.pause = pause;
    const stop = () => pause.abort();
    poll.controller.signal.addEventListener('abort', stop, { once: true });
    try {
      await this.#ctx.clock.sleep(ms, pause.signal);
    } catch {
      // Woken by a webhook, or stopped: told apart below.
    } finally {
      poll.controller.signal.removeEventListener('abort', stop);
      if (poll.pause === pause) poll.pause = null;
    }
    return !poll.controller.signal.aborted;
  }

  /** One status read: WPPConnect's status (and probe) or, in gateway-only mode, the gateway's QR answer. */
  async #read(id: string, signal: AbortSignal): Promise<WppEvidence> {
    if (this.#ctx.wpp) return observe(this.#ctx, id, signal);
    try {
      const answer = await this.#ctx.gateway.inspectQr(id, { signal });
      const relayed = WPP_STATUSES.find((status) => status === answer.status);
      const status = answer.qr ? 'QRCODE' : (relayed ?? 'INITIALIZING');
      return { status, known: null, alive: null, qr: answer.qr };
    } catch (error) {
      if (error instanceof SessionNotStartedError)
        return { status: 'CLOSED', known: null, alive: null, qr: null };
      throw error;
    }
  }

  #onEvidence(poll: Poll, evidence: WppEvidence): void {
    const now = this.#ctx.clock.now();
    if (evidence.status === 'INITIALIZING') poll.initializingSince ??= now;
    else {
      poll.initializingSince = null;
      poll.stuckReported = false;
    }
    if (evidence.status === 'QRCODE' && evidence.qr) this.#offerQr(poll, evidence.qr, 'poll');

    const key = `${evidence.status}/${evidence.alive}`;
    if (key !== poll.lastKey) {
      poll.lastKey = key;
      const update = this.#describe(poll, evidence);
      if (update) this.#publish(poll, update, 'poll');
    }
    const since = poll.initializingSince;
    if (since !== null && !poll.stuckReported && now - since >= this.#ctx.options.stuckAfterMs) {
      poll.stuckReported = true;
      this.#publish(
        poll,
        { type: 'stuck', initializingForMs: now - since, likelyCause: STUCK_CAUSE },
        'poll',
      );
      this.#ctx.emit('stuck', poll.id, `INITIALIZING for ${Math.round((now - since) / 1000)} s`);
    }
  }

  /** The update a status change gives, if it has one of its own (a QR is offered separately). */
  #describe(poll: Poll, evidence: WppEvidence): Draft | null {
    switch (evidence.status) {
      case 'QRCODE':
        return null;
      case 'CONNECTED':
        if (evidence.alive === false) {
          return {
            type: 'disconnected',
            status: 'disconnected',
            reason: 'WPPConnect says CONNECTED but its browser page is dead',
          };
        }
        this.#ctx.emit('connected', poll.id);
        return { type: 'connected' };
      case 'CLOSED': {
        const status: SessionStatus = evidence.known === false ? 'missing' : 'disconnected';
        const reason =
          evidence.known === false
            ? 'WPPConnect does not have this session'
            : 'the session is closed on WPPConnect (a QR that expired unscanned, a close or a logout)';
        this.#ctx.emit('disconnected', poll.id, reason);
        return { type: 'disconnected', status, reason };
      }
      case 'PHONECODE': {
        const known = this.#ctx.pairing.get(poll.id);
        if (known && poll.lastCode !== known.code) {
          poll.lastCode = known.code;
          return { type: 'pairing_code', code: known.code, ...(known.phone ? { phone: known.phone } : {}) };
        }
        return {
          type: 'status',
          status: 'pairing_code',
          wppconnectStatus: this.#ctx.wpp ? 'PHONECODE' : null,
        };
      }
      default:
        return {
          type: 'status',
          status: 'starting',
          wppconnectStatus: this.#ctx.wpp ? 'INITIALIZING' : null,
        };
    }
  }

  #offerQr(poll: Poll, qr: NonNullable<WppEvidence['qr']>, source: 'poll' | 'webhook'): void {
    // The QR text identifies a rotation; status-session redraws the PNG from it, so the bytes differ from the
    // webhook's for the same QR.
    const key = qr.urlcode ?? qr.base64;
    if (poll.seenQrs.includes(key)) return;
    poll.seenQrs.push(key);
    if (poll.seenQrs.length > SEEN_QRS) poll.seenQrs.shift();
    this.#publish(poll, { type: 'qr', qr }, source);
    this.#ctx.emit('qr', poll.id, 'a QR code is ready to scan', { qr });
  }

  /** A webhook of a session (a pairing code goes through `ctx.pairing` instead). */
  onWebhook(event: WebhookEvent): void {
    const id = event.sessionId;
    if (id === null) return;
    const poll = this.#polls.get(id);
    if (!poll) return;
    if (event.kind === 'qrcode' && event.qr) {
      let qr: ReturnType<typeof toQrCode>;
      try {
        qr = toQrCode(event.qr.base64, event.qr.urlcode);
      } catch {
        return; // not an image: ignored, the next poll tells the truth
      }
      // A webhook QR is fresh by nature (sent at each generation), so the status read is not awaited.
      this.#offerQr(poll, qr, 'webhook');
      poll.lastKey = 'QRCODE/null';
      return;
    }
    if (
      event.kind === 'status_find' ||
      event.kind === 'session_closed' ||
      event.kind === 'session_logged_out'
    ) {
      poll.pause?.abort(); // read the status now instead of at the end of the interval
    }
  }

  #publish(poll: Poll, draft: Draft, source: 'poll' | 'webhook'): void {
    const update = {
      ...draft,
      sessionId: poll.id,
      at: new Date(this.#ctx.clock.now()),
      source,
    } as SessionUpdate;
    if (update.type !== 'error') poll.current = update;
    for (const watcher of [...poll.watchers]) this.#deliver(watcher, update);
  }

  #deliver(watcher: Watcher, update: SessionUpdate): void {
    watcher.queue.push(update);
    if (watcher.stopOn.has(update.type) || (update.type === 'error' && update.fatal)) watcher.queue.end();
  }

  #endAll(poll: Poll): void {
    for (const watcher of [...poll.watchers]) watcher.queue.end();
  }
}
