/**
 * The benchmarks' servers in a child process, as a real server would be: with the servers in the measuring
 * process, both ends of every HTTP exchange share its event loop and CPU (two cores on the bench machine),
 * so a fake's 20 ms timer fires late whenever the SDK is busy, and the process CPU counts the server's work
 * as the client's. Started by {@link ./child-servers.ts}; it talks over the IPC channel.
 *
 *   mode `json <body>`: a node:http server answering every request with that JSON body
 *   mode `fakes <wppconnect options as JSON>`: FakeWppConnect and FakeGateway (`staleStatus: true`) on node:http
 * @module
 */
import { startFakeServers } from '../../src/testing/server.js';
import { startJsonServer } from './servers.js';

/** What the parent may ask of the fakes. */
export type ChildRequest =
  | { op: 'seed'; ids: string[] }
  | { op: 'counts' }
  | { op: 'clear' }
  | { op: 'close' };

const send = (message: unknown) => process.send?.(message);

const [mode, arg] = process.argv.slice(2);
if (mode === 'json') {
  const server = await startJsonServer(arg ?? '{}');
  send({ ready: true, url: server.url });
  process.on('message', async () => {
    await server.close();
    send({ closed: true });
    process.exit(0);
  });
} else if (mode === 'fakes') {
  const servers = await startFakeServers({
    wppconnect: JSON.parse(arg ?? '{}'),
    gateway: { faults: { staleStatus: true } },
  });
  const { wppconnect: wpp, gateway } = servers;
  send({
    ready: true,
    gatewayUrl: servers.gatewayUrl,
    wppconnectUrl: servers.wppconnectUrl,
    secret: servers.secret,
    secretKey: servers.secretKey,
  });
  process.on('message', async (message: ChildRequest & { id: number }) => {
    switch (message.op) {
      case 'seed':
        // Production's usual state: CONNECTED on WPPConnect with a live page, `connected` in the gateway.
        for (const id of message.ids) {
          wpp.seed(id, { status: 'CONNECTED' });
          gateway.seedChannel(id, 'connected');
        }
        send({ id: message.id });
        break;
      case 'counts': {
        const byRoute: Record<string, number> = {};
        for (const call of wpp.calls) {
          const route = call.route.replace('/api/{session}/', '').replace('/api/{secretkey}/', '');
          byRoute[route] = (byRoute[route] ?? 0) + 1;
        }
        send({ id: message.id, wppCalls: wpp.calls.length, gatewayCalls: gateway.calls.length, byRoute });
        break;
      }
      case 'clear':
        wpp.calls.length = 0;
        gateway.calls.length = 0;
        send({ id: message.id });
        break;
      case 'close':
        await servers.close();
        send({ id: message.id });
        process.exit(0);
    }
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
