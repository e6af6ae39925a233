/**
 * `whatsapp-gateway reconnect <id> [--force]`: bring a session back, with a fresh QR code when one is needed.
 * @module
 */
import { CONNECTION_HELP, type Command, EXIT_HELP, WEBHOOK_HELP } from '../command.js';
import { FLOW_HELP, sessionCommand } from '../session-flow.js';

/** The `reconnect` command. */
export const reconnectCommand: Command = {
  name: 'reconnect',
  summary: 'bring a session back (start, restart, recreate); a fresh QR when needed',
  help: `Usage: whatsapp-gateway reconnect <id> [--force] [options]

Climbs the reconnect ladder, stopping at the first rung that gives a live connection or a fresh QR code:
  1. nothing to do: the session already shows a current QR, or is connected and its page answers;
  2. start-session, when WPPConnect has the session closed;
  3. close-session + start-session: restarts the browser and keeps the login (no new scan needed);
  4. delete + recreate on the gateway, then start on WPPConnect.
It never logs the phone out. Every rung tried is printed.

Options:
  --force                 restart even when the session looks connected (rung 3 first): for zombies,
                          connected by every probe yet silent
  --json                  print the manager's report (and the final state) as JSON
${WEBHOOK_HELP}

${FLOW_HELP}

${CONNECTION_HELP}

${EXIT_HELP}
Here, 0 means connected (or QR shown with --no-wait); 1 means not scanned in time, or every rung
failed (the error lists them).`,
  run: (args, ctx) =>
    sessionCommand(
      'reconnect',
      args,
      ctx,
      { force: { type: 'boolean' } },
      (id) => `reconnecting "${id}"`,
      (manager, id, values, signal) =>
        manager.reconnect(id, { force: values['force'] === true, ...(signal ? { signal } : {}) }),
    ),
};
