/**
 * `whatsapp-gateway create <id>`: create a session that really exists on WPPConnect, and show its QR code.
 * @module
 */
import { connectionGroup, jsonOption, webhookOption } from '../args.js';
import { defineCommand } from '../command.js';
import { flowGroup, sessionCommand } from '../session-flow.js';

/** The `create` command. */
export const createCommand = defineCommand({
  name: 'create',
  summary: 'create a session on the gateway AND on WPPConnect; show its QR until scanned',
  usage: '<id> [options]',
  description: `Creates the channel on the gateway, then checks that WPPConnect really received the session: a gateway can answer "Session created successfully" without ever telling WPPConnect. When the session is missing there, it is started on WPPConnect directly. Then the QR code is drawn here and refreshed while it rotates, until the phone scans it or --wait-seconds runs out. Creating a session that already exists is not an error: it is checked and repaired the same way.`,
  positionals: { names: ['id'] },
  options: [
    {
      title: 'Options',
      options: {
        json: { ...jsonOption.json, help: "print the manager's report (and the final state) as JSON" },
        ...webhookOption,
      },
    },
    flowGroup,
    connectionGroup,
  ],
  footer:
    'Here, 0 means connected (or QR shown with --no-wait); 1 means not scanned in time, or the session could not be made to exist (the error says what was tried).',
  run: (parsed, ctx) =>
    sessionCommand(
      'create',
      parsed,
      ctx,
      (id) => `creating "${id}": on the gateway, then verified on WPPConnect`,
      (manager, id, _values, signal) => manager.createSession(id, signal ? { signal } : {}),
    ),
});
