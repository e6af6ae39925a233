/**
 * The run sizes of the reliability suite, in one place: each test file asserts that it ran exactly this much,
 * and `doc.test.ts` prints these numbers in `docs/reliability.md`, so the doc cannot drift from the suite.
 */

/** Response parsers fuzzed at the parse layer (schema + the post-processing the clients export). */
export const DIRECT_PARSERS = [
  'gateway listChannels (listAnswer, nested data.channels)',
  'gateway getChannel (channelAnswer)',
  'gateway createChannel (createAnswer)',
  'gateway getQr / inspectQr (qrAnswer → findQr → toQrCode)',
  'gateway deleteChannel / set*Webhook (envelope)',
  'gateway startSession (startAnswer)',
  'gateway sendText (sendAnswer)',
  'wppconnect generateToken (tokenAnswer)',
  'wppconnect startSession / getStatus (statusAnswer → wppStatus → toQrCode when QRCODE)',
  'wppconnect getQrCode (qrJsonAnswer, or PNG → qrFromPng)',
  'wppconnect checkConnection / closeSession / logoutSession (booleanAnswer)',
  'wppconnect listSessionNames (namesAnswer)',
  'wppconnect getPhoneNumber (phoneAnswer)',
  'wppconnect healthz (healthAnswer)',
] as const;

/** Generated bodies per parser at the parse layer. */
export const DIRECT_RUNS_PER_PARSER = 10_000;

/** Public client methods fuzzed end to end (status, content type and bytes through an injected `fetch`). */
export const CLIENT_METHODS = 20;
/** Generated answers per public method through the whole client (transport, body sniffing, post-processing). */
export const CLIENT_RUNS_PER_METHOD = 100;
/** Generated answers per public method through real MSW round trips. */
export const MSW_RUNS_PER_METHOD = 10;

export const BODIES_FUZZED =
  DIRECT_PARSERS.length * DIRECT_RUNS_PER_PARSER +
  CLIENT_METHODS * CLIENT_RUNS_PER_METHOD +
  CLIENT_METHODS * MSW_RUNS_PER_METHOD;

/** The webhook parser's own property test (not duplicated here). */
/** Random 3xx answers (status, `Location` of any kind) served to random public methods. */
export const REDIRECT_RUNS = 300;

/** Random secrets echoed back through a random stack of one to three encodings. */
export const ENCODING_RUNS = 500;

export const WEBHOOK_PROPERTY_TEST = 'test/webhooks/parse.property.test.ts';

/**
 * Secrets: each runnable matrix cell runs once more with fresh random secrets and a server that echoes the
 * credentials and URL into its messages; plus random runs of the secret-heavy flows (token refresh, key
 * rotation, propagation failures, healthcheck repairs) and of every success path without echo.
 */
export const SECRET_FLOW_RUNS = 60;

/** Load test (issue #5 §5). */
export const LOAD = {
  operations: 500,
  ids: 100,
  latencyMs: [0, 30] as const,
  injected503Rate: 0.05,
  /** Share of each operation (cumulative order: ensureSession, reconnect, getSession, listSessions). */
  mix: { ensureSession: 0.45, reconnect: 0.2, getSession: 0.33, listSessions: 0.02 },
} as const;

/** Abort test bound (issue #5 §6). */
export const ABORT_WITHIN_MS = 50;
