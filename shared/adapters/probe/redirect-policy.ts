import type { IncomingMessage } from 'node:http';
import type { ProbeTarget } from '../../checks/probe/types.js';
import { ProbeFailure } from './probe-failure.js';

const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization', 'host'];

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
  const headers = { ...hop.headers };
  if (url.origin !== hop.url.origin) for (const name of credentialHeaders) delete headers[name];
  if (becomesGet) {
    delete headers['content-type'];
    delete headers['content-length'];
  }
  return { url, method: becomesGet ? 'GET' : hop.method, headers, body: becomesGet ? undefined : hop.body };
}
