/** The checks the Express and Hono examples share: one app, mounted its way, driven over real HTTP. */
import { expect } from 'vitest';
import type { ActivityTracker } from '../../src/index.js';
import type { Simulator } from './helpers.js';

export async function exerciseMount(world: Simulator, tracker: ActivityTracker, url: string, prefix: string) {
  const base = `${url}${prefix}`;
  const admin = { authorization: 'Bearer admin-token' };
  // The app's own route still answers.
  expect(await (await fetch(`${url}/`)).text()).toBe('my app');
  // No token, no session management, and nothing asked upstream.
  expect((await fetch(`${base}/sessions`)).status).toBe(403);
  expect(world.sim.gateway.calls).toHaveLength(0);

  const created = await fetch(`${base}/sessions`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'sales' }),
  });
  expect(created.status).toBe(200);
  const report = await created.json();
  expect(report).toMatchObject({ id: 'sales', status: 'qr_required' });
  expect(report.qr.dataUrl).toMatch(/^data:image\/png;base64,/);

  // The live QR over SSE, to connected after the scan.
  const events = await fetch(`${base}/sessions/sales/events`, { headers: admin });
  const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('event: qr')) text += (await reader.read()).value ?? '';
  world.sim.wppconnect.scan('sales');
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  expect(text).toMatch(/event: connected\n[\s\S]*event: end\n/);

  const list = await (await fetch(`${base}/sessions`, { headers: admin })).json();
  expect(list.sessions).toEqual([expect.objectContaining({ id: 'sales', status: 'connected' })]);

  // WPPConnect's webhook, authorized by the token in its URL.
  const hook = await fetch(`${base}/webhooks/sales?token=admin-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'onmessage', session: 'sales', t: Math.floor(Date.now() / 1000) }),
  });
  expect(hook.status).toBe(204);
  expect(tracker.get('sales')).not.toBeNull();
}
