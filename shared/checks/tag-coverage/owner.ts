import type { GuardrailsConfig } from '../../config/schema.js';
import type { Finding } from '../../core/finding.js';

export type OwnerRef = NonNullable<Finding['owner']>;

/** The first non-blank value among `keys`, matching keys exactly first and then ignoring case. */
export function firstTagValue(
  tags: Readonly<Record<string, string>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = Object.hasOwn(tags, key) ? tags[key]?.trim() : undefined;
    if (value) return value;
  }
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of keys) {
    const value = lower.get(key.toLowerCase())?.trim();
    if (value) return value;
  }
  return undefined;
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
