/**
 * Renders `docs/reliability.md` from the fault matrix and the run sizes of the suite. `doc.test.ts` writes it
 * when `UPDATE_RELIABILITY_DOC=1` is set and otherwise fails if the committed file differs.
 */
import {
  ABORT_WITHIN_MS,
  BODIES_FUZZED,
  CLIENT_METHODS,
  CLIENT_RUNS_PER_METHOD,
  DIRECT_PARSERS,
  DIRECT_RUNS_PER_PARSER,
  ENCODING_RUNS,
  LOAD,
  MSW_RUNS_PER_METHOD,
  REDIRECT_RUNS,
  SECRET_FLOW_RUNS,
  WEBHOOK_PROPERTY_TEST,
} from './figures.js';
import {
  allCells,
  DEFAULT_CODES,
  errorPathCells,
  FAULTS,
  HUGE_BODY_BYTES,
  RETRY_LIMIT,
  ROWS,
  renderExpectation,
  runnableCells,
  TIMEOUT_MS,
  TRANSIENT_TIMES,
} from './matrix.js';
import { HOSTILE_IDS } from './support/hostile-ids.js';

/** Methods and manager flows that take a session id (the hostile-id suite calls each). */
export const ID_METHOD_COUNT = 21;

/** The bugs the suite found, fixed in the same change. */
const BUGS_FIXED: ReadonlyArray<[where: string, what: string, foundBy: string]> = [
  [
    '`src/wppconnect/schemas.ts` (`wppStatus`, `qrJsonAnswer`)',
    'A WPPConnect answer **without** a `status` key (e.g. `{"success":false,"error":…}` from a proxy) was read as `CLOSED` by `getStatus`, `startSession` and `getQrCode`: invented evidence on which the manager would start or restart a session. Only `status: null` means `CLOSED` now; a missing status is a `ResponseValidationError`.',
    'fault matrix, `200-success-false` column',
  ],
  [
    '`src/wppconnect/schemas.ts` (`tokenAnswer`)',
    'A token that cannot travel in an `Authorization` header (a control character, a space, non-ASCII) was accepted and cached; every later call then failed in `fetch` and was reported — and retried — as a `ConnectionError`. It is a `ResponseValidationError` at `generateToken` now.',
    'fuzzer (parse layer)',
  ],
  [
    '`src/wppconnect/client.ts` (`toStatus`, `getQrCode`)',
    "A `QRCODE` answer whose QR is not a PNG (in `status-session`/`start-session`, or `image/png` bytes from `qrcode-session`) became a `ResponseValidationError` without method, route or status (design §3.5 asks for them). It carries the request's context now.",
    'fuzzer (public methods, near-valid bodies)',
  ],
  [
    '`src/gateway/schemas.ts` (`channelAnswer`)',
    "The flat single-channel answer did not validate `channel_id` / `session_id`, so `getChannel` could return a `Channel` whose `id` was an object or a number. The flat answer now has the list item's schema.",
    'fuzzer (public methods)',
  ],
  [
    '`src/ids.ts` (`assertSessionId`)',
    'The id `.` was accepted. Every URL parser removes a `.` segment, so `getChannel(".")` read `/api/channels/` (the list, returned as a bogus channel) and `generateToken(".")` sent the secret key in the session\'s place of the path. `.` is refused now.',
    'hostile-id property (accepted ids must stay in their path segment)',
  ],
  [
    '`src/sessions/manager.ts`',
    '`ensureSession`, `createSession`, `reconnect` and `getSession` threw `InvalidArgumentError` **synchronously** for a bad id, escaping `promise.catch()`. They reject now.',
    'hostile-id suite',
  ],
  [
    '`src/gateway/client.ts`, `src/wppconnect/client.ts`',
    "Server-written messages handed on in results (`createChannel().message`, `startSession().message`, `inspectQr().message`, the WPPConnect boolean answers' `message`, `getQrCode().message`) were not redacted. A server that echoes the request leaked the gateway secret or a bearer token into the manager's log lines, its report trails and `PropagationError.actions` (`JSON.stringify`). They are redacted like error bodies now.",
    'secrets suite (echoing servers)',
  ],
  [
    '`src/sessions/reconnect.ts`',
    '`reconnect()` on an id that neither the gateway nor WPPConnect knows (a typo, a wrong letter case) started it on WPPConnect alone — a session the gateway never lists (field notes §7.2) — and reported it `qr_required`; in gateway-only mode it created the channel. It is a `NotFoundError` now, with `existingId` for a case-only miss. A session known to either side is reconnected as before; when the gateway cannot be asked, the reconnect goes on.',
    'load test (reported sessions must exist on both fakes)',
  ],
  [
    '`src/sessions/manager.ts`',
    "An `ensureSession` that joined a concurrent `reconnect` of the same id (they share one flight) took the reconnect's outcome: for an unknown id, a session on WPPConnect only (before the fix above), or the reconnect's refusal (after it). It now runs its own operation once that flight is over.",
    'load test',
  ],
];

/** What the suite found in the fakes (src/testing, owned by another engineer): reported, not fixed. */
const FAKE_NOTES: readonly string[] = [
  "Performance: every `status-session` read of a session holding a QR re-renders its PNG (`pngFor`, about 1.3 ms of deflate), and the fake gateway's `GET /api/channels` re-reads every channel. Under the load test that is ~12,000 renders and ~35 s of CPU inside the fake; the load test therefore runs the gateway with its `staleStatus` fault. Memoizing `pngFor` per `urlcode` would remove it.",
];

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

function matrixTable(kind: 'gateway' | 'wppconnect' | 'manager'): string {
  const rows = ROWS.filter((r) =>
    kind === 'manager' ? r.kind === 'manager' : r.kind === 'client' && r.host === kind,
  );
  const name = (r: (typeof ROWS)[number]) =>
    kind === 'manager'
      ? r.name.replace('manager.', '').replace(' [', '<br>[')
      : r.name.replace(`${kind}.`, '');
  const lines = [row(['fault', ...rows.map(name)]), row(['---', ...rows.map(() => '---')])];
  for (const fault of FAULTS) {
    lines.push(row([`\`${fault.id}\``, ...rows.map((r) => renderExpectation(fault.expect(r)))]));
  }
  return lines.join('\n');
}

/** The whole document. */
export function renderReliabilityDoc(): string {
  const cells = runnableCells();
  const faults = FAULTS.filter((f) => f.id !== 'none');
  const errorPaths = errorPathCells().length;
  const secretsChecks = errorPaths + ROWS.length + SECRET_FLOW_RUNS;
  const out: string[] = [];
  out.push(`# Reliability and security

<!-- Generated by test/reliability/doc.test.ts from test/reliability/matrix.ts and figures.ts. Do not edit:
     change the table in code, then run \`UPDATE_RELIABILITY_DOC=1 npx vitest run test/reliability/doc.test.ts\`. -->

What the SDK does when the network, the proxies and the two servers misbehave, and how that is tested. Every
number below comes from the suite in \`test/reliability/\` (part of \`npm test\`), which fails if this page and
the code disagree.

## Figures

| | |
|---|---|
| Faults covered | ${faults.length} (plus a control column) |
| Methods and flows in the matrix | ${ROWS.filter((r) => r.kind === 'client').length} public client methods, ${ROWS.filter((r) => r.kind === 'manager').length} manager flows (4 flows × the host that fails) |
| Fault-matrix cells run | ${cells.length} (of ${allCells().length}; ${allCells().length - cells.length} do not apply) |
| Bodies fuzzed | ${BODIES_FUZZED.toLocaleString('en-US')} per run (${DIRECT_PARSERS.length} parsers × ${DIRECT_RUNS_PER_PARSER.toLocaleString('en-US')}, ${CLIENT_METHODS} methods × ${CLIENT_RUNS_PER_METHOD} end to end, ${CLIENT_METHODS} × ${MSW_RUNS_PER_METHOD} through MSW) |
| Redirects fuzzed | ${REDIRECT_RUNS} random 3xx answers (300–308, any \`Location\` or none) to random public methods: never followed, always a \`RedirectError\` naming at most an origin |
| Encodings fuzzed | ${ENCODING_RUNS} random secrets echoed through a stack of 1–3 encodings (URL, \`+\` for space, JSON, \`\\/\`, \`\\uXXXX\`, HTML entities, base64 of a Basic credential) on 400, 401, 500 and 200 \`success:false\` |
| Secrets checks run | ${secretsChecks} scenarios per run, each with fresh random secrets, searching every rendering of the error, every log line and every SDK object |
| Hostile ids | ${HOSTILE_IDS.length} ids × ${ID_METHOD_COUNT} methods, plus 1,000 generated ids |
| Load | ${LOAD.operations} concurrent operations over ${LOAD.ids} ids, ${LOAD.latencyMs[0]}–${LOAD.latencyMs[1]} ms latency, ${LOAD.injected503Rate * 100} % injected 503s |
| Abort bound | ${ABORT_WITHIN_MS} ms, real clock, no timer left |

## 1. Fault matrix

\`test/reliability/matrix.ts\` holds one table: rows are methods, columns are faults, and a rule per fault
gives the expected outcome. \`fault-matrix.test.ts\` runs every cell against the stateful fakes behind MSW
(\`onUnhandledRequest: 'error'\`); a setup file fails the run on any unhandled rejection.

- **Client rows** fault only the method's own route; every other request (a token refresh, say) reaches the
  fakes. Tokens are preloaded, so a bearer call goes straight to its route.
- **Manager rows** fault every request to one host (the row says which); the other host stays healthy.
- Clients retry ${RETRY_LIMIT} times (three attempts), and their \`sleep\` is a recorder, so nothing waits.

How to read a cell:

- \`ServerError ×3\`: the call rejects with exactly that class, after **3** requests reached the faulted route
  (manager rows do not count requests). The error's \`code\` is the class's own — ${Object.entries(
    DEFAULT_CODES,
  )
    .map(([name, code]) => `${name} \`${code}\``)
    .join(', ')} — unless the cell names another (\`AuthenticationError\` is \`proxy_auth\` with
  \`source: 'proxy'\` for nginx, \`bad_secret\` with \`source: 'application'\` for the API itself).
  *(HTML)*: \`fromProxy: true\`, the body was a proxy's error page.
- \`ok, ${TRANSIENT_TIMES} retries\`: a transient fault answered ${TRANSIENT_TIMES} times, the transport retried exactly ${TRANSIENT_TIMES} times (each
  wait checked: the backoff within [50 %, 100 %] of 300 ms × 2ⁿ, or the \`Retry-After\`), and the value is valid.
- \`ok\`: a valid value (the control column; a PNG where qrcode-session may send one; JSON where a QR may be
  missing).
- \`tolerated\`: the manager flow carries on without that host and says so — \`listSessions\` / \`healthcheck\`
  report every session \`unknown\` with a note; \`reconnect\` keeps WPPConnect's evidence and records the
  failed gateway read in its trail.
- \`—\`: the fault does not apply.
- A ${HUGE_BODY_BYTES / 1024 / 1024} MB body is streamed lazily; each cell also checks that no more than the 10 MiB limit plus a few
  64 kB chunks was ever pulled (the SDK stops reading at the limit), and a separate test checks that the peak
  of \`process.memoryUsage().arrayBuffers\` while one is read stays far below 50 MB. A separate check of a real unresolvable
  host (\`no-such-host.invalid\`, MSW passthrough) expects a \`ConnectionError\` carrying the resolver's code.
- Timeout cells use \`timeoutMs: ${TIMEOUT_MS}\` on the faulted client.

### Faults
`);
  out.push(row(['fault', 'what happens']));
  out.push(row(['---', '---']));
  for (const fault of FAULTS) out.push(row([`\`${fault.id}\``, fault.description.replace(/\|/g, '\\|')]));
  out.push('\n### WhatsAppGatewayClient\n');
  out.push(matrixTable('gateway'));
  out.push('\n### WppConnectClient\n');
  out.push(matrixTable('wppconnect'));
  out.push('\n### SessionManager (`[host]` = the host whose requests fail)\n');
  out.push(matrixTable('manager'));
  out.push(`
## 2. Fuzzed parsers

\`fuzz.test.ts\`, with fast-check. Every generated answer becomes either a valid typed value (checked field by
field: a QR is a real PNG with consistent \`base64\`/\`dataUrl\`, a status is one of the five, an id is a
non-empty string…) or a typed error — \`ResponseValidationError\`, or the \`ApiError\` family for failure
statuses and \`success:false\` bodies — that names its service, method, route and status. Never a
\`TypeError\`, never a hang.

1. **Parse layer**, ${DIRECT_RUNS_PER_PARSER.toLocaleString('en-US')} bodies per parser: \`Transport.validate\` with the clients' own zod schemas, then the
   post-processing the clients export. The bodies are the APIs' known keys with values of every type,
   QR look-alikes (prose that is valid base64, data URLs of nothing), prototype keys, 8 kB strings, random
   JSON, and non-JSON bodies (PNG, HTML, truncated, empty, oversized).
${DIRECT_PARSERS.map((p) => `   - ${p}`).join('\n')}
2. **Every public method end to end**, ${CLIENT_RUNS_PER_METHOD} raw answers each (status, content type, bytes) through an injected
   \`fetch\`: body sniffing, error mapping, token refresh and the private post-processing (\`toChannel\`,
   \`toStatus\`, \`toBoolean\`…).
3. **Through MSW**, ${MSW_RUNS_PER_METHOD} answers per method (${CLIENT_METHODS * MSW_RUNS_PER_METHOD} real round trips).

\`parseWebhook\` is not fuzzed here: it has its own 10,000-run property test in \`${WEBHOOK_PROPERTY_TEST}\`.

## 3. Secrets

\`secrets.test.ts\`. The gateway secret, the WPPConnect secret key (with characters that need URL and JSON
escaping) and the bearer tokens are random in every run. They are searched — raw, URL-encoded, JSON-escaped,
and as any 12-character slice of their random part — in the error's \`message\`, \`stack\`, \`cause\` chain,
\`JSON.stringify\`, \`util.inspect\` and \`toString\`; in every line the two clients and the manager log (a
capturing logger, rendered as text, JSON and \`inspect\`); and in \`inspect\`/\`JSON.stringify\`/\`String\` of
both clients, the manager and the token store.

- Every error path of the fault matrix (${errorPaths} cells: those ending in an error or a tolerated failure) runs
  again with servers that **echo** what they received — the \`X-Gateway-Secret\` and \`Authorization\`
  headers, the URL with the secret key, the key decoded — into every \`message\` and \`error\` they send.
- ${SECRET_FLOW_RUNS} random runs of the secret-heavy flows: a rejected token refreshed once, a wrong secret key (400 on
  generate-token and show-all-sessions), a wrong gateway secret, a session stuck \`INITIALIZING\`
  (\`PropagationError\` and its trail), an unpropagated gateway-only create, a repairing healthcheck, a wait
  that ends still \`INITIALIZING\` (a \`PropagationError\` too, whatever \`qrWaitMs\` is), a webhook secret echoed
  by a failing webhook call.
- Secrets echoed in other encodings: \`test/http/encodings.test.ts\` (each form — \`\\/\`, lower- and upper-case
  \`%xx\`, \`+\` for space, \`encodeURI\`, \`\\uXXXX\`, HTML entities, base64 — on 401, 400, 500 and 200
  \`success:false\`, JSON and HTML, both clients) and the encodings fuzz (${ENCODING_RUNS} runs, layered encodings).
- Redirects: \`test/http/redirects.test.ts\` (every status 300–308, same and cross origin, both clients,
  generate-token included, over MSW and over real sockets: nothing reaches the other origin), the
  \`302-cross-origin\` and \`307-same-origin\` columns of the matrix, and the redirects fuzz.
- Every success path (${ROWS.length}) without echo, where the returned values are searched too (except
  \`generateToken\`'s, which is the token).

The transport-level property test is \`test/http/secrets.test.ts\`; the CLI's output is tested with the CLI.

## 4. Hostile ids

\`hostile-ids.test.ts\`: each id below, given to each of the ${ID_METHOD_COUNT} methods and manager flows that take one, is
refused with \`InvalidArgumentError\` — as a rejected promise, never a synchronous throw — before any request
reaches MSW (\`server.events.on('request:start')\`). A property over 1,000 generated printable ids adds that
an id the SDK **accepts** stays whole in its one path segment, on both clients.

${HOSTILE_IDS.map(([label]) => `- ${label}`).join('\n')}

## 5. Concurrency and load

\`load.test.ts\`, on the real clock: ${LOAD.operations} concurrent operations (${Object.entries(LOAD.mix)
    .map(([op, share]) => `${Math.round(share * 100)} % \`${op}\``)
    .join(', ')}) over ${LOAD.ids} ids (30 connected, 30 on the gateway only, 40 unknown), against the
fakes with a random ${LOAD.latencyMs[0]}–${LOAD.latencyMs[1]} ms latency on every answer and a seeded injector in front answering ${LOAD.injected503Rate * 100} % of all
requests with 503 (the gateway fake runs with its \`staleStatus\` fault: see the note on the fakes below). Asserted: every call ends in a value or a typed \`WhatsAppSdkError\`; every \`qr_required\` or
\`connected\` a call reports is the fake WPPConnect's state at the moment the call ends; every session an
ensure or reconnect reported ready exists on both fakes afterwards; and no timer is left running once every
call has ended (\`process.getActiveResourcesInfo()\`). A second case sends 50 \`ensureSession\` and 50
\`reconnect\` at one id under latency: one flight, one create, one start, one report.

## 6. Abort

\`abort.test.ts\`, on the real clock with shortened waits: \`createSession\` (during the QR wait, during a
hanging request, and as one of several callers sharing a flight), \`reconnect\` (during a rung's wait), the
gateway-only QR wait, \`listSessions\` (hanging lookups), \`healthcheck\` (while listing, and during a repair),
and every flow with an already-aborted signal. Each rejects with \`AbortError\` within ${ABORT_WITHIN_MS} ms of the abort,
measured with \`performance.now()\`, and leaves no timer running.

## Bugs this suite found (fixed)

Each has a focused test in \`test/reliability/regressions.test.ts\` that fails without the fix.

| where | what | found by |
|---|---|---|
${BUGS_FIXED.map(([where, what, by]) => row([where, what, by])).join('\n')}

## Notes on the fakes (not fixed here)

${FAKE_NOTES.map((n) => `- ${n}`).join('\n')}
`);
  return out.join('\n');
}
