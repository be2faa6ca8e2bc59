import type { CostPolicyReport } from '../../shared/checks/cost-policy/evaluate.js';
import type { CandidateVerdict, CostResource } from '../../shared/checks/cost-policy/model.js';
import type { WaiverStatus } from '../../shared/checks/cost-policy/waivers.js';
import { describeProblem } from '../../shared/checks/tag-coverage/policy.js';
import {
  describeUnresolved,
  type TemplateTagReport,
  tagProblemFix,
} from '../../shared/checks/tag-coverage/template.js';
import type { UnexpandedLoop } from '../../shared/checks/template/language-extensions.js';
import type { CostPolicy, CostRuleKind } from '../../shared/config/cost-policy-schema.js';
import type { Severity } from '../../shared/core/severity.js';

/** The rule id of the tag policy in every report (as in `tag.violation` events). */
export const TAG_RULE_ID = 'required-tags';
/** Pseudo-rules for what the gate reports besides rule verdicts. */
export const NOT_JUDGED_RULE_ID = 'not-judged';
export const FOR_EACH_RULE_ID = 'for-each-unexpanded';
export const WAIVER_RULE_ID = 'cost-policy-waiver';

/**
 * One line of the gate's report:
 * - `violation`: breaks a rule (it blocks unless the rule is `info`);
 * - `unresolved`: depends on a value known only at deploy (every candidate judged);
 * - `waived`: breaks a rule under a waiver in force;
 * - `not-judged`: a custom resource, or resources of a loop known only at deploy.
 */
export interface GateFinding {
  readonly file: string;
  readonly line?: number;
  readonly logicalId: string;
  readonly type: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: 'violation' | 'unresolved' | 'waived' | 'not-judged';
  readonly blocking: boolean;
  readonly message: string;
  readonly fix?: string;
  readonly candidates?: readonly CandidateVerdict[];
  readonly waiver?: { readonly reason: string; readonly expires: string; readonly expired: boolean };
}

/** A rule as reports describe it (SARIF's rule descriptors, JUnit's classnames). */
export interface GateRule {
  readonly id: string;
  readonly kind: string;
  readonly description: string;
  readonly severity: Severity;
}

/** One checked template and its resources, in order. */
export interface GateTemplate {
  readonly file: string;
  readonly resources: ReadonlyArray<{
    readonly logicalId: string;
    readonly type: string;
    readonly line?: number;
  }>;
}

/** Everything `check-template` found, before rendering. */
export interface GateResult {
  readonly configFile: string;
  readonly templates: readonly GateTemplate[];
  readonly rules: readonly GateRule[];
  readonly findings: readonly GateFinding[];
  readonly waivers: readonly WaiverStatus[];
}

/** True when the gate blocks: a violation of a rule at `warning` or above. */
export function gateBlocks(result: GateResult): boolean {
  return result.findings.some((f) => f.blocking);
}

/** The tag policy's findings on one template. */
export function tagFindings(
  file: string,
  report: TemplateTagReport,
  lines: Readonly<Record<string, number>>,
): GateFinding[] {
  return report.resources.flatMap((resource) => {
    const base = {
      file,
      ...(lines[resource.logicalId] !== undefined && { line: lines[resource.logicalId] }),
      logicalId: resource.logicalId,
      type: resource.type,
      ruleId: TAG_RULE_ID,
      severity: 'error' as const,
    };
    const part = resource.part ? `${resource.part}: ` : '';
    return [
      ...(resource.invalidShape
        ? [
            {
              ...base,
              status: 'violation' as const,
              blocking: true,
              message: `${part}${resource.invalidShape}`,
              fix: 'write the tags in the shape the type takes',
            },
          ]
        : []),
      ...resource.problems.map((problem) => ({
        ...base,
        status: 'violation' as const,
        blocking: true,
        message: `${part}${describeProblem(problem)}`,
        fix: tagProblemFix(problem),
      })),
      ...resource.unresolved.map((tag) => ({
        ...base,
        status: 'unresolved' as const,
        blocking: false,
        message: `${part}unresolved at synth: ${describeUnresolved(tag)}`,
      })),
    ];
  });
}

/** Something of a template the gate reports instead of judging it, with why. */
export interface NotJudged {
  /** A logical id, or the key it sits under (`Fn::Transform`, `Transform`). */
  readonly logicalId: string;
  readonly type: string;
  /** Why: completes "not judged: …". */
  readonly reason: string;
  readonly line?: number;
}

/** Why a custom resource is not judged. */
export const CUSTOM_RESOURCE_REASON = 'a custom resource creates whatever its provider decides';

/** The property that names the template a nested stack, stack set or SAM application deploys. */
const NESTED_TEMPLATE_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::CloudFormation::Stack': 'TemplateURL',
  'AWS::CloudFormation::StackSet': 'TemplateBody or TemplateURL',
  'AWS::Serverless::Application': 'Location',
};

/**
 * Why the resources of a nested stack's, stack set's or SAM application's
 * template are not judged (the resource's own tags are): they are another
 * template, deployed as stacks of their own, inline or not.
 */
export function nestedTemplateReason(type: string): string | undefined {
  const property = NESTED_TEMPLATE_PROPERTY[type];
  return (
    property &&
    `the resources of the template it deploys (${property}) are judged only when the gate runs on that template; its own tags are judged here`
  );
}

/**
 * Why a type the resource specification does not know is not judged: its
 * tag property and cost-relevant settings are unknown.
 */
export function unknownTypeReason(type: string): string {
  return `${type} is not in the resource specification the gate reads (a third-party, module, macro or newer type): its tags and settings are unknown`;
}

/**
 * Custom resources, unknown types, content a transform writes at deploy
 * and unexpanded loops of one template: reported, never judged.
 */
export function notJudgedFindings(
  file: string,
  notJudged: readonly NotJudged[],
  loops: readonly UnexpandedLoop[],
  lines: Readonly<Record<string, number>>,
): GateFinding[] {
  return [
    ...notJudged.map(({ logicalId, type, reason, line }) => {
      const at = line ?? lines[logicalId];
      return {
        file,
        ...(at !== undefined && { line: at }),
        logicalId,
        type,
        ruleId: NOT_JUDGED_RULE_ID,
        severity: 'info' as const,
        status: 'not-judged' as const,
        blocking: false,
        message: `not judged: ${reason}`,
      };
    }),
    ...loops.map((loop) => ({
      file,
      logicalId: loop.loop,
      type: 'Fn::ForEach',
      ruleId: FOR_EACH_RULE_ID,
      severity: 'info' as const,
      status: 'not-judged' as const,
      blocking: false,
      message: `not judged: ${loop.reason}, so the resources it generates are unknown before deploy`,
    })),
  ];
}

/** The cost policy's findings, each placed in the template its resource came from. */
export function costFindings(
  report: CostPolicyReport,
  placeOf: (resource: CostResource) => { readonly file: string; readonly line?: number },
): GateFinding[] {
  return report.findings.map((finding) => {
    const where = placeOf(finding.resource);
    const waiver = finding.waiver;
    return {
      file: where.file,
      ...(where.line !== undefined && { line: where.line }),
      logicalId: finding.resource.logicalId ?? finding.resource.id,
      type: finding.resource.type,
      ruleId: finding.rule.id,
      severity: finding.rule.severity,
      status: finding.status,
      blocking: finding.status === 'violation' && finding.rule.severity !== 'info',
      message: finding.reason,
      ...(finding.fix !== undefined && { fix: finding.fix }),
      ...(finding.candidates && { candidates: finding.candidates }),
      ...(waiver && { waiver: { reason: waiver.reason, expires: waiver.expires, expired: waiver.expired } }),
    };
  });
}

/** Every rule reports can name: the tag policy, each cost rule, and the pseudo-rules. */
export function gateRules(hasTagPolicy: boolean, costPolicy: CostPolicy | undefined): GateRule[] {
  return [
    ...(hasTagPolicy
      ? [
          {
            id: TAG_RULE_ID,
            kind: 'required-tags',
            description: 'Every taggable resource carries the required tags with valid values.',
            severity: 'error' as const,
          },
        ]
      : []),
    ...(costPolicy?.rules ?? []).map((rule) => ({
      id: rule.id,
      kind: rule.kind,
      description: rule.description ?? RULE_KIND_TEXT[rule.kind],
      severity: rule.severity,
    })),
    {
      id: NOT_JUDGED_RULE_ID,
      kind: 'not-judged',
      description:
        'Custom resources, types the resource specification does not know, what a transform writes at deploy, and the templates nested stacks and stack sets deploy are not judged.',
      severity: 'info',
    },
    {
      id: FOR_EACH_RULE_ID,
      kind: 'not-judged',
      description: 'An Fn::ForEach loop whose collection is known only at deploy is not expanded.',
      severity: 'info',
    },
    ...(costPolicy?.waivers.length
      ? [
          {
            id: WAIVER_RULE_ID,
            kind: 'waiver',
            description: 'A waiver that no longer waives anything.',
            severity: 'warning' as const,
          },
        ]
      : []),
  ];
}

/** What each cost rule kind asks, for reports of rules without a description. */
export const RULE_KIND_TEXT: Readonly<Record<CostRuleKind, string>> = {
  'allowed-instance-types': 'Instance types, classes and node types are among the allowed ones.',
  'log-retention': 'Every log group, and every function’s log group, has a bounded retention.',
  's3-lifecycle': 'Every bucket expires or transitions objects and aborts incomplete multipart uploads.',
  'resource-limit': 'At most the allowed number of resources of a type per environment.',
  'volume-type': 'EBS volumes and RDS storage use allowed types, within size and IOPS caps.',
  egress: 'NAT gateways, internet gateways and open security-group egress only where allowed.',
};
