/**
 * The simulator behind `simulate` and `demo`: the fake gateway and fake WPPConnect of `src/testing` on
 * loopback, seeded with a scenario, plus a tiny third server for what a real deployment has elsewhere — the
 * last message of each session (`GET /simulator/activity`), the phone that scans a QR
 * (`POST /simulator/scan/<id>`) and a webhook sink that records messages as activity
 * (`POST /simulator/webhook/<id>`).
 *
 * Each run also owns a throwaway session store (a temp directory, removed by `close()`): the commands pointed at
 * the simulator keep the restarts and history of its sessions there, never in the user's real store, where
 * simulated `helpdesk` restarts would count against a real session of the same name.
 *
 * It imports the fakes from their own modules, not from `testing/index.js`, which pulls in msw (an optional
 * peer dependency the command must not need).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeServers, startFakeServers } from '../testing/server.js';
import { parseWebhook } from '../webhooks/parse.js';

/** The scenarios of `simulate --scenario`. */
export const SCENARIOS = ['lost-propagation', 'zombie', 'healthy'] as const;
/** A scenario name. */
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * Real time with short fake timings, so a person sees the QR within a second: INITIALIZING lasts 0.8 s, the
 * QR rotates every 15 s, an unscanned session closes after 2 min (the real defaults are 2 s, 20 s and 60 s).
 */
export const SIMULATOR_TIMINGS = { initializingMs: 800, qrRotateMs: 15_000, autoCloseMs: 120_000 } as const;

/** What each scenario seeds, one line per session, for help texts and the `simulate` banner. */
export const SCENARIO_TEXT: Record<ScenarioName, readonly string[]> = {
  'lost-propagation': [
    'frontdesk       created on the gateway, never propagated to WPPConnect (the gateway drops it)',
    'marketing  connected, last message 5 min ago',
    'helpdesk         connected, last message 9 h ago: a zombie',
    'orders          connected, no message ever: a quiet channel',
  ],
  zombie: ['helpdesk         connected, last message 9 h ago: a zombie'],
  healthy: [
    'marketing  connected, last message 5 min ago',
    'orders          connected, last message 12 min ago',
  ],
};

/** A running simulator. */
export interface Simulator {
  /** The gateway's base URL. */
  gatewayUrl: string;
  /** WPPConnect's base URL. */
  wppconnectUrl: string;
  /** The control server's base URL (activity, scan, webhook sink). */
  controlUrl: string;
  /** `GET` here: `{ id: ISO time | null }`. */
  activityUrl: string;
  /** `POST <scanUrl>/<id>`: the phone scans the QR of `id`. */
  scanUrl: string;
  /** The webhook URL template (`{id}`), for `--webhook-url` / `WPP_WEBHOOK_URL`. */
  webhookUrl: string;
  /** The gateway's throwaway secret (random per run). */
  secret: string;
  /** WPPConnect's throwaway secret key (random per run). */
  secretKey: string;
  /** The fakes, to flip faults and inspect calls. */
  servers: FakeServers;
  /** The last message time of each session, as the activity route serves it. */
  activity: Map<string, Date | null>;
  /**
   * This run's throwaway session store (a temp directory, mode 0700), for `WPP_STORE`: what commands pointed at
   * the simulator remember stays out of the user's real store. `close()` removes it.
   */
  storeDir: string;
  /** Closes the three servers and every socket, and removes the throwaway store. */
  close(): Promise<void>;
}

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  scenario: ScenarioName;
  /** Gateway port; WPPConnect gets port + 1 and the control server port + 2. Default: free ports. */
  port?: number;
  /** The current time, for seeding activity. Default `Date.now()`. */
  now?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function connected(servers: FakeServers, id: string): void {
  servers.gateway.seedChannel(id, 'connected');
  servers.wppconnect.seed(id, { status: 'CONNECTED' });
}

/** Puts a scenario's sessions and faults into fresh fakes, and its activity into `activity`. */
export function seedScenario(
  servers: FakeServers,
  activity: Map<string, Date | null>,
  scenario: ScenarioName,
  now: number,
): void {
  const at = (ago: number) => new Date(now - ago);
  if (scenario === 'lost-propagation') {
    // Someone already created "frontdesk" through the gateway, which answered "created" and never told
    // WPPConnect (field notes §7.1); a second create through the gateway would be dropped the same way.
    servers.gateway.faults.dropPropagation = (id) => id === 'frontdesk';
    servers.gateway.seedChannel('frontdesk', 'qr_required');
    connected(servers, 'marketing');
    activity.set('marketing', at(5 * MINUTE));
    connected(servers, 'helpdesk');
    activity.set('helpdesk', at(9 * HOUR));
    connected(servers, 'orders');
    activity.set('orders', null);
    activity.set('frontdesk', null);
  } else if (scenario === 'zombie') {
    connected(servers, 'helpdesk');
    activity.set('helpdesk', at(9 * HOUR));
  } else {
    connected(servers, 'marketing');
    activity.set('marketing', at(5 * MINUTE));
    connected(servers, 'orders');
    activity.set('orders', at(12 * MINUTE));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The control routes: activity, scan and webhook sink. */
function controlHandler(servers: FakeServers, activity: Map<string, Date | null>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const id = (prefix: string) => decodeURIComponent(path.slice(prefix.length));
    if (req.method === 'GET' && path === '/simulator/activity') {
      const ids = new Set([
        ...servers.gateway.channels().map((c) => c.id),
        ...servers.wppconnect.sessionNames(),
        ...activity.keys(),
      ]);
      send(res, 200, Object.fromEntries([...ids].map((s) => [s, activity.get(s)?.toISOString() ?? null])));
      return;
    }
    if (req.method === 'POST' && path.startsWith('/simulator/scan/')) {
      const session = id('/simulator/scan/');
      if (!servers.wppconnect.session(session)) {
        send(res, 404, { error: `WPPConnect has no session "${session}"` });
        return;
      }
      try {
        servers.wppconnect.scan(session);
        send(res, 200, { scanned: session, status: servers.wppconnect.session(session)?.status });
      } catch (error) {
        send(res, 409, { error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    if (req.method === 'POST' && path.startsWith('/simulator/webhook/')) {
      const session = id('/simulator/webhook/');
      try {
        const event = parseWebhook(await readBody(req), { sessionId: session });
        if (event.isMessage) activity.set(session, event.at ?? new Date());
        send(res, 200, { recorded: event.isMessage });
      } catch {
        send(res, 400, { error: 'not a webhook body' });
      }
      return;
    }
    send(res, 404, { error: 'unknown simulator route' });
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A random throwaway secret with a recognisable prefix. */
function throwaway(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex')}`;
}

/**
 * Starts the fakes and the control server on 127.0.0.1 and seeds the scenario.
 * @throws when a port is taken (the servers already started are closed first).
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const port = options.port ?? 0;
  const servers = await startFakeServers({
    gatewayPort: port,
    wppconnectPort: port === 0 ? 0 : port + 1,
    gateway: { secret: throwaway('sim-gateway') },
    wppconnect: { secretKey: throwaway('sim-wppconnect'), ...SIMULATOR_TIMINGS },
  });
  const activity = new Map<string, Date | null>();
  const handler = controlHandler(servers, activity);
  const control = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'simulator error' });
      else res.destroy();
    });
  });
  let controlPort: number;
  try {
    controlPort = await listen(control, port === 0 ? 0 : port + 2);
  } catch (error) {
    await servers.close();
    throw error;
  }
  let storeDir: string;
  try {
    storeDir = await mkdtemp(join(tmpdir(), 'whatsapp-gateway-simulator-'));
  } catch (error) {
    await Promise.all([servers.close(), new Promise<void>((resolve) => control.close(() => resolve()))]);
    throw error;
  }
  seedScenario(servers, activity, options.scenario, options.now ?? Date.now());
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  return {
    gatewayUrl: servers.gatewayUrl,
    wppconnectUrl: servers.wppconnectUrl,
    controlUrl,
    activityUrl: `${controlUrl}/simulator/activity`,
    scanUrl: `${controlUrl}/simulator/scan`,
    webhookUrl: `${controlUrl}/simulator/webhook/{id}`,
    secret: servers.secret,
    secretKey: servers.secretKey,
    servers,
    activity,
    storeDir,
    close: async () => {
      await Promise.all([
        servers.close(),
        new Promise<void>((resolve) => {
          control.close(() => resolve());
          control.closeAllConnections();
        }),
        rm(storeDir, { recursive: true, force: true }),
      ]);
    },
  };
}

/**
 * The environment a command needs to talk to the simulator (holds its throwaway secrets), with the run's
 * throwaway store as `WPP_STORE`.
 */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return {
    WPP_GATEWAY_BASE_URL: sim.gatewayUrl,
    WPP_GATEWAY_SECRET: sim.secret,
    WPPCONNECT_BASE_URL: sim.wppconnectUrl,
    WPPCONNECT_SECRET_KEY: sim.secretKey,
    WPP_WEBHOOK_URL: sim.webhookUrl,
    WPP_ACTIVITY_URL: sim.activityUrl,
    WPP_STORE: sim.storeDir,
  };
}
