import type { UserPattern } from '../../config/pattern.js';
import { compileLoadedPattern, tagValuePatternOptions } from '../../config/pattern-compiler.js';
import type { TagPolicy } from '../../config/schema.js';
import type { TagProblem } from './types.js';

interface CompiledRule {
  readonly key: string;
  readonly lowerKey: string;
  readonly keyCaseInsensitive: boolean;
  readonly allowed?: ReadonlySet<string>;
  readonly pattern?: UserPattern;
  readonly valueCaseInsensitive: boolean;
  readonly expected: string;
}

/** A tag policy prepared once per run: patterns compiled (RE2, linear time), keys lower-cased. */
export interface CompiledTagPolicy {
  readonly rules: readonly CompiledRule[];
  readonly exemptTypes: ReadonlySet<string>;
  readonly exemptAccounts: ReadonlySet<string>;
}

/** True when some rule of the policy has a `pattern`: evaluating it needs the pattern engine loaded. */
export function tagPolicyHasPatterns(policy: TagPolicy | undefined): boolean {
  return policy?.requiredTags.some((rule) => rule.pattern !== undefined) ?? false;
}

export function compileTagPolicy(policy: TagPolicy): CompiledTagPolicy {
  return {
    rules: policy.requiredTags.map((rule) => {
      const valueCaseInsensitive = rule.valueCase === 'insensitive';
      return {
        key: rule.key,
        lowerKey: rule.key.toLowerCase(),
        keyCaseInsensitive: rule.keyCase === 'insensitive',
        ...(rule.allowedValues && {
          allowed: new Set(
            valueCaseInsensitive ? rule.allowedValues.map((v) => v.toLowerCase()) : rule.allowedValues,
          ),
        }),
        // The whole value must match, as users read a pattern; compiled as validate-config compiles it.
        ...(rule.pattern && { pattern: compileLoadedPattern(rule.pattern, tagValuePatternOptions(rule)) }),
        valueCaseInsensitive,
        expected: rule.allowedValues
          ? `one of ${rule.allowedValues.join(', ')}`
          : rule.pattern
            ? `/${rule.pattern}/`
            : 'a value',
      };
    }),
    exemptTypes: new Set(policy.exemptResourceTypes),
    exemptAccounts: new Set(policy.exemptAccounts),
  };
}

/** True when tags starting with `aws:` (set by AWS, not by users) should be ignored: always. */
function isSystemTag(key: string): boolean {
  return key.length >= 4 && key.slice(0, 4).toLowerCase() === 'aws:';
}

/**
 * The problems of one resource's tags against the policy: missing keys
 * (an empty or blank value counts as missing), values outside the allowed
 * set or pattern, and keys spelled in the wrong case, with the fix.
 *
 * @example
 * tagProblems({ Owner: 'search' }, policy) // [{ kind: 'wrong-case-key', key: 'Owner', canonical: 'owner' }, …]
 */
export function tagProblems(tags: Readonly<Record<string, string>>, policy: CompiledTagPolicy): TagProblem[] {
  let problems: TagProblem[] | undefined;
  const report = (problem: TagProblem) => {
    problems ??= [];
    problems.push(problem);
  };
  for (const rule of policy.rules) {
    let key = rule.key;
    // Only strings count: a key such as `constructor` must not read Object.prototype's function,
    // and one typeof check is cheaper than hasOwn on every resource of the org.
    const raw: unknown = tags[key];
    let value = typeof raw === 'string' ? raw : undefined;
    if (value === undefined) {
      const found = keyIgnoringCase(tags, rule.lowerKey);
      if (found === undefined) {
        report({ kind: 'missing', key: rule.key });
        continue;
      }
      key = found;
      value = tags[found] ?? '';
      if (!rule.keyCaseInsensitive) {
        report({ kind: 'wrong-case-key', key: found, canonical: rule.key });
        continue;
      }
    }
    const trimmed = value.trim();
    if (trimmed === '') {
      report({ kind: 'missing', key: rule.key });
      continue;
    }
    if (!valueAllowed(trimmed, rule)) report({ kind: 'invalid-value', key, value, expected: rule.expected });
  }
  // One shared empty list for the compliant majority: no allocation per resource.
  return problems ?? NO_PROBLEMS;
}

const NO_PROBLEMS: TagProblem[] = [];

/** The resource's spelling of a key, ignoring case and `aws:` keys; first in tag order wins. */
function keyIgnoringCase(tags: Readonly<Record<string, string>>, lowerKey: string): string | undefined {
  for (const key in tags) {
    if (key.length !== lowerKey.length || !Object.hasOwn(tags, key) || typeof tags[key] !== 'string')
      continue;
    if (key.toLowerCase() === lowerKey && !isSystemTag(key)) return key;
  }
  return undefined;
}

function valueAllowed(value: string, rule: CompiledRule): boolean {
  if (rule.allowed && !rule.allowed.has(rule.valueCaseInsensitive ? value.toLowerCase() : value))
    return false;
  if (rule.pattern && !rule.pattern.test(value)) return false;
  return true;
}

/** True when the resource type or account is exempt from the policy. */
export function isExempt(resourceType: string, accountId: string, policy: CompiledTagPolicy): boolean {
  return policy.exemptTypes.has(resourceType) || policy.exemptAccounts.has(accountId);
}

/** One line for a problem, as shown in digests and in `check-template`. */
export function describeProblem(problem: TagProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `missing ${problem.key}`;
    case 'invalid-value':
      return `${problem.key}="${problem.value}" is not ${problem.expected}`;
    case 'wrong-case-key':
      return `key ${problem.key} should be spelled ${problem.canonical}`;
  }
}
