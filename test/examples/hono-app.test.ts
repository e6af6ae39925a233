import { afterEach, describe, it } from 'vitest';
import { createManager } from '../../examples/env.js';
import { createApp, listen, PREFIX } from '../../examples/hono-app.js';
import { ActivityTracker } from '../../src/index.js';
import { type Simulator, startSimulator } from './helpers.js';
import { exerciseMount } from './mounts.js';

let world: Simulator | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await world?.sim.close();
  world = undefined;
  close = undefined;
});

describe('examples/hono-app.ts', () => {
  it('serves the sessions routes, SSE and webhooks beside the app’s own routes', async () => {
    world = await startSimulator();
    const tracker = new ActivityTracker();
    const manager = createManager(world.connection, { activity: tracker, pollIntervalsMs: [20, 50] });
    const app = await listen(createApp(manager, tracker, 'admin-token'), 0);
    close = app.close;
    await exerciseMount(world, tracker, app.url, PREFIX);
  });
});
