/**
 * One healthcheck over an in-process fleet, for a CPU profile: where a large listing spends its time, and
 * whether any step grows faster than the fleet.
 *
 *   npm run build && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-healthcheck.ts 10000
 *
 * Prints the time of a warm-up round and of the profiled round; open the .cpuprofile in Chrome DevTools or
 * sum its self time per function.
 * @module
 */
import { inProcessRig } from './lib/rig.js';
import { sdk } from './lib/sdk.js';
import { CountingActivity, seedFleet, sessionIds } from './lib/servers.js';
import { formatMs } from './lib/stats.js';

const size = Number(process.argv[2] ?? 10_000);
const rig = inProcessRig({ autoCloseMs: 0 });
seedFleet(rig.wpp, rig.gateway, sessionIds(size));
const { gateway, wppconnect } = rig.clients();
const manager = new sdk.SessionManager({ gateway, wppconnect, activity: new CountingActivity() });
for (const label of ['first round (tokens issued)', 'second round']) {
  const started = performance.now();
  const report = await manager.healthcheck();
  rig.clearCalls();
  if (report.counts.healthy !== size) throw new Error(`${report.counts.healthy} healthy of ${size}`);
  console.log(`${size} sessions, ${label}: ${formatMs(performance.now() - started)}`);
}
