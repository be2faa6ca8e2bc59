import type { Owner } from '../../config/schema.js';
import { clampSummary, type FindingInput } from '../../core/finding.js';
import type { InactiveCostTag } from './types.js';

/** Where cost allocation tags are activated (the management account's Billing console). */
const COST_ALLOCATION_TAGS_CONSOLE = 'https://console.aws.amazon.com/billing/home#/tags';

/**
 * One finding per required key's spelling that Cost Explorer cannot group
 * spend by, instead of reading all its spend as untagged. It says how to
 * activate the key. Scope `spend`: it resolves once a spend read finds the
 * key active. Pure.
 *
 * @param unmeasured true when no spelling of the key is active, so its spend
 *   coverage is left out; false when another spelling is measured and this
 *   one's spend counts as lacking the key.
 * @example
 * inactiveCostTagFinding({ key: 'owner', requiredKey: 'owner', status: 'Inactive' }, true, { team: 'finops' });
 */
export function inactiveCostTagFinding(
  tag: InactiveCostTag,
  unmeasured: boolean,
  owner: Owner,
): FindingInput {
  const state =
    tag.status === 'Inactive'
      ? `is not an active cost allocation tag`
      : `is not a cost allocation tag yet (no billing data carries it; keys appear up to 24 hours after first use)`;
  const consequence = unmeasured
    ? `so spend coverage for ${tag.requiredKey} cannot be measured and is left out`
    : `so spend tagged ${tag.key} counts as lacking ${tag.requiredKey}`;
  const howTo =
    tag.status === 'Inactive'
      ? `Activate it in the management account: Billing and Cost Management > Cost allocation tags, or \`aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${tag.key},Status=Active\`. Cost Explorer groups spend by it from then on; \`aws ce start-cost-allocation-tag-backfill\` backfills up to 12 months.`
      : `Once it is listed there, activate it: \`aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${tag.key},Status=Active\`.`;
  return {
    check: 'tag-coverage',
    rule: 'cost-allocation-tag',
    type: 'tag.coverage',
    identity: [tag.key],
    scope: 'spend',
    severity: 'warning',
    category: 'tagging',
    subject: `cost-allocation-tag/${tag.key}`,
    origin: 'org',
    summary: clampSummary(`Tag key ${tag.key} ${state}, ${consequence}. ${howTo}`),
    owner: { ...owner, source: 'config' },
    evidence: { key: tag.key, requiredKey: tag.requiredKey, status: tag.status, measured: !unmeasured },
    links: { console: COST_ALLOCATION_TAGS_CONSOLE },
  };
}
