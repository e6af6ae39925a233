/**
 * `whatsapp-gateway create <id>`: create a session that really exists on WPPConnect, and show its QR code.
 * @module
 */
import { CONNECTION_HELP, type Command, EXIT_HELP, WEBHOOK_HELP } from '../command.js';
import { FLOW_HELP, sessionCommand } from '../session-flow.js';

/** The `create` command. */
export const createCommand: Command = {
  name: 'create',
  summary: 'create a session on the gateway AND on WPPConnect; show its QR until scanned',
  help: `Usage: whatsapp-gateway create <id> [options]

Creates the channel on the gateway, then checks that WPPConnect really received the session: the gateway
has been seen answering "Session created successfully" without ever telling WPPConnect (the ImobSites
fault). When the session is missing there, it is started on WPPConnect directly. Then the QR code is drawn
here and refreshed while it rotates, until the phone scans it or --wait-seconds runs out. Creating a session
that already exists is not an error: it is checked and repaired the same way.

Options:
  --json                  print the manager's report (and the final state) as JSON
${WEBHOOK_HELP}

${FLOW_HELP}

${CONNECTION_HELP}

${EXIT_HELP}
Here, 0 means connected (or QR shown with --no-wait); 1 means not scanned in time, or the session
could not be made to exist (the error says what was tried).`,
  run: (args, ctx) =>
    sessionCommand(
      'create',
      args,
      ctx,
      {},
      (id) => `creating "${id}": on the gateway, then verified on WPPConnect`,
      (manager, id, _values, signal) => manager.createSession(id, signal ? { signal } : {}),
    ),
};
