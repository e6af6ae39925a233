/**
 * A server that echoes a secret in another encoding must not leak it through `message`, `stack`,
 * `bodyExcerpt`, `toJSON` or `inspect`: PHP's `json_encode` (`/` as `\/`, which every base64 secret has),
 * lower-case `%xx`, `+` for a space, `encodeURI`, `\uXXXX`, HTML entities, base64, and layers of them.
 * Each form, on a 401, a 400, a 500 and a 200 with `success:false`, as JSON and as an HTML page, through
 * both clients. Excerpts are built from the decoded text, so a person reads plain text.
 */
import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { WhatsAppGatewayClient, WhatsAppSdkError, WppConnectClient } from '../../src/index.js';
import { noSleep, useMsw } from '../helpers/harness.js';
import { rejectionOf } from './helpers.js';

const server = useMsw();
const GATEWAY = 'http://gateway.test';
const WPP = 'http://wpp.test:21465';

/** Base64-like, as real secrets are: `/`, `+` and `=` are what the encoders rewrite. */
const SECRET = 'Zk8/qW+3xT=pL/9vRm';
/** Has spaces, so form encoding writes `+` for them; travels in a path. */
const KEY = 'my key/with+spaces=7';

const percentAll = (s: string) =>
  [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const unicodeAll = (s: string) =>
  [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** Every form in which a server has been seen to echo a secret. */
function forms(secret: string): Array<[string, string]> {
  return [
    ['raw', secret],
    ['JSON \\/ (PHP json_encode)', secret.replace(/\//g, '\\/')],
    ['upper-case %XX', encodeURIComponent(secret)],
    ['lower-case %xx', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['every byte %xx', percentAll(secret)],
    ['+ for space (form encoding)', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['encodeURI', encodeURI(secret)],
    ['\\uXXXX', unicodeAll(secret)],
    [
      'HTML decimal entities',
      [...secret].map((c) => (/[a-z0-9]/i.test(c) ? c : `&#${c.charCodeAt(0)};`)).join(''),
    ],
    ['HTML hex entities', [...secret].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')],
    [
      'HTML named entities',
      secret
        .replace(/\//g, '&sol;')
        .replace(/\+/g, '&plus;')
        .replace(/=/g, '&equals;')
        .replace(/ /g, '&#32;'),
    ],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64 inside Basic user:secret', Buffer.from(`user:${secret}`).toString('base64')],
    ['base64url', Buffer.from(`ab${secret}`).toString('base64url')],
    ['twice URL-encoded', encodeURIComponent(encodeURIComponent(secret))],
    ['HTML-escaped JSON escape', secret.replace(/\//g, '&#92;/')],
  ];
}

/** What must never appear: the secret and any 8-character slice of it, raw or in a given echoed form. */
function leaksOf(text: string, secret: string, form: string): string[] {
  const needles = new Set([form]);
  for (let i = 0; i + 8 <= secret.length; i++) needles.add(secret.slice(i, i + 8));
  return [...needles].filter((needle) => text.includes(needle));
}

function renderings(error: WhatsAppSdkError): Array<[string, string]> {
  return [
    ['message', error.message],
    ['stack', error.stack ?? ''],
    ['bodyExcerpt', error.bodyExcerpt ?? ''],
    ['toJSON', JSON.stringify(error)],
    ['inspect', inspect(error, { depth: 8 })],
  ];
}

type Shape = 'json' | 'html';
const STATUSES = [401, 400, 500, 200] as const;

function body(status: number, shape: Shape, echoed: string): Response {
  if (shape === 'json') {
    return HttpResponse.json({ success: false, error: `rejected ${echoed} for sales` }, { status });
  }
  return new HttpResponse(
    `<html><head><title>Error ${echoed}</title></head><body><p>request had ${echoed}</p></body></html>`,
    { status, headers: { 'Content-Type': 'text/html' } },
  );
}

const cases = STATUSES.flatMap((status) =>
  (['json', 'html'] as const).flatMap((shape) => [{ status, shape }]),
);

describe('the gateway secret, echoed in any encoding, never reaches an error', () => {
  it.each(cases)('HTTP $status, $shape body', async ({ status, shape }) => {
    const problems: string[] = [];
    for (const [name, echoed] of forms(SECRET)) {
      server.resetHandlers();
      server.use(http.get(`${GATEWAY}/api/channels/sales`, () => body(status, shape, echoed)));
      const client = new WhatsAppGatewayClient({
        baseUrl: GATEWAY,
        secret: SECRET,
        sleep: noSleep,
        retry: 0,
      });
      const error = await rejectionOf(client.getChannel('sales'));
      expect(error, name).toBeInstanceOf(WhatsAppSdkError);
      for (const [where, text] of renderings(error as WhatsAppSdkError)) {
        for (const leak of leaksOf(text, SECRET, echoed)) problems.push(`${name} / ${where}: ${leak}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the WPPConnect secret key (with spaces, in the path), echoed in any encoding, never reaches an error', () => {
  it.each(cases)('HTTP $status, $shape body', async ({ status, shape }) => {
    const problems: string[] = [];
    for (const [name, echoed] of forms(KEY)) {
      server.resetHandlers();
      server.use(http.post(`${WPP}/api/:session/:key/generate-token`, () => body(status, shape, echoed)));
      const client = new WppConnectClient({ baseUrl: WPP, secretKey: KEY, sleep: noSleep, retry: 0 });
      const error = await rejectionOf(client.generateToken('sales'));
      expect(error, name).toBeInstanceOf(WhatsAppSdkError);
      for (const [where, text] of renderings(error as WhatsAppSdkError)) {
        for (const leak of leaksOf(text, KEY, echoed)) problems.push(`${name} / ${where}: ${leak}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('excerpts are decoded text', () => {
  it('reads %2f, \\/ and &amp; as the characters they stand for, and shows control characters', async () => {
    server.use(
      http.get(`${GATEWAY}/api/channels/sales`, () =>
        HttpResponse.json(
          { success: false, error: 'path a%2fb, c\\/d, e &amp; f, bell %07' },
          { status: 400 },
        ),
      ),
    );
    const client = new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, sleep: noSleep });
    const error = (await rejectionOf(client.getChannel('sales'))) as WhatsAppSdkError;
    expect(error.message).toContain('path a/b, c/d, e & f, bell \\x07');
    expect(error.message).not.toContain('\u0007');
  });

  it('words that merely look like a short secret are left alone (secrets under 8 characters are refused)', async () => {
    server.use(
      http.get(`${GATEWAY}/api/channels/sales`, () =>
        HttpResponse.json({ success: false, error: 'Canal sales não encontrado' }, { status: 404 }),
      ),
    );
    const client = new WhatsAppGatewayClient({ baseUrl: GATEWAY, secret: SECRET, sleep: noSleep });
    const error = (await rejectionOf(client.getChannel('sales'))) as WhatsAppSdkError;
    expect(error.message).toContain('Canal sales não encontrado');
  });
});
