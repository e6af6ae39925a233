/**
 * `whatsapp-gateway reconnect <id> [--force]`: bring a session back, with a fresh QR code when one is needed.
 * @module
 */
import { connectionGroup, jsonOption, webhookOption } from '../args.js';
import { defineCommand } from '../command.js';
import { flowGroup, sessionCommand } from '../session-flow.js';

/** The `reconnect` command. */
export const reconnectCommand = defineCommand({
  name: 'reconnect',
  summary: 'bring a session back (start, restart, recreate); a fresh QR when needed',
  usage: '<id> [--force] [options]',
  description: `Climbs the reconnect ladder, stopping at the first rung that gives a live connection or a fresh QR code:
  1. nothing to do: the session already shows a current QR, or is connected and its page answers;
  2. start-session, when WPPConnect has the session closed;
  3. close-session + start-session: restarts the browser and keeps the login (no new scan needed);
  4. delete + recreate on the gateway, then start on WPPConnect.
It never logs the phone out. Every rung tried is printed.`,
  positionals: { names: ['id'] },
  options: [
    {
      title: 'Options',
      options: {
        force: {
          type: 'boolean',
          help: 'restart even when the session looks connected (rung 3 first): for zombies, connected by every probe yet silent',
        },
        json: { ...jsonOption.json, help: "print the manager's report (and the final state) as JSON" },
        ...webhookOption,
      },
    },
    flowGroup,
    connectionGroup,
  ],
  footer:
    'Here, 0 means connected (or QR shown with --no-wait); 1 means not scanned in time, or every rung failed (the error lists them).',
  run: (parsed, ctx) =>
    sessionCommand(
      'reconnect',
      parsed,
      ctx,
      (id) => `reconnecting "${id}"`,
      (manager, id, values, signal) =>
        manager.reconnect(id, { force: values['force'] === true, ...(signal ? { signal } : {}) }),
    ),
});
