/**
 * The dashboard on the in-process simulator, with sessions to look at: `npx tsx examples/dashboard/simulate.ts`,
 * then open the URL it prints and type "scan <id>" here to scan a QR with the fake phone.
 */
import { createInterface } from 'node:readline';
import { ActivityTracker } from '../../src/index.js';
// In your project: import { startFakeServers } from 'whatsapp-gateway-sdk/testing';
import { startFakeServers } from '../../src/testing/index.js';
import { createManager } from '../env.js';
import { startDashboard } from './server.js';

export async function simulate(port: number): Promise<void> {
  const sim = await startFakeServers({ wppconnect: { initializingMs: 1_500 } });
  for (const id of ['sales', 'support-team']) {
    sim.wppconnect.seed(id, { status: 'CONNECTED' });
    sim.gateway.seedChannel(id, 'connected');
  }
  sim.gateway.seedChannel('billing', 'qr_required'); // the gateway has it, WPPConnect never got it
  const tracker = new ActivityTracker();
  const seconds = Math.floor(Date.now() / 1000);
  tracker.record({ event: 'onmessage', session: 'sales', t: seconds - 600 });
  tracker.record({ event: 'onmessage', session: 'support-team', t: seconds - 5 * 3600 }); // a zombie
  const connection = {
    gatewayBaseUrl: sim.gatewayUrl,
    gatewaySecret: sim.secret,
    wppconnectBaseUrl: sim.wppconnectUrl,
    wppconnectSecretKey: sim.secretKey,
  };
  const dashboard = await startDashboard({
    port,
    tracker,
    manager: createManager(connection, { activity: tracker }),
  });
  console.log(
    `dashboard on ${dashboard.url} (simulator). Type "scan <id>" to scan a QR with the fake phone.`,
  );
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, id] = line.trim().split(/\s+/);
    if (command !== 'scan' || !id) return void console.log('usage: scan <id>');
    try {
      sim.wppconnect.scan(id);
      console.log(`scanned ${id}`);
    } catch (error) {
      console.log(error instanceof Error ? error.message : String(error));
    }
  });
  const stop = () => void Promise.all([input.close(), dashboard.close(), sim.close()]);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await simulate(Number(process.env['PORT'] ?? 3000));
