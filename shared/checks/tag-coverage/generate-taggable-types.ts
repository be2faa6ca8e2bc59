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
    const info = resource.tagInformation;
    const property = info && resource.properties[info.tagPropertyName];
    if (!info || !property) {
      resourceTypes[resource.cloudFormationType] = {};
      continue;
    }
    const arnType = resource.arnTemplate ? arnTypeOf(resource.arnTemplate) : undefined;
    resourceTypes[resource.cloudFormationType] = {
      tagProperty: info.tagPropertyName,
      shape: info.variant === 'map' ? 'map' : shapeOf(db, property.type),
      ...(arnType !== undefined && { arnType }),
    };
  }
  return { source: `@aws-cdk/aws-service-spec ${version}`, resourceTypes };
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
