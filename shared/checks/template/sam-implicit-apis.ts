import { isRecord } from './resolve.js';

/**
 * The APIs SAM creates for event sources that name no API of the template
 * (AWS SAM, "Generated resources": one implicit REST API `ServerlessRestApi`
 * per stack for `Api` events without `RestApiId`, one implicit HTTP API
 * `ServerlessHttpApi` for `HttpApi` events without `ApiId`). They are
 * written as the `AWS::Serverless::Api` / `AWS::Serverless::HttpApi` SAM
 * builds, with no properties: `Globals` apply to them as to explicit APIs,
 * so `Globals.HttpApi.Tags` tags the implicit HTTP API and nothing can tag
 * the implicit REST API but the stack's tags.
 *
 * Returns the resources with the implicit APIs added, and for each added
 * API the logical id of the first function or state machine whose event
 * creates it (for the report's line). An id the template already uses is
 * left alone.
 *
 * @example
 * addSamImplicitApis({ Fn: { Type: 'AWS::Serverless::Function', Properties: { Events: { Get: { Type: 'Api' } } } } })
 * // { resources: { Fn: …, ServerlessRestApi: { Type: 'AWS::Serverless::Api', Properties: {} } },
 * //   createdBy: Map { 'ServerlessRestApi' => 'Fn' } }
 */
export function addSamImplicitApis(resources: Readonly<Record<string, unknown>>): {
  resources: Record<string, unknown>;
  createdBy: Map<string, string>;
} {
  const added: Record<string, unknown> = {};
  const createdBy = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || !EVENT_SOURCES.has(String(resource.Type))) continue;
    const events = isRecord(resource.Properties) ? resource.Properties.Events : undefined;
    if (!isRecord(events)) continue;
    for (const event of Object.values(events)) {
      const implicit = isRecord(event) ? implicitApiOf(event) : undefined;
      if (!implicit || Object.hasOwn(resources, implicit.id) || createdBy.has(implicit.id)) continue;
      added[implicit.id] = { Type: implicit.type, Properties: {} };
      createdBy.set(implicit.id, id);
    }
  }
  return { resources: { ...resources, ...added }, createdBy };
}

/** The SAM types whose `Events` may create an implicit API. */
const EVENT_SOURCES = new Set(['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']);

function implicitApiOf(event: Record<string, unknown>): { id: string; type: string } | undefined {
  const properties = isRecord(event.Properties) ? event.Properties : {};
  if (event.Type === 'Api' && properties.RestApiId === undefined)
    return { id: 'ServerlessRestApi', type: 'AWS::Serverless::Api' };
  if (event.Type === 'HttpApi' && properties.ApiId === undefined)
    return { id: 'ServerlessHttpApi', type: 'AWS::Serverless::HttpApi' };
  return undefined;
}
