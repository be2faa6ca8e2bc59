import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedScope } from '../signature.js';

/** One query-protocol action: the form parameters in, the XML of `<Action>Result` out. */
export type QueryAction = (params: URLSearchParams, caller: SignedScope) => string;

/**
 * The AWS query protocol (STS): `POST /` with a form-encoded body
 * (`Action=AssumeRole&Version=2011-06-15&…`); the response is XML,
 * `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata/></ActionResponse>`.
 */
export function queryProtocol(
  xmlns: string,
  actions: Readonly<Record<string, QueryAction>>,
): (request: IncomingMessage, body: string, caller: SignedScope, response: ServerResponse) => boolean {
  return (request, body, caller, response) => {
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return false;
    const params = new URLSearchParams(body);
    const name = params.get('Action') ?? '';
    const action = actions[name];
    response.writeHead(action ? 200 : 400, { 'content-type': 'text/xml' });
    if (!action) {
      response.end(
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${name} is not faked</Message></Error></ErrorResponse>`,
      );
      return true;
    }
    response.end(
      `<${name}Response xmlns="${xmlns}"><${name}Result>${action(params, caller)}</${name}Result><ResponseMetadata><RequestId>fake-1</RequestId></ResponseMetadata></${name}Response>`,
    );
    return true;
  };
}
