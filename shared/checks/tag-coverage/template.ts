import * as z from 'zod';
import { ifBranches } from '../template/if-branches.js';
import { literalValues } from '../template/literal-values.js';
import { parameterBranches } from '../template/parameter-branches.js';
import { type CompiledTagPolicy, isExempt, tagProblems } from './policy.js';
import { ownTagSpecifications } from './tag-specifications.js';
import { type TaggabilityLookup, type TaggableType, type TagShape, taggability } from './taggable-types.js';
import type { TagProblem } from './types.js';

/** The part of a CloudFormation template the tag check reads; everything else passes through. */
export const cfnTemplateSchema = z
  .object({
    Resources: z.record(
      z.string(),
      z
        .object({
          Type: z.string().min(1),
          Properties: z.record(z.string(), z.unknown()).optional(),
        })
        .loose(),
    ),
  })
  .loose();

export type CfnTemplate = z.infer<typeof cfnTemplateSchema>;

/** A required tag whose value (or whose presence) is only known at deploy time. */
export interface UnresolvedTag {
  readonly key: string;
  /** The intrinsic that computes it (`Fn::ImportValue`, `Ref`), or why it cannot be read. */
  readonly reason: string;
}

/** The tag verdict on one resource of a template. */
export interface ResourceTagReport {
  readonly logicalId: string;
  readonly type: string;
  /** The part judged when a resource holds several tag sets: `Replicas[1] (eu-west-1)` of a global table. */
  readonly part?: string;
  readonly problems: readonly TagProblem[];
  /** The tag property has a shape the type rejects (a list of tags on a SAM function): a violation. */
  readonly invalidShape?: string;
  /** Informational: not violations, since CloudFormation computes them at deploy time. */
  readonly unresolved: readonly UnresolvedTag[];
}

/** What one resource's tags come to, before it is given a logical id. */
export type ResourceTagVerdict =
  | {
      readonly status: 'checked';
      readonly problems: readonly TagProblem[];
      readonly unresolved: readonly UnresolvedTag[];
      readonly invalidShape?: string;
    }
  | { readonly status: 'exempt' | 'not-taggable' | 'unknown-type' };

export interface TemplateTagOptions {
  /**
   * Tags given to the stack at deploy time (`cdk deploy --tags`, the manifest's
   * stack tags). CloudFormation propagates them to every resource, so they
   * count as present; a resource's own tag of the same key wins.
   */
  readonly stackTags?: Readonly<Record<string, string>>;
  /** The account the stack deploys to, when known, for `exemptAccounts`. */
  readonly accountId?: string;
  /** The template's `Parameters`: a tag given by one with `AllowedValues` is judged on each value. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The template's `Mappings`: a tag given by `Fn::FindInMap` on literal keys is judged on its value. */
  readonly mappings?: Readonly<Record<string, unknown>>;
  /** @default the committed extract of the CloudFormation resource specification */
  readonly taggability?: TaggabilityLookup;
}

/** The tag verdict on a whole template. */
export interface TemplateTagReport {
  /** Resources with problems or unresolved tags, in template order. */
  readonly resources: readonly ResourceTagReport[];
  readonly checked: number;
  readonly exempt: number;
  readonly notTaggable: number;
  /** Types the spec does not know (`Custom::*`, third-party), each once, sorted. */
  readonly unknownTypes: readonly string[];
  /** Custom resources, in template order: what they create is up to their provider, so nothing is judged. */
  readonly notJudged: ReadonlyArray<{ readonly logicalId: string; readonly type: string }>;
}

/** `Custom::*` and `AWS::CloudFormation::CustomResource`: their provider decides what they create. */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** The replicas of an `AWS::DynamoDB::GlobalTable`, each a table with its own `Tags` list. */
const GLOBAL_TABLE = 'AWS::DynamoDB::GlobalTable';

/**
 * Checks every resource of a parsed template against the tag policy: the
 * same policy, and the same {@link tagProblems}, as the deployed check.
 *
 * @example
 * const report = checkTemplateTags(template, compileTagPolicy(config.tagPolicy), { stackTags: { owner: 'search' } });
 * report.resources // [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', problems: [{ kind: 'missing', key: 'cost-center' }], unresolved: [] }]
 */
export function checkTemplateTags(
  template: CfnTemplate,
  policy: CompiledTagPolicy,
  options: TemplateTagOptions = {},
): TemplateTagReport {
  const lookup = options.taggability ?? taggability;
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const mappings = isRecord(template.Mappings) ? template.Mappings : {};
  const withParameters = { ...options, parameters, mappings };
  const resources: ResourceTagReport[] = [];
  const unknownTypes = new Set<string>();
  const notJudged: Array<{ logicalId: string; type: string }> = [];
  const counts = { checked: 0, exempt: 0, notTaggable: 0 };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (isCustomResource(resource.Type)) notJudged.push({ logicalId, type: resource.Type });
    const parts =
      resource.Type === GLOBAL_TABLE
        ? globalTableReplicas(resource.Properties)
        : [
            {
              type: resource.Type,
              part: undefined,
              tags: tagValue(resource.Type, resource.Properties, lookup),
            },
          ];
    for (const { type, part, tags } of parts) {
      const verdict = resourceTagVerdict(type, tags, policy, withParameters);
      switch (verdict.status) {
        case 'unknown-type':
          unknownTypes.add(resource.Type);
          break;
        case 'not-taggable':
          counts.notTaggable++;
          break;
        case 'exempt':
          counts.exempt++;
          break;
        case 'checked': {
          counts.checked++;
          const { problems, unresolved, invalidShape } = verdict;
          if (problems.length || unresolved.length || invalidShape)
            resources.push({
              logicalId,
              type: resource.Type,
              ...(part !== undefined && { part }),
              problems,
              unresolved,
              ...(invalidShape !== undefined && { invalidShape }),
            });
        }
      }
    }
  }
  return { resources, ...counts, unknownTypes: [...unknownTypes].sort(), notJudged };
}

function tagValue(
  type: string,
  properties: Readonly<Record<string, unknown>> | undefined,
  lookup: TaggabilityLookup,
): unknown {
  const known = lookup(type);
  return known.kind === 'taggable' ? properties?.[known.tagProperty] : undefined;
}

/**
 * Each replica of a global table, judged as the `AWS::DynamoDB::Table` it
 * creates in its region (`Replicas[].Tags`, a list of `{Key, Value}`).
 */
function globalTableReplicas(properties: Readonly<Record<string, unknown>> | undefined) {
  const replicas = properties?.Replicas;
  if (!Array.isArray(replicas)) return [{ type: 'AWS::DynamoDB::Table', part: 'Replicas', tags: replicas }];
  return replicas.map((replica, i) => {
    const region = isRecord(replica) && typeof replica.Region === 'string' ? ` (${replica.Region})` : '';
    return {
      type: 'AWS::DynamoDB::Table',
      part: `Replicas[${i}]${region}`,
      tags: isRecord(replica) ? replica.Tags : undefined,
    };
  });
}

/**
 * The verdict on one resource, given the value of its tag property as the
 * template (or CDK, resolved) has it. Shared by the template checker and
 * the CDK aspect, so both judge alike.
 */
export function resourceTagVerdict(
  type: string,
  tagsValue: unknown,
  policy: CompiledTagPolicy,
  options: TemplateTagOptions = {},
): ResourceTagVerdict {
  const known = (options.taggability ?? taggability)(type);
  if (known.kind === 'unknown') return { status: 'unknown-type' };
  if (known.kind === 'not-taggable') return { status: 'not-taggable' };
  const account = options.accountId ?? '';
  if ([type, known.arnType ?? guessArnType(type)].some((t) => isExempt(t, account, policy)))
    return { status: 'exempt' };
  const scope = { parameters: options.parameters ?? {}, mappings: options.mappings ?? {} };
  const choices = parameterBranches(tagsValue, scope.parameters);
  const values = (choices?.branches ?? [tagsValue]).map((value) => literalValues(value, scope));
  const expanded = values.map((value) => ifBranches(value));
  if (choices === undefined && expanded[0] === undefined)
    return branchVerdict(type, known, values[0], policy, options);
  const branches = values.flatMap((value, i) => expanded[i] ?? [value]);
  const via = [choices?.via, expanded.some((b) => b !== undefined) ? 'Fn::If' : undefined]
    .filter((part) => part !== undefined)
    .join(', ');
  return everyBranch(
    branches.map((branch) => branchVerdict(type, known, branch, policy, options)),
    via,
  );
}

type CheckedVerdict = Extract<ResourceTagVerdict, { status: 'checked' }>;

/**
 * The verdict over every branch of the tags (each `Fn::If` branch, each
 * allowed value of a parameter): a problem in every branch is certain; one
 * in some branches only depends on the choice made at deploy, so its key is
 * unresolved (`via`: `Fn::If`, `Ref Env`). A shape the type rejects in any
 * branch is reported as it is.
 */
function everyBranch(verdicts: readonly CheckedVerdict[], via: string): CheckedVerdict {
  const shaped = verdicts.find((v) => v.invalidShape !== undefined);
  if (shaped) return shaped;
  // One kind of problem on one key, whatever the value: a key invalid in every branch is
  // certainly invalid even when each branch gives it another value.
  const id = (problem: TagProblem) => `${problem.kind}\u0000${problem.key.toLowerCase()}`;
  const counts = new Map<string, { problems: Map<string, TagProblem>; branches: number }>();
  for (const verdict of verdicts)
    for (const [key, group] of Map.groupBy(verdict.problems, id)) {
      const seen = counts.get(key) ?? { problems: new Map<string, TagProblem>(), branches: 0 };
      for (const problem of group) seen.problems.set(JSON.stringify(problem), problem);
      counts.set(key, { problems: seen.problems, branches: seen.branches + 1 });
    }
  const problems: TagProblem[] = [];
  const unresolved = new Map<string, UnresolvedTag>();
  for (const { problems: found, branches } of counts.values()) {
    if (branches === verdicts.length) problems.push(...found.values());
    else for (const problem of found.values()) unresolved.set(problem.key, { key: problem.key, reason: via });
  }
  for (const verdict of verdicts)
    for (const tag of verdict.unresolved) if (!unresolved.has(tag.key)) unresolved.set(tag.key, tag);
  const certain = new Set(problems.map((p) => p.key));
  return {
    status: 'checked',
    problems,
    unresolved: [...unresolved.values()].filter((tag) => !certain.has(tag.key)),
  };
}

/** The verdict on one value of the tag property (the only one, or one `Fn::If` branch). */
function branchVerdict(
  type: string,
  known: TaggableType,
  tagsValue: unknown,
  policy: CompiledTagPolicy,
  options: TemplateTagOptions,
): CheckedVerdict {
  const invalidShape = shapeProblem(type, known.tagProperty, known.shape, tagsValue);
  if (invalidShape !== undefined) return { status: 'checked', problems: [], unresolved: [], invalidShape };
  const read =
    known.shape === 'specifications'
      ? readTags(ownTagSpecifications(tagsValue, known.specificationType ?? ''), 'list')
      : readTags(tagsValue, known.shape);
  const tags: Record<string, string> = { ...withoutSystemTags(options.stackTags ?? {}), ...read.tags };
  // A placeholder makes an unresolved key present; its value is judged at deploy, not here.
  for (const key of read.unresolved.keys()) tags[key] = UNRESOLVED_PLACEHOLDER;

  const unresolved: UnresolvedTag[] = [];
  const problems = tagProblems(tags, policy).filter((problem) => {
    if (problem.kind === 'invalid-value' && read.unresolved.has(problem.key)) return false;
    if (problem.kind === 'missing' && read.opaque !== undefined) {
      // Some keys come from an intrinsic: this one may be among them.
      unresolved.push({ key: problem.key, reason: read.opaque });
      return false;
    }
    return true;
  });
  const required = new Set(policy.rules.map((rule) => rule.lowerKey));
  for (const [key, reason] of read.unresolved) {
    if (required.has(key.toLowerCase())) unresolved.push({ key, reason });
  }
  return { status: 'checked', problems, unresolved };
}

/**
 * A tag property given in a shape the type rejects: a list where a map is
 * expected (SAM resources, `AWS::SSM::Parameter`) or a map where a list is.
 * SAM and CloudFormation refuse such a template, so it is a violation, not
 * a value computed at deploy.
 */
function shapeProblem(type: string, property: string, shape: TagShape, value: unknown): string | undefined {
  if (value === undefined || value === null || intrinsicName(value) !== undefined) return undefined;
  if (shape === 'map' && Array.isArray(value))
    return `${property} is a list; ${type} takes a map of key: value`;
  if (shape === 'list' && isRecord(value))
    return `${property} is a map; ${type} takes a list of {Key, Value}`;
  if (shape === 'specifications' && isRecord(value))
    return `${property} is a map; ${type} takes a list of {ResourceType, Tags}`;
  return undefined;
}

/** How to fix a tag problem, for `check-template`. */
export function tagProblemFix(problem: TagProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `add the tag ${problem.key}`;
    case 'invalid-value':
      return `set ${problem.key} to ${problem.expected}`;
    case 'wrong-case-key':
      return `rename the tag ${problem.key} to ${problem.canonical}`;
  }
}

/** `owner (Fn::ImportValue)`, as `check-template` prints it. */
export function describeUnresolved(tag: UnresolvedTag): string {
  return `${tag.key} (${tag.reason})`;
}

const UNRESOLVED_PLACEHOLDER = '\u0000unresolved';

interface ReadTags {
  readonly tags: Record<string, string>;
  /** Keys whose value is not a literal, with the intrinsic that computes it. */
  readonly unresolved: Map<string, string>;
  /** Set when the set of keys itself is computed (`Tags: !If …`, a list item `!If`, `Key: !Ref …`). */
  readonly opaque?: string;
}

/** Normalises list, map and `{Items}` tag shapes to one record; `aws:` keys are dropped. */
function readTags(value: unknown, shape: TagShape): ReadTags {
  const tags: Record<string, string> = {};
  const unresolved = new Map<string, string>();
  let opaque: string | undefined;
  const put = (key: string, raw: unknown) => {
    if (isSystemTag(key)) return;
    const literal = literalValue(raw);
    if (literal === undefined) unresolved.set(key, intrinsicName(raw) ?? 'not a string');
    else tags[key] = literal;
  };

  if (value === undefined || value === null) return { tags, unresolved };
  const whole = intrinsicName(value);
  if (whole !== undefined) return { tags, unresolved, opaque: whole };

  const list = shape === 'items' && isRecord(value) ? value.Items : value;
  if (shape === 'map') {
    if (!isRecord(value)) return { tags, unresolved, opaque: 'not a map of tags' };
    for (const [key, raw] of Object.entries(value)) put(key, raw);
  } else if (!Array.isArray(list)) {
    return { tags, unresolved, opaque: intrinsicName(list) ?? 'not a list of tags' };
  } else {
    for (const item of list) {
      const itemIntrinsic = intrinsicName(item);
      if (itemIntrinsic !== undefined || !isRecord(item)) {
        opaque ??= itemIntrinsic ?? 'not a tag';
        continue;
      }
      // AppStream spells them TagKey/TagValue.
      const key = item.Key ?? item.TagKey;
      if (typeof key !== 'string') {
        opaque ??= intrinsicName(key) ?? 'a tag without a key';
        continue;
      }
      put(key, item.Value ?? item.TagValue);
    }
  }
  return opaque === undefined ? { tags, unresolved } : { tags, unresolved, opaque };
}

/** CloudFormation turns numbers and booleans into strings; anything else is computed or invalid. */
function literalValue(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/** `Ref`, `Fn::*` or `Condition` when the value is one intrinsic function call. */
function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const [only] = keys;
  if (keys.length !== 1 || only === undefined) return undefined;
  return only === 'Ref' || only === 'Condition' || only.startsWith('Fn::') ? only : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSystemTag(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

function withoutSystemTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !isSystemTag(key)));
}

/**
 * `service:type` from the CloudFormation name where the spec has no ARN
 * template: `AWS::Logs::LogGroup` → `logs:log-group`. Best effort; the
 * CloudFormation type itself always matches.
 */
export function guessArnType(cloudFormationType: string): string {
  const [, service = '', name = ''] = cloudFormationType.split('::');
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `${service.toLowerCase()}:${kebab}`;
}
