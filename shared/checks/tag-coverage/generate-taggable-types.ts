import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, SpecDatabase } from '@aws-cdk/service-spec-types';
import { parseArn } from '../../core/arn.js';
import type { ResourceTypeInfo, TaggableTypesData, TagShape } from './taggable-types.js';

/**
 * `npm run taggable-types`: regenerates `taggable-types.json` from the
 * CloudFormation resource specification in `@aws-cdk/aws-service-spec`.
 * The spec is about 2.6 MB gzipped, so the checker reads this compact
 * extract instead; a test fails when the extract is stale.
 */

const OUTPUT = join(import.meta.dirname, 'taggable-types.json');
/** Biome's line width: a longer entry is written expanded, as `biome format` would. */
const LINE_WIDTH = 110;

/** The version of the installed spec package, recorded in the extract. */
export function specVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(
    readFileSync(require.resolve('@aws-cdk/aws-service-spec/package.json'), 'utf8'),
  );
  return String((manifest as { version: unknown }).version);
}

/** Every CloudFormation resource type in the spec, with where and how it holds its tags. */
export function extractTaggableTypes(db: SpecDatabase, version: string): TaggableTypesData {
  const resourceTypes: Record<string, ResourceTypeInfo> = {};
  const sorted = [...db.all('resource')].sort((a, b) =>
    a.cloudFormationType < b.cloudFormationType ? -1 : a.cloudFormationType > b.cloudFormationType ? 1 : 0,
  );
  for (const resource of sorted) {
    const type = resource.cloudFormationType;
    const arnType = resource.arnTemplate ? arnTypeOf(resource.arnTemplate) : undefined;
    const arn = arnType !== undefined ? { arnType } : {};
    const info = resource.tagInformation;
    const property = info && resource.properties[info.tagPropertyName];
    const specificationType = SELF_TAG_SPECIFICATIONS[type];
    if (info && property) {
      resourceTypes[type] = {
        tagProperty: info.tagPropertyName,
        shape: info.variant === 'map' ? 'map' : shapeOf(db, property.type),
        ...arn,
      };
    } else if (specificationType !== undefined && resource.properties.TagSpecifications) {
      resourceTypes[type] = {
        tagProperty: 'TagSpecifications',
        shape: 'specifications',
        specificationType,
        ...arn,
      };
    } else {
      const shape = untrackedTagsShape(db, resource.properties.Tags?.type);
      resourceTypes[type] = shape ? { tagProperty: 'Tags', shape, ...arn } : {};
    }
  }
  for (const [type, info] of Object.entries(TYPES_NOT_IN_SPEC))
    if (!Object.hasOwn(resourceTypes, type)) resourceTypes[type] = info;
  const sortedTypes = Object.keys(resourceTypes).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    source: `@aws-cdk/aws-service-spec ${version}`,
    resourceTypes: Object.fromEntries(sortedTypes.map((type) => [type, resourceTypes[type] ?? {}])),
  };
}

/**
 * Types the spec gives no tag information, although CloudFormation tags the
 * resource itself through the `TagSpecifications` items whose `ResourceType`
 * is this value (CloudFormation Template Reference: the TagSpecification
 * property type of each; `LaunchTemplateTagSpecification` for launch templates).
 */
const SELF_TAG_SPECIFICATIONS: Readonly<Record<string, string>> = {
  'AWS::EC2::CapacityReservation': 'capacity-reservation',
  'AWS::EC2::ClientVpnEndpoint': 'client-vpn-endpoint',
  'AWS::EC2::EC2Fleet': 'fleet',
  'AWS::EC2::LaunchTemplate': 'launch-template',
};

/**
 * SAM resource types the spec does not list (AWS SAM Developer Guide,
 * resource reference): `GraphQLApi` takes `Tags` as a list of `{Key, Value}`,
 * passed to its `AWS::AppSync::GraphQLApi`; `Connector` only writes IAM
 * policies and has no tags.
 */
const TYPES_NOT_IN_SPEC: Readonly<Record<string, ResourceTypeInfo>> = {
  'AWS::Serverless::Connector': {},
  'AWS::Serverless::GraphQLApi': { tagProperty: 'Tags', shape: 'list' },
};

/**
 * The shape of a top-level `Tags` property on a type the spec gives no tag
 * information (`AWS::OpsWorks::Stack`, `AWS::OpsWorksCM::Server`): a list of
 * tags, or of a type with `Key` and `Value`, or a map of strings. Anything
 * else (a JSON blob) is not read as tags.
 */
function untrackedTagsShape(db: SpecDatabase, type: PropertyType | undefined): TagShape | undefined {
  if (type?.type === 'map' && type.element.type === 'string') return 'map';
  if (type?.type !== 'array') return undefined;
  if (type.element.type === 'tag') return 'list';
  if (type.element.type !== 'ref') return undefined;
  const definition = db.get('typeDefinition', type.element.reference.$ref);
  return 'Key' in definition.properties && 'Value' in definition.properties ? 'list' : undefined;
}

/** `standard` and `asg` tags are a list of `{Key, Value}`; one resource wraps the list in `{Items}`. */
function shapeOf(db: SpecDatabase, type: PropertyType): TagShape {
  if (type.type !== 'ref') return 'list';
  const definition = db.get('typeDefinition', type.reference.$ref);
  return 'Items' in definition.properties ? 'items' : 'list';
}

/** `service:type` as the Tagging API reports it, from the ARN template (`arn:${Partition}:logs:…:log-group:${Name}`). */
function arnTypeOf(arnTemplate: string): string | undefined {
  try {
    const { resourceType } = parseArn(arnTemplate);
    // A bare service (`iot`) or a placeholder (`${Name}`) names no type.
    return resourceType.includes(':') && !resourceType.includes('$') ? resourceType : undefined;
  } catch {
    return undefined;
  }
}

/** The extract as committed: sorted, one resource type per line, formatted as Biome formats JSON. */
export function renderTaggableTypes(data: TaggableTypesData): string {
  const entries = Object.entries(data.resourceTypes).map(([type, info]) => {
    const fields = Object.entries(info).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const inline = `    ${JSON.stringify(type)}: ${fields.length ? `{ ${fields.join(', ')} }` : '{}'},`;
    if (inline.length <= LINE_WIDTH) return inline.slice(0, -1);
    return `    ${JSON.stringify(type)}: {\n${fields.map((f) => `      ${f}`).join(',\n')}\n    }`;
  });
  return `{\n  "source": ${JSON.stringify(data.source)},\n  "resourceTypes": {\n${entries.join(',\n')}\n  }\n}\n`;
}

if (import.meta.main) {
  const data = extractTaggableTypes(await loadAwsServiceSpec(), specVersion());
  writeFileSync(OUTPUT, renderTaggableTypes(data));
  const taggable = Object.values(data.resourceTypes).filter((i) => i.tagProperty).length;
  process.stdout.write(
    `wrote ${OUTPUT}: ${Object.keys(data.resourceTypes).length} resource types, ${taggable} taggable (${data.source})\n`,
  );
}
