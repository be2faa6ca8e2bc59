import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configService } from './services/config.js';
import { type CostTagStatus, costExplorerService } from './services/cost-explorer.js';
import { organizationsService } from './services/organizations.js';
import { resourceExplorerService } from './services/resource-explorer.js';
import { stsService } from './services/sts.js';
import { taggingService } from './services/tagging.js';
import { type SignedScope, signedScope } from './signature.js';
import type { World } from './world.js';

type Handler = (
  request: IncomingMessage,
  body: string,
  caller: SignedScope,
  response: ServerResponse,
) => boolean;

/** One request the fake answered: who signed it, for which service and region, and what it asked. */
export interface WireCall {
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly operation: string;
}

export interface FakeAws {
  readonly url: string;
  readonly calls: readonly WireCall[];
  /** The SDK's per-service endpoint variables, all pointing at this fake. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * A local AWS that speaks each service's own protocol on 127.0.0.1, for
 * the SDK's standard `AWS_ENDPOINT_URL_<SERVICE_ID>` variables (the service
 * id upper-cased, spaces as underscores: `AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API`).
 */
export async function startFakeAws(
  world: World,
  options: {
    readonly viewIncludesTags?: boolean;
    /** The cost allocation tag keys billing data has seen, and their status. */
    readonly costTags?: Readonly<Record<string, CostTagStatus>>;
  } = {},
): Promise<FakeAws> {
  const handlers: Handler[] = [
    organizationsService(world),
    taggingService(world),
    costExplorerService(options.costTags),
    configService(world),
    resourceExplorerService(world, { includeTags: options.viewIncludesTags ?? true }),
    stsService(),
  ];
  const calls: WireCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let caller: SignedScope;
      try {
        caller = signedScope(request);
      } catch (error) {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ __type: 'MissingAuthenticationTokenException', message: String(error) }),
        );
        return;
      }
      calls.push({
        service: caller.service,
        region: caller.region,
        accountId: caller.accountId,
        operation:
          String(request.headers['x-amz-target'] ?? '').split('.')[1] ??
          new URLSearchParams(body).get('Action') ??
          request.url ??
          '',
      });
      if (!handlers.some((handle) => handle(request, body, caller, response))) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            __type: 'UnknownOperationException',
            message: `${request.method} ${request.url}`,
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = Object.fromEntries(
    [
      'ORGANIZATIONS',
      'RESOURCE_GROUPS_TAGGING_API',
      'COST_EXPLORER',
      'CONFIG_SERVICE',
      'RESOURCE_EXPLORER_2',
      'STS',
    ].map((service) => [`AWS_ENDPOINT_URL_${service}`, url]),
  );
  return {
    url,
    calls,
    env,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
