/**
 * The true-status rule, as a pure function: the gateway's status is a claim, WPPConnect's is
 * evidence, and the liveness probe on a CONNECTED session is stronger evidence.
 * @module
 */
import type { QrCode } from '../qr.js';
import type { WppStatus } from '../wppconnect/client.js';
import type { SessionStatus } from './types.js';

/** What WPPConnect showed for one session. @internal */
export interface WppEvidence {
  status: WppStatus;
  /** Whether the name is in WPPConnect's session store (show-all-sessions); null when unknown. */
  known: boolean | null;
  /** Liveness probe on CONNECTED: true alive, false dead, null not probed. */
  alive: boolean | null;
  /**
   * Set when a recent message stood in for the probe (then `alive` is true): how old that message was, in ms.
   * A dead page delivers no messages, so it proves the page was alive when it came.
   */
  aliveByMessageAgeMs?: number;
  qr: QrCode | null;
}

/** Inputs of {@link deriveStatus}. @internal */
export interface StatusInputs {
  /** The gateway's claim, lower-cased; null when the gateway does not list the session. */
  gatewayStatus: string | null;
  /** What WPPConnect showed; `'unavailable'` when it could not be asked; null in gateway-only mode. */
  wpp: WppEvidence | 'unavailable' | null;
}

/** @internal */
export interface DerivedStatus {
  status: SessionStatus;
  inconsistent: boolean;
  notes: string[];
}

function fromWpp(wpp: WppEvidence, gatewayKnows: boolean): { status: SessionStatus; note?: string } {
  switch (wpp.status) {
    case 'CONNECTED':
      if (wpp.alive === false) {
        return {
          status: 'disconnected',
          note: 'WPPConnect says CONNECTED but its browser page is dead (liveness probe failed)',
        };
      }
      return { status: 'connected' };
    case 'QRCODE':
      return { status: 'qr_required' };
    case 'PHONECODE':
      return { status: 'pairing_code' };
    case 'INITIALIZING':
      return { status: 'starting' };
    default:
      // CLOSED is also what WPPConnect answers for a name it has never seen; its session store tells them apart.
      if (wpp.known === false) {
        return gatewayKnows
          ? { status: 'not_propagated', note: 'the gateway has the channel but WPPConnect never received it' }
          : { status: 'missing' };
      }
      return { status: 'disconnected' };
  }
}

/** Whether a gateway claim is compatible with the true status. Unknown claims are not judged. */
function claimAgrees(claim: string, status: SessionStatus): boolean {
  switch (claim) {
    case 'connected':
    case 'open':
      return status === 'connected';
    case 'qr_required':
      return status === 'qr_required' || status === 'starting' || status === 'pairing_code';
    case 'disconnected':
    case 'closed':
      return status === 'disconnected' || status === 'not_propagated';
    default:
      return true;
  }
}

function fromClaim(claim: string | null): SessionStatus {
  switch (claim) {
    case null:
      return 'missing';
    case 'connected':
    case 'open':
      return 'connected';
    case 'qr_required':
      return 'qr_required';
    case 'disconnected':
    case 'closed':
      return 'disconnected';
    default:
      return 'unknown';
  }
}

/** Decides a session's true status and whether the gateway's claim disagrees with it. @internal */
export function deriveStatus({ gatewayStatus, wpp }: StatusInputs): DerivedStatus {
  const notes: string[] = [];
  if (wpp === null) {
    notes.push('not verified on WPPConnect (no WPPConnect client configured): this is the gateway’s claim');
    return { status: fromClaim(gatewayStatus), inconsistent: false, notes };
  }
  if (wpp === 'unavailable') {
    notes.push('WPPConnect could not be asked, so the gateway’s claim is unverified');
    return { status: gatewayStatus === null ? 'missing' : 'unknown', inconsistent: false, notes };
  }
  const derived = fromWpp(wpp, gatewayStatus !== null);
  if (derived.note) notes.push(derived.note);
  let inconsistent = wpp.alive === false;
  if (gatewayStatus === null) {
    if (derived.status !== 'missing') {
      inconsistent = true;
      notes.push('WPPConnect has this session but the gateway does not list it');
    }
  } else if (!claimAgrees(gatewayStatus, derived.status)) {
    inconsistent = true;
    notes.push(`the gateway claims "${gatewayStatus}" but the evidence says ${derived.status}`);
  }
  return { status: derived.status, inconsistent, notes };
}
