/**
 * The gateway-wrapper's status normalisation, bug included.
 * @module
 */

/**
 * Normalises a raw WPPConnect status the way the real gateway-wrapper does (`routes/api.js`), **bug included**: the rule tests `includes("connected")` before `includes("disconnected")`,
 * and `"disconnected".includes("connected")` is true, so `DISCONNECTED` (or `desconnectedMobile`) comes out
 * as `connected`. The fake gateway reproduces it because the SDK must not trust the gateway's status.
 *
 * Order, on the lowercased value: `includes("connected") || === "open"` → `connected`; else
 * `includes("disconnected") || close || closed` → `disconnected`; else `includes("qr") || qr_required ||
 * includes("initializing") || includes("starting")` → `qr_required`; else the lowercased raw value
 * (e.g. WPPConnect's `PHONECODE` becomes `phonecode`).
 *
 * @example
 * ```ts
 * normalizeGatewayStatus('CONNECTED');    // 'connected'
 * normalizeGatewayStatus('CLOSED');       // 'disconnected'
 * normalizeGatewayStatus('INITIALIZING'); // 'qr_required'
 * normalizeGatewayStatus('DISCONNECTED'); // 'connected'  (the bug)
 * ```
 */
export function normalizeGatewayStatus(raw: string): string {
  const status = raw.toLowerCase();
  if (status.includes('connected') || status === 'open') return 'connected';
  if (status.includes('disconnected') || status === 'close' || status === 'closed') return 'disconnected';
  if (
    status.includes('qr') ||
    status === 'qr_required' ||
    status.includes('initializing') ||
    status.includes('starting')
  ) {
    return 'qr_required';
  }
  return status;
}
