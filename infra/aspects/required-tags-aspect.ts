// Registers the RE2 compiler that compileTagPolicy uses (the Lambda bundles load it lazily).
import '../../shared/config/pattern.js';
import { Annotations, CfnResource, type IAspect, Stack, TagManager, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  type CompiledTagPolicy,
  compileTagPolicy,
  describeProblem,
} from '../../shared/checks/tag-coverage/policy.js';
import { taggability } from '../../shared/checks/tag-coverage/taggable-types.js';
import { describeUnresolved, resourceTagVerdict } from '../../shared/checks/tag-coverage/template.js';
import type { TagPolicy } from '../../shared/config/schema.js';

export interface RequiredTagsAspectOptions {
  /** Tags the stacks get at deploy time (`cdk deploy --tags`); they count as present on every resource. */
  readonly stackTags?: Readonly<Record<string, string>>;
}

/** Id of the warning on tags computed at deploy time, so it can be acknowledged. */
export const UNRESOLVED_TAG_WARNING = 'finops-guardrails:unresolved-tag';

/**
 * Applies the tag policy at synth: an error annotation per violation on
 * every taggable resource (CDK then fails `app.synth()` with ValidationFailed),
 * and a warning per required tag whose value is only known at deploy time.
 * It judges with the same code as `check-template`.
 *
 * Add it after the tags, with read-only priority, so it sees them:
 *
 * @example
 * Aspects.of(app).add(new RequiredTagsAspect(config.tagPolicy), { priority: AspectPriority.READONLY });
 */
export class RequiredTagsAspect implements IAspect {
  private readonly policy: CompiledTagPolicy;
  private readonly stackTags: Readonly<Record<string, string>>;

  constructor(policy: TagPolicy | CompiledTagPolicy, options: RequiredTagsAspectOptions = {}) {
    this.policy = 'rules' in policy ? policy : compileTagPolicy(policy);
    this.stackTags = options.stackTags ?? {};
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const stack = Stack.of(node);
    const type = node.cfnResourceType;
    const verdict = resourceTagVerdict(type, stack.resolve(renderedTags(node)), this.policy, {
      stackTags: this.stackTags,
      ...(!Token.isUnresolved(stack.account) && { accountId: stack.account }),
    });
    if (verdict.status !== 'checked') return;
    const where = `${stack.resolve(node.logicalId)} (${type})`;
    for (const problem of verdict.problems) {
      Annotations.of(node).addError(`${where}: ${describeProblem(problem)}`);
    }
    for (const tag of verdict.unresolved) {
      Annotations.of(node).addWarningV2(
        UNRESOLVED_TAG_WARNING,
        `${where}: unresolved at synth: ${describeUnresolved(tag)}`,
      );
    }
  }
}

/**
 * The tag property as it will be rendered, in the shape of the type. L1 and
 * L2 resources keep their tags in a TagManager (where `Tags.of(...)` puts
 * them too); a bare `CfnResource` of a taggable type has them only in its
 * properties.
 */
function renderedTags(node: CfnResource): unknown {
  const known = taggability(node.cfnResourceType);
  if (known.kind !== 'taggable') return undefined;
  const manager = TagManager.of(node);
  if (manager) {
    // renderTags() gives the L1 prop shape (`{key, value}`); tagValues() is shape-free.
    const values = manager.tagValues();
    if (known.shape === 'map') return values;
    const list = Object.entries(values).map(([Key, Value]) => ({ Key, Value }));
    return known.shape === 'items' ? { Items: list } : list;
  }
  // `_toCloudFormation` is CDK-internal, but it is the only view of a bare
  // CfnResource's properties with overrides applied.
  const rendered = (node as unknown as { _toCloudFormation(): unknown })._toCloudFormation() as {
    Resources?: Record<string, { Properties?: Record<string, unknown> }>;
  };
  const [resource] = Object.values(rendered.Resources ?? {});
  return resource?.Properties?.[known.tagProperty];
}
