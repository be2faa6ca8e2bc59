import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedScope } from '../signature.js';
import { AwsFault } from './json11.js';

/** One REST-JSON route: the JSON body in, the JSON response out (or an {@link AwsFault}). */
export type RestRoute = (input: Record<string, unknown>, caller: SignedScope) => unknown;

/**
 * The AWS REST-JSON protocol (Resource Explorer): the operation is the
 * method and path (`POST /ListResources`), the body JSON; errors carry
 * their type in the `x-amzn-ErrorType` header and the body.
 */
export function restJson(
  routes: Readonly<Record<string, RestRoute>>,
): (request: IncomingMessage, body: string, caller: SignedScope, response: ServerResponse) => boolean {
  return (request, body, caller, response) => {
    const route = routes[`${request.method} ${request.url?.split('?')[0]}`];
    if (!route) return false;
    try {
      const output = route(JSON.parse(body || '{}') as Record<string, unknown>, caller);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(output));
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      response.writeHead(error.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': error.type,
      });
      response.end(JSON.stringify({ message: error.message }));
    }
    return true;
  };
}
