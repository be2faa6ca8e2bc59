/**
 * Synthetic organizations for the tag benches: accounts with owner tags, and
 * resources whose tags mix compliant sets with the usual mistakes (missing
 * keys, blank and invalid values, wrong-case keys), always alongside `aws:`
 * system tags, against a six-key policy.
 */
import type { AccountInfo } from '../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../shared/config/loader.js';
import type { GuardrailsConfig } from '../shared/config/schema.js';
import { type Random, seededRandom } from './random.js';

export const TEAMS = ['search', 'payments', 'data', 'platform', 'ml', 'web', 'mobile', 'identity'] as const;
const ENVIRONMENTS = ['prod', 'staging', 'dev'] as const;
const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
const RESOURCE_KINDS = [
  { service: 'ec2', type: 'instance', prefix: 'i-' },
  { service: 'ec2', type: 'volume', prefix: 'vol-' },
  { service: 'rds', type: 'db', prefix: 'db-' },
  { service: 'lambda', type: 'function', prefix: 'fn-' },
  { service: 'dynamodb', type: 'table', prefix: 'tbl-' },
  { service: 'elasticloadbalancing', type: 'loadbalancer', prefix: 'app/lb-' },
] as const;

/** The six-key policy, as YAML in `guardrails.config.yaml` would give it. */
export const TAG_POLICY_YAML = `
  requiredTags:
    - key: owner
      pattern: "[a-z][a-z0-9-]+"
    - key: environment
      allowedValues: [prod, staging, dev]
      valueCase: insensitive
    - key: cost-center
      pattern: "CC-[0-9]{4}"
    - key: application
    - key: data-classification
      allowedValues: [public, internal, confidential, restricted]
    - key: project
      keyCase: insensitive
  coverageObjective: 0.95
`;

/** A full config with the six-key policy, through the real loader. */
export function benchConfig(organizationYaml: string): GuardrailsConfig {
  return parseConfig(`version: 1\norganization:\n${organizationYaml}\ntagPolicy:${TAG_POLICY_YAML}`, 'bench');
}

/** A 12-digit account id for account number `n`. */
export function accountIdOf(n: number): string {
  return String(100_000_000_000 + n);
}

/** `count` ACTIVE accounts, each tagged with an owner team and a contact. */
export function benchAccounts(count: number): AccountInfo[] {
  return Array.from({ length: count }, (_, n) => {
    const team = TEAMS[n % TEAMS.length] ?? 'platform';
    return {
      id: accountIdOf(n),
      name: `account-${n}`,
      status: 'ACTIVE',
      tags: { owner: team, contact: `${team}@example.com` },
    };
  });
}

/** How a generated resource's tags relate to the policy; weights sum to 1. */
export const TAG_MIX = {
  compliant: 0.6,
  missingKey: 0.1,
  invalidValue: 0.08,
  wrongCaseKey: 0.07,
  blankValue: 0.05,
  several: 0.1,
} as const;

/** A compliant tag set, plus `aws:` system tags and a Name. */
function compliantTags(rng: Random, serial: number): Record<string, string> {
  return {
    owner: rng.pick(TEAMS),
    environment: rng.pick(ENVIRONMENTS),
    'cost-center': `CC-${String(1000 + (serial % 9000))}`,
    application: `app-${serial % 97}`,
    'data-classification': rng.pick(CLASSIFICATIONS),
    project: `proj-${serial % 31}`,
    'aws:cloudformation:stack-name': `stack-${serial % 53}`,
    'aws:createdBy': 'AROAEXAMPLE:deployer',
    Name: `res-${serial}`,
  };
}

const BREAKABLE_KEYS = ['owner', 'environment', 'cost-center', 'application', 'data-classification'] as const;

/** Renames `key` to its wrong-case spelling, keeping the value. */
function wrongCase(tags: Record<string, string>, key: string): void {
  const value = tags[key];
  if (value === undefined) return;
  delete tags[key];
  tags[key.charAt(0).toUpperCase() + key.slice(1)] = value;
}

function breakTag(rng: Random, tags: Record<string, string>, how: keyof typeof TAG_MIX): void {
  const key = rng.pick(BREAKABLE_KEYS);
  switch (how) {
    case 'missingKey':
      delete tags[key];
      return;
    case 'invalidValue':
      tags[key] = key === 'application' ? '' : 'Not Valid!';
      return;
    case 'wrongCaseKey':
      wrongCase(tags, key);
      return;
    case 'blankValue':
      tags[key] = '  ';
      return;
    default:
      return;
  }
}

/** Tags of resource `serial`: deterministic in (`rng` state, serial). */
export function generatedTags(rng: Random): (serial: number) => Record<string, string> {
  return (serial) => {
    const tags = compliantTags(rng, serial);
    const roll = rng.next();
    let edge = TAG_MIX.compliant;
    if (roll < edge) return tags;
    for (const how of ['missingKey', 'invalidValue', 'wrongCaseKey', 'blankValue'] as const) {
      edge += TAG_MIX[how];
      if (roll < edge) {
        breakTag(rng, tags, how);
        return tags;
      }
    }
    breakTag(rng, tags, 'missingKey');
    breakTag(rng, tags, 'invalidValue');
    breakTag(rng, tags, 'wrongCaseKey');
    return tags;
  };
}

/** The ARN of resource `serial` in an account and region. */
export function resourceArn(accountId: string, region: string, serial: number): string {
  const kind = RESOURCE_KINDS[serial % RESOURCE_KINDS.length] ?? RESOURCE_KINDS[0];
  const id = `${kind.prefix}${serial.toString(16).padStart(12, '0')}`;
  return `arn:aws:${kind.service}:${region}:${accountId}:${kind.type}/${id}`;
}

/** `service:type` of resource `serial` (what parseArn gives for its ARN). */
export function resourceType(serial: number): string {
  const kind = RESOURCE_KINDS[serial % RESOURCE_KINDS.length] ?? RESOURCE_KINDS[0];
  return `${kind.service}:${kind.type}`;
}

export { seededRandom };
