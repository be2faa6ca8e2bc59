// Registers the RE2 compiler that policy and probe judgements use (the Lambda bundles load it lazily).
import '../../shared/config/pattern.js';
import { type Command, Option } from 'commander';
import {
  type AssemblyTemplate,
  cloudAssemblyTemplates,
  isDirectory,
  readCfnTemplateWithDetails,
} from '../../shared/adapters/file/cfn-template.js';
import { evaluateCostPolicy } from '../../shared/checks/cost-policy/evaluate.js';
import { resourcesFromTemplate } from '../../shared/checks/cost-policy/from-template/index.js';
import type { CostResource } from '../../shared/checks/cost-policy/model.js';
import { compileTagPolicy } from '../../shared/checks/tag-coverage/policy.js';
import { taggability } from '../../shared/checks/tag-coverage/taggable-types.js';
import {
  type CfnTemplate,
  checkTemplateTags,
  isCustomResource,
} from '../../shared/checks/tag-coverage/template.js';
import { ConfigError, InputError } from '../../shared/core/errors.js';
import { loadCliConfig } from '../config-hint.js';
import { type CliIo, EXIT } from '../io.js';
import {
  CUSTOM_RESOURCE_REASON,
  costFindings,
  type GateFinding,
  type GateResult,
  type GateTemplate,
  gateBlocks,
  gateRules,
  type NotJudged,
  nestedTemplateReason,
  notJudgedFindings,
  tagFindings,
  unknownTypeReason,
} from '../template-gate/gate-result.js';
import { renderJson } from '../template-gate/render-json.js';
import { renderJunit } from '../template-gate/render-junit.js';
import { renderSarif } from '../template-gate/render-sarif.js';
import { renderText, summaryLine } from '../template-gate/render-text.js';

export const CHECK_TEMPLATE_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type CheckTemplateFormat = (typeof CHECK_TEMPLATE_FORMATS)[number];

export interface CheckTemplateOptions {
  readonly config?: string;
  /** `k=v,k2=v2`: tags `cdk deploy --tags` gives every stack; they count as present on every resource. */
  readonly stackTags?: string;
  readonly format?: CheckTemplateFormat;
  /** ISO time at which waivers are judged. @default now */
  readonly now?: string;
  /** Where relative SARIF paths start. @default process.cwd() */
  readonly cwd?: string;
}

/** `check-template FILE...`: the tag and cost policies on CloudFormation templates before deploy. */
export function registerCheckTemplate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('check-template')
    .description(
      'check CloudFormation templates (JSON, YAML, SAM or a cdk.out directory) against the tag and cost policies',
    )
    .argument('<files...>', 'template files, or cdk.out directories (their stacks and stack tags)')
    .option('-c, --config <file>', 'config file with the tagPolicy and costPolicy', 'guardrails.config.yaml')
    .option('--stack-tags <tags>', 'k=v,... tags given to the stacks at deploy time (cdk deploy --tags)')
    .addOption(
      new Option('--format <format>', 'output format').choices(CHECK_TEMPLATE_FORMATS).default('text'),
    )
    .option('--now <iso>', 'judge waiver expiry as of this time (default: now)')
    .action((files: string[], options: CheckTemplateOptions) =>
      setExit(checkTemplateCommand(files, options, io)),
    );
}

/**
 * The `check-template` command, callable from tests. Writes the report in
 * the chosen format to stdout and a summary to stderr; returns exit code 1
 * when a violation of a rule at `warning` or above is found.
 */
export function checkTemplateCommand(
  files: readonly string[],
  options: CheckTemplateOptions,
  io: CliIo,
): number {
  let result: GateResult;
  try {
    result = checkTemplates(files, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  const format = options.format ?? 'text';
  io.stdout.write(
    format === 'json'
      ? renderJson(result)
      : format === 'sarif'
        ? renderSarif(result, options.cwd ?? process.cwd())
        : format === 'junit'
          ? renderJunit(result)
          : renderText(result),
  );
  io.stderr.write(summaryLine(result));
  return gateBlocks(result) ? EXIT.findings : EXIT.ok;
}

/** Reads the config and every template, and judges them. */
export function checkTemplates(files: readonly string[], options: CheckTemplateOptions): GateResult {
  const configFile = options.config ?? 'guardrails.config.yaml';
  const config = loadCliConfig(configFile);
  const { tagPolicy, costPolicy } = config;
  if (!tagPolicy && !costPolicy)
    throw new ConfigError(configFile, 'has neither a tagPolicy nor a costPolicy');
  const now = parseNow(options.now);
  const policy = tagPolicy && compileTagPolicy(tagPolicy);
  const cliStackTags = parseStackTags(options.stackTags);

  const templates: GateTemplate[] = [];
  const findings: GateFinding[] = [];
  const costResources: CostResource[] = [];
  const placeOf = new Map<CostResource, { file: string; line?: number }>();
  for (const { file, stackTags } of files.flatMap(expand)) {
    const parsed = readCfnTemplateWithDetails(file);
    const lines = parsed.resourceLines;
    const allStackTags = { ...stackTags, ...cliStackTags };
    const notJudged = notJudgedOf(parsed.template, parsed.deployTimeContent);
    // Custom resources and nested stacks are still judged on their own tags.
    const judged = withoutResources(
      parsed.template,
      new Set(
        notJudged
          .filter((n) => !isCustomResource(n.type) && nestedTemplateReason(n.type) === undefined)
          .map((n) => n.logicalId),
      ),
    );
    const tagReport = policy && checkTemplateTags(judged, policy, { stackTags: allStackTags });
    if (tagReport) findings.push(...tagFindings(file, tagReport, lines));
    findings.push(...notJudgedFindings(file, notJudged, parsed.unexpandedLoops, lines));
    if (costPolicy) {
      for (const resource of resourcesFromTemplate(judged, { stackTags: allStackTags })) {
        costResources.push(resource);
        const line = lines[resource.id];
        placeOf.set(resource, { file, ...(line !== undefined && { line }) });
      }
    }
    templates.push({
      file,
      resources: Object.entries(parsed.template.Resources).map(([logicalId, r]) => ({
        logicalId,
        type: r.Type,
        ...(lines[logicalId] !== undefined && { line: lines[logicalId] }),
      })),
    });
  }
  const costReport =
    costPolicy &&
    evaluateCostPolicy(costResources, costPolicy, {
      now,
      // resource-limit counts per template: one stack is what one deploy creates.
      scopeOf: (r) => placeOf.get(r)?.file ?? '',
    });
  if (costReport) findings.push(...costFindings(costReport, (r) => placeOf.get(r) ?? { file: '' }));
  return {
    configFile,
    templates,
    rules: gateRules(Boolean(tagPolicy), costPolicy),
    findings: sortFindings(findings, templates),
    waivers: costReport?.waivers ?? [],
  };
}

/**
 * What the gate cannot judge in one template, in this order: content a
 * transform writes at deploy, then each resource that is custom, deploys a
 * template of its own (nested stacks, stack sets, SAM applications), of a
 * type the resource specification does not know, or whose properties a
 * transform fills in.
 */
function notJudgedOf(
  template: CfnTemplate,
  deployTime: ReadonlyArray<{ key: string; type: string; reason: string; line?: number }>,
): NotJudged[] {
  const partial = new Map(deployTime.map((d) => [d.key, d]));
  const whole: NotJudged[] = deployTime
    .filter((d) => !Object.hasOwn(template.Resources, d.key))
    .map(({ key, type, reason, line }) => ({
      logicalId: key,
      type,
      reason,
      ...(line !== undefined && { line }),
    }));
  const resources = Object.entries(template.Resources).flatMap(([logicalId, { Type: type }]): NotJudged[] => {
    const transform = partial.get(logicalId);
    if (transform) return [{ logicalId, type, reason: transform.reason }];
    if (isCustomResource(type)) return [{ logicalId, type, reason: CUSTOM_RESOURCE_REASON }];
    const nested = nestedTemplateReason(type);
    if (nested) return [{ logicalId, type, reason: nested }];
    // AWS::CDK::Metadata, in every CDK stack, only records the construct library's version: nothing to judge.
    if (type !== CDK_METADATA && taggability(type).kind === 'unknown')
      return [{ logicalId, type, reason: unknownTypeReason(type) }];
    return [];
  });
  return [...whole, ...resources];
}

const CDK_METADATA = 'AWS::CDK::Metadata';

/** The template without some resources, so that no check judges them. */
function withoutResources(template: CfnTemplate, logicalIds: ReadonlySet<string>): CfnTemplate {
  if (logicalIds.size === 0) return template;
  return {
    ...template,
    Resources: Object.fromEntries(Object.entries(template.Resources).filter(([id]) => !logicalIds.has(id))),
  };
}

/** In template order, then resource order, tags before cost rules as judged. */
function sortFindings(findings: readonly GateFinding[], templates: readonly GateTemplate[]): GateFinding[] {
  const order = new Map<string, number>();
  templates.forEach((t, i) => {
    t.resources.forEach((r, j) => {
      order.set(`${t.file}\u0000${r.logicalId}`, i * 1_000_000 + j);
    });
  });
  const rank = (f: GateFinding) => order.get(`${f.file}\u0000${f.logicalId}`) ?? Number.MAX_SAFE_INTEGER;
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InputError('--now', `"${text}" is not an ISO date-time`);
  return date;
}

function expand(path: string): AssemblyTemplate[] {
  if (isDirectory(path)) return cloudAssemblyTemplates(path);
  return [{ file: path, stackName: path, stackTags: {} }];
}

/** `owner=search,environment=prod` → a record; values may contain `=`. */
export function parseStackTags(text: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (text === undefined) return tags;
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = pair.slice(0, Math.max(eq, 0)).trim();
    if (eq < 0 || key === '') throw new InputError('--stack-tags', `"${pair}" is not key=value`);
    tags[key] = pair.slice(eq + 1).trim();
  }
  return tags;
}
