/**
 * Webhooks: typed events from WPPConnect and gateway bodies, and an in-memory activity tracker.
 * @module
 */

export { parseWebhook } from './parse.js';
export { type ActivitySource, ActivityTracker, type ActivityTrackerOptions } from './tracker.js';
export type { ParseWebhookOptions, WebhookEvent, WebhookEventKind, WebhookSource } from './types.js';
