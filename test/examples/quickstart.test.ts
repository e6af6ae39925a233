import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../examples/quickstart.js';
import { capture, type Simulator, seedConnected, startSimulator } from './helpers.js';

let world: Simulator | undefined;
afterEach(async () => {
  await world?.sim.close();
  world = undefined;
});

describe('examples/quickstart.ts', () => {
  it('prints the true status of every session, including the ones the gateway lies about', async () => {
    world = await startSimulator();
    const { sim } = world;
    seedConnected(sim, 'marketing');
    sim.gateway.seedChannel('FrontDesk', 'qr_required'); // the gateway has it, WPPConnect never received it
    seedConnected(sim, 'dead');
    sim.wppconnect.killPage('dead'); // Chrome crashed: WPPConnect still says CONNECTED
    sim.wppconnect.seed('orphan', { status: 'CONNECTED' }); // only WPPConnect has it (field notes §7.2)

    const output = capture();
    const sessions = await main({ ...world.connection, out: output.out });

    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get('marketing')).toMatchObject({ status: 'connected', inconsistent: false });
    expect(byId.get('FrontDesk')).toMatchObject({ status: 'not_propagated', wppconnectStatus: 'CLOSED' });
    expect(byId.get('dead')).toMatchObject({
      status: 'disconnected',
      gatewayStatus: 'connected',
      alive: false,
      inconsistent: true,
    });
    expect(byId.get('orphan')).toMatchObject({
      status: 'connected',
      gatewayStatus: null,
      inconsistent: true,
    });

    const text = output.text();
    expect(text).toMatch(/^marketing\s+connected\s+gateway=connected\s+wppconnect=CONNECTED$/m);
    expect(text).toMatch(/^FrontDesk\s+not_propagated/m);
    expect(text).toContain('the gateway has the channel but WPPConnect never received it');
    expect(text).toMatch(
      /^dead\s+disconnected\s+gateway=connected\s+wppconnect=CONNECTED\s+page dead\s+INCONSISTENT$/m,
    );
    expect(text).toMatch(/^orphan\s+connected\s+gateway=\(not listed\).*INCONSISTENT/m);
    expect(text).toContain('WPPConnect has this session but the gateway does not list it');
  });

  it('says so when there are no sessions', async () => {
    world = await startSimulator();
    const output = capture();
    expect(await main({ ...world.connection, out: output.out })).toEqual([]);
    expect(output.lines).toEqual(['no sessions: the gateway lists none and WPPConnect has none']);
  });

  it('in gateway-only mode, prints the gateway’s claim and says it is unverified', async () => {
    world = await startSimulator();
    seedConnected(world.sim, 'marketing');
    const { gatewayBaseUrl, gatewaySecret } = world.connection;
    const output = capture();
    const [info] = await main({ gatewayBaseUrl, gatewaySecret, out: output.out });
    expect(info).toMatchObject({ id: 'marketing', status: 'connected', wppconnectStatus: null });
    expect(output.text()).toContain('wppconnect=(not asked)');
    expect(output.text()).toContain('not verified on WPPConnect');
  });
});
