/**
 * The nginx pages in front of the gateway, as its operators' nginx serves them.
 * @internal
 * @module
 */
import { htmlResponse } from './http-kit.js';

const NGINX = 'nginx/1.24.0';

function page(title: string): string {
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>${NGINX}</center></body></html>`;
}

/** nginx's Basic-auth 401, with the realm seen in production. */
export function nginxBasicAuth(): Response {
  return htmlResponse(401, page('401 Authorization Required'), {
    'Content-Type': 'text/html',
    Server: NGINX,
    'WWW-Authenticate': 'Basic realm="Acesso Restrito - Gateway WhatsApp"',
    'X-Server-Block': 'wpp-gateway',
  });
}

/** nginx's 502 or 504 page when the upstream wrapper is down or slow. */
export function nginxError(status: 502 | 504): Response {
  const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return htmlResponse(status, page(title), { 'Content-Type': 'text/html', Server: NGINX });
}
