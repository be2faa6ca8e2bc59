import type { IncomingMessage } from 'node:http';
import type { ProbeTarget } from '../../checks/probe/types.js';
import { ProbeFailure } from './probe-failure.js';

const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/**
 * The only request headers that follow a redirect to another origin. Any
 * other configured header (authorization, cookie, x-api-key...) may carry a
 * secret meant for the original origin, so it is dropped rather than guessed at.
 */
const crossOriginHeaders: ReadonlySet<string> = new Set([
  'accept',
  'accept-language',
  'user-agent',
  'cache-control',
]);

/** One request of a probe: the first, or one made to follow a redirect. */
export interface HopRequest {
  url: URL;
  method: ProbeTarget['method'];
  headers: Record<string, string>;
  body: string | undefined;
}

/** The next hop if `response` is a redirect we follow; throws when it must be refused. */
export function nextRedirect(
  response: IncomingMessage,
  hop: HopRequest,
  target: ProbeTarget,
  followed: number,
  visited: ReadonlySet<string>,
): HopRequest | undefined {
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (!redirectStatuses.has(status) || location === undefined || target.maxRedirects === 0) return undefined;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch (cause) {
    throw new ProbeFailure(
      'redirect',
      'INVALID_LOCATION',
      `redirect ${status} has an invalid Location "${location}"`,
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeFailure(
      'redirect',
      'UNSUPPORTED_PROTOCOL',
      `redirect to ${url.href} refused: only http and https are followed`,
    );
  }
  url.hash = '';
  // Configured headers and the body would then travel in clear text, and the
  // certificate checks would silently stop applying. A probe configured on http
  // never had either, so it may come back to http.
  if (url.protocol === 'http:' && new URL(target.url).protocol === 'https:') {
    throw new ProbeFailure(
      'redirect',
      'HTTPS_DOWNGRADE',
      `redirect from ${hop.url.href} to ${url.href} refused: a probe that starts on https never downgrades to http`,
    );
  }
  if (visited.has(url.href)) {
    throw new ProbeFailure('redirect', 'REDIRECT_LOOP', `redirect loop: ${url.href} was already requested`);
  }
  if (followed >= target.maxRedirects) {
    throw new ProbeFailure(
      'redirect',
      'TOO_MANY_REDIRECTS',
      `more than ${target.maxRedirects} redirects (next: ${url.href})`,
    );
  }
  // 303, and 301/302 after a POST, become a bodiless GET as browsers do; 307/308 replay the request.
  const becomesGet =
    status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST';
  const headers =
    url.origin === hop.url.origin ? { ...hop.headers } : crossOriginSubset(hop.headers, becomesGet);
  if (becomesGet) {
    delete headers['content-type'];
    delete headers['content-length'];
  }
  return { url, method: becomesGet ? 'GET' : hop.method, headers, body: becomesGet ? undefined : hop.body };
}

/** The headers that may go to another origin: the safe allow-list, plus content-type while the body is replayed. */
function crossOriginSubset(headers: Record<string, string>, becomesGet: boolean): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (crossOriginHeaders.has(lower) || (lower === 'content-type' && !becomesGet)) kept[name] = value;
  }
  return kept;
}
