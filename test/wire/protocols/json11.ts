import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedScope } from '../signature.js';

/** An AWS error as the JSON protocols carry it: `__type` and `message`, with an HTTP status. */
export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** One JSON 1.1 operation: the parsed body in, the response body out (or an {@link AwsFault}). */
export type JsonOperation = (input: Record<string, unknown>, caller: SignedScope) => unknown;

/**
 * The AWS JSON 1.1 protocol (Organizations, Tagging API, Cost Explorer,
 * Config): `POST /` with `Content-Type: application/x-amz-json-1.1` and
 * `X-Amz-Target: <ServiceTarget>.<Operation>`; the response is JSON of the
 * same content type, errors `{"__type", "message"}` with a 4xx status.
 */
export function json11(
  target: string,
  operations: Readonly<Record<string, JsonOperation>>,
): (request: IncomingMessage, body: string, caller: SignedScope, response: ServerResponse) => boolean {
  return (request, body, caller, response) => {
    const header = String(request.headers['x-amz-target'] ?? '');
    if (!header.startsWith(`${target}.`)) return false;
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    const operation = operations[header.slice(target.length + 1)];
    if (!operation) {
      reply(400, { __type: 'UnknownOperationException', message: `${header} is not faked` });
      return true;
    }
    if (!String(request.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
      reply(400, { __type: 'SerializationException', message: 'expected application/x-amz-json-1.1' });
      return true;
    }
    try {
      reply(200, operation(JSON.parse(body || '{}') as Record<string, unknown>, caller));
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      reply(error.status, { __type: error.type, message: error.message });
    }
    return true;
  };
}
