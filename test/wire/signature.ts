import type { IncomingMessage } from 'node:http';

/** What a SigV4 Authorization header says about the caller: its access key, and the region and service it signed for. */
export interface SignedScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  /** The account the fake's access keys encode (`AKIA<account>…`, `ASIA<account>…`). */
  readonly accountId: string;
}

/**
 * Reads `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, …`
 * (SigV4, "Authorization header" in the IAM user guide's signing reference).
 * The fake does not check the signature, only that the request is signed and
 * for which service and region, which is what AWS routes and scopes on.
 *
 * @throws Error when the request is not SigV4-signed.
 */
export function signedScope(request: IncomingMessage): SignedScope {
  const header = request.headers.authorization ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(header);
  if (!match) throw new Error(`request is not SigV4-signed: ${header || '(no Authorization header)'}`);
  const [, accessKeyId = '', region = '', service = ''] = match;
  return { accessKeyId, region, service, accountId: accountOfKey(accessKeyId) };
}

/** The fake's access keys carry their account: `AKIA111111111111…`. */
export function accountOfKey(accessKeyId: string): string {
  return /^A[KS]IA(\d{12})/.exec(accessKeyId)?.[1] ?? '000000000000';
}
