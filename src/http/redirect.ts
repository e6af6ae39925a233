/**
 * Redirects are never followed.
 *
 * `fetch` follows them by default, and when it does it sends every custom header (`X-Gateway-Secret`) to the
 * new origin: it strips only `Authorization` and `Cookie` on a cross-origin hop. WPPConnect's secret key
 * travels in the path of `generate-token`, so it goes wherever `Location` points. And a 301/302/303 turns a
 * POST into a GET: `createChannel` or `sendText` would "succeed" without anything being created or sent. So
 * the transport asks for `redirect: 'manual'` and turns any 3xx into a {@link RedirectError} here, naming only
 * the origin of the target (its path or query could carry anything the server echoed).
 * @module
 */
import { type ErrorContext, RedirectError } from '../errors.js';
import type { Redactor } from './redact.js';

/** Where a `Location` points, reduced to its origin; `undefined` when absent or unreadable. */
function originOf(
  location: string | null,
  requestUrl: string,
): { origin: string; protocol: string } | undefined {
  if (!location) return undefined;
  try {
    const target = new URL(location, requestUrl);
    // `origin` is 'null' for schemes that have none (data:, javascript:): say what scheme it was instead.
    return {
      origin: target.origin === 'null' ? `a ${target.protocol} URL` : target.origin,
      protocol: target.protocol,
    };
  } catch {
    return undefined;
  }
}

/**
 * The error for a redirect answer, or `undefined` when `response` is not one. Besides 3xx statuses this
 * catches an opaque redirect (what a browser's `fetch` returns for `redirect: 'manual'`) and a response that a
 * custom `fetch` followed anyway (`response.redirected`): its data came from somewhere else and is not trusted.
 * @internal
 */
export function redirectError(
  response: Response,
  requestUrl: string,
  context: ErrorContext & { status: number },
  redactor: Redactor,
): RedirectError | undefined {
  const isRedirectStatus = response.status >= 300 && response.status < 400;
  const opaque = response.type === 'opaqueredirect';
  const followed = response.redirected && !isRedirectStatus;
  if (!isRedirectStatus && !opaque && !followed) return undefined;

  const requestOrigin = new URL(requestUrl).origin;
  const target = followed
    ? originOf(response.url, requestUrl)
    : originOf(response.headers.get('location'), requestUrl);
  const sameOrigin = target?.origin === requestOrigin;
  const service = context.service === 'wppconnect' ? 'WPPConnect' : 'The gateway';
  const status = opaque ? 'a redirect' : `HTTP ${response.status}`;
  const where = target ? ` to ${redactor.text(target.origin)}${sameOrigin ? ' (the same origin)' : ''}` : '';
  const what = followed
    ? `${service}'s answer came through a redirect${where} that the fetch implementation followed; it is not used`
    : `${service} answered ${status} with a redirect${where}, which is never followed`;
  const why =
    context.method && context.method !== 'GET'
      ? `following it could send the credentials there and turn this ${context.method} into a GET`
      : 'following it could send the credentials there';
  const hint =
    target && !sameOrigin && new URL(requestUrl).protocol === 'http:' && target.protocol === 'https:'
      ? 'fix the base URL: use https://'
      : sameOrigin
        ? 'fix the base URL: the server wants another path or port (check the prefix and the trailing slash)'
        : 'fix the base URL (e.g. https:// instead of http://, or the host and port the service really answers on)';
  return new RedirectError(`${what} (${why}); ${hint}`, {
    ...context,
    status: response.status,
    ...(target ? { targetOrigin: redactor.text(target.origin) } : {}),
    sameOrigin,
  });
}
