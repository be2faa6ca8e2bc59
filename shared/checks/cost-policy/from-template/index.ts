import { templateScope } from '../../template/resolve.js';
import type { CostResource, ResourceFacts } from '../model.js';
import { numberAt, templateSizes, templateVolumes } from './compute.js';
import { templateLogGroups } from './logs.js';
import { templateEgress } from './network.js';
import { serviceSizes } from './service-sizes.js';
import { templateLifecycle } from './storage.js';
import { templateResourceTags } from './tags.js';

/** A template after SAM Globals and `Fn::ForEach` are applied: what `parseCfnTemplate` returns. */
export interface CostTemplate {
  readonly Resources: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
  readonly [section: string]: unknown;
}

export interface TemplateResourceOptions {
  /** Tags every resource gets at deploy (`cdk deploy --tags`, the manifest's stack tags). */
  readonly stackTags?: Readonly<Record<string, string>>;
}

/**
 * Every resource of a template in the normalized model, in template order.
 * Facts that need the whole template (a function's log group, the security
 * group a standalone egress rule belongs to, an attached internet gateway)
 * are computed here, so that each rule judges one resource.
 */
export function resourcesFromTemplate(
  template: CostTemplate,
  options: TemplateResourceOptions = {},
): CostResource[] {
  const scope = templateScope(template);
  const logs = templateLogGroups(template.Resources, scope);
  const egress = templateEgress(template.Resources, scope);
  return Object.entries(template.Resources).map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const type = resource.Type;
    const sizes = templateSizes(type, props, scope) ?? serviceSizes(type, props, scope);
    const volumes = templateVolumes(type, props, scope);
    const functionLogGroup = logs.functions.get(logicalId);
    const owner = logs.ownedBy.get(logicalId);
    const paths = egress.get(logicalId);
    const facts: ResourceFacts = {
      ...(sizes && { sizes }),
      ...(volumes && { volumes }),
      ...(type === 'AWS::Logs::LogGroup' && {
        logRetention: {
          days: numberAt(props, ['RetentionInDays'], scope),
          ...(owner && { judgedWith: owner }),
        },
      }),
      ...(functionLogGroup && { functionLogGroup }),
      ...(type === 'AWS::S3::Bucket' && { lifecycle: templateLifecycle(props, scope) }),
      ...(paths && { egress: paths }),
    };
    return {
      source: 'template',
      id: logicalId,
      logicalId,
      type,
      tags: templateResourceTags(type, props, options.stackTags ?? {}, scope),
      facts,
    };
  });
}
