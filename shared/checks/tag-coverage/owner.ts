import type { GuardrailsConfig } from '../../config/schema.js';
import type { Finding } from '../../core/finding.js';

export type OwnerRef = NonNullable<Finding['owner']>;

const lowerCaseKeys = new WeakMap<readonly string[], readonly string[]>();

/**
 * The first non-blank value among `keys`, matching keys exactly first and
 * then ignoring case. Runs for every resource of the org, so the fallback
 * scans the tags once instead of building a lower-cased copy.
 */
export function firstTagValue(
  tags: Readonly<Record<string, string>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const raw: unknown = tags[key];
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    if (value) return value;
  }
  let lowered = lowerCaseKeys.get(keys);
  if (!lowered) {
    lowered = keys.map((k) => k.toLowerCase());
    lowerCaseKeys.set(keys, lowered);
  }
  let best: string | undefined;
  let bestRank = keys.length;
  for (const [key, raw] of Object.entries(tags)) {
    const rank = lowered.indexOf(key.toLowerCase());
    if (rank < 0 || rank >= bestRank || typeof raw !== 'string') continue;
    const value = raw.trim();
    if (value) {
      best = value;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * Who owns a resource: its own owner tag, then its account's owner tag in
 * AWS Organizations, then the configured default owner.
 */
export function resolveOwner(
  resourceTags: Readonly<Record<string, string>>,
  accountTags: Readonly<Record<string, string>>,
  organization: GuardrailsConfig['organization'],
): OwnerRef {
  const { ownerTagKeys, contactTagKeys, defaultOwner } = organization;
  const fromResource = firstTagValue(resourceTags, ownerTagKeys);
  if (fromResource) {
    const contact = firstTagValue(resourceTags, contactTagKeys) ?? firstTagValue(accountTags, contactTagKeys);
    return { team: fromResource, ...(contact && { contact }), source: 'resource-tag' };
  }
  const fromAccount = firstTagValue(accountTags, ownerTagKeys);
  if (fromAccount) {
    const contact = firstTagValue(accountTags, contactTagKeys);
    return { team: fromAccount, ...(contact && { contact }), source: 'account-tag' };
  }
  return {
    team: defaultOwner.team,
    ...(defaultOwner.contact && { contact: defaultOwner.contact }),
    source: 'default',
  };
}
