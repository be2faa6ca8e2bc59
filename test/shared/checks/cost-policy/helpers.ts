import {
  type ConfigItemOptions,
  resourceFromConfigItem,
} from '../../../../shared/checks/cost-policy/from-config/index.js';
import { resourcesFromTemplate } from '../../../../shared/checks/cost-policy/from-template/index.js';
import type { CostResource, RuleContext, RuleVerdict } from '../../../../shared/checks/cost-policy/model.js';
import { COST_RULES } from '../../../../shared/checks/cost-policy/rules/index.js';
import {
  type CostRule,
  type CostRuleKind,
  type CostRuleOf,
  costRuleSchema,
} from '../../../../shared/config/cost-policy-schema.js';

type TemplateResources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A rule as the config schema parses it (defaults applied). */
export function parseRule<K extends CostRuleKind>(
  input: { kind: K } & Record<string, unknown>,
): CostRuleOf<K> {
  return costRuleSchema.parse({ id: `${input.kind}-rule`, ...input }) as CostRuleOf<K>;
}

/** The normalized resource of logical id `id` in a template made of `resources`. */
export function templateResource(
  resources: TemplateResources,
  id: string,
  extra: Record<string, unknown> = {},
): CostResource {
  const all = resourcesFromTemplate({ Resources: resources, ...extra });
  const found = all.find((r) => r.id === id);
  if (!found) throw new Error(`no resource ${id}`);
  return found;
}

/** A Config item in the normalized model (it must not be a deleted one). */
export function configResource(raw: unknown, options: ConfigItemOptions = {}): CostResource {
  const resource = resourceFromConfigItem(raw, options);
  if (!resource) throw new Error('deleted item');
  return resource;
}

/** One rule's own verdict on one resource (no environment selection, no waivers). */
export function verdict(
  resource: CostResource,
  rule: CostRule,
  context: Partial<RuleContext> = {},
): RuleVerdict {
  const judge = COST_RULES[rule.kind].judge as (
    r: CostResource,
    rule: CostRule,
    c: RuleContext,
  ) => RuleVerdict;
  return judge(resource, rule, {
    environment: undefined,
    environmentTagKey: 'environment',
    peers: [resource],
    ...context,
  });
}
