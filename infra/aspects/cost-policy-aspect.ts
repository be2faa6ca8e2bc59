import { Annotations, CfnResource, type IAspect, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { evaluateCostPolicy } from '../../shared/checks/cost-policy/evaluate.js';
import { resourcesFromTemplate } from '../../shared/checks/cost-policy/from-template/index.js';
import type { CostPolicy } from '../../shared/config/cost-policy-schema.js';

export interface CostPolicyAspectOptions {
  /** Tags the stacks get at deploy time (`cdk deploy --tags`); they name the environment too. */
  readonly stackTags?: Readonly<Record<string, string>>;
  /** When waivers are judged. @default the time the aspect is created */
  readonly now?: Date;
}

/** Warning ids, so that a team can acknowledge them. */
export const COST_POLICY_UNRESOLVED_WARNING = 'finops-guardrails:cost-policy-unresolved';
export const COST_POLICY_WAIVED_WARNING = 'finops-guardrails:cost-policy-waived';

/**
 * Applies the cost policy at synth, with the same rule functions and the
 * same template normalizer as `check-template`: an error annotation per
 * violation on the offending resource (so `cdk synth` fails), a warning per
 * verdict that depends on a value known only at deploy, and per waived
 * violation.
 *
 * Some rules need the whole stack (a function's log group, NAT gateways
 * counted per environment), and other aspects (such as `Tags.of`) may still
 * change resources after this one visits a stack. So the aspect only
 * registers a validation on each stack; the judgement runs once every aspect
 * has run, on the stack as it will be rendered.
 *
 * @example
 * Aspects.of(app).add(new CostPolicyAspect(config.costPolicy), { priority: AspectPriority.READONLY });
 */
export class CostPolicyAspect implements IAspect {
  private readonly stackTags: Readonly<Record<string, string>>;
  private readonly now: Date;

  constructor(
    private readonly policy: CostPolicy,
    options: CostPolicyAspectOptions = {},
  ) {
    this.stackTags = options.stackTags ?? {};
    this.now = options.now ?? new Date();
  }

  visit(node: IConstruct): void {
    if (!Stack.isStack(node)) return;
    node.node.addValidation({
      validate: () => {
        this.judge(node);
        // Findings are annotations on the resources, as with RequiredTagsAspect, not validation errors.
        return [];
      },
    });
  }

  private judge(stack: Stack): void {
    const byLogicalId = new Map<string, CfnResource>();
    const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = {};
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct) || Stack.of(construct) !== stack) continue;
      // `_toCloudFormation` is CDK-internal, but it is the only view of a resource with overrides and tags applied.
      const rendered = stack.resolve(
        (construct as unknown as { _toCloudFormation(): unknown })._toCloudFormation(),
      ) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
      for (const [logicalId, resource] of Object.entries(rendered.Resources ?? {})) {
        resources[logicalId] = resource;
        byLogicalId.set(logicalId, construct);
      }
    }
    const report = evaluateCostPolicy(
      resourcesFromTemplate({ Resources: resources }, { stackTags: this.stackTags }),
      this.policy,
      { now: this.now },
    );
    for (const finding of report.findings) {
      const node = byLogicalId.get(finding.resource.id);
      if (!node) continue;
      const where = `${finding.resource.id} (${finding.resource.type}): ${finding.rule.id}`;
      if (finding.status === 'violation' && finding.rule.severity !== 'info') {
        Annotations.of(node).addError(`${where}: ${finding.reason} (fix: ${finding.fix})`);
      } else if (finding.status === 'waived' && finding.waiver) {
        Annotations.of(node).addWarningV2(
          COST_POLICY_WAIVED_WARNING,
          `${where}: waived until ${finding.waiver.expires} (${finding.waiver.reason}): ${finding.reason}`,
        );
      } else {
        const candidates = finding.candidates?.map((c) => `${c.value} ${c.status}`).join('; ');
        Annotations.of(node).addWarningV2(
          COST_POLICY_UNRESOLVED_WARNING,
          `${where}: ${finding.status === 'unresolved' ? 'unresolved at synth: ' : ''}${finding.reason}${candidates ? `: ${candidates}` : ''}`,
        );
      }
    }
  }
}
