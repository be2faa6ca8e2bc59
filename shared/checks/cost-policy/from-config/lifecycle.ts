import type { LifecycleRuleFact } from '../model.js';

/**
 * A bucket's lifecycle rules from `supplementaryConfiguration.BucketLifecycleConfiguration`
 * (`rules[]` with `status`, `expirationInDays`, `transitions`, …, as in AWS
 * Config's property schema for AWS::S3::Bucket). Counts of `-1` and `null`
 * mean "not set". `undefined` when the bucket has no lifecycle configuration.
 */
export function bucketLifecycle(
  configuration: Readonly<Record<string, unknown>> | undefined,
): LifecycleRuleFact[] | undefined {
  if (!configuration || !Array.isArray(configuration.rules)) return undefined;
  return configuration.rules.map((raw): LifecycleRuleFact => {
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const abort = rule.abortIncompleteMultipartUpload as { daysAfterInitiation?: unknown } | null | undefined;
    const abortDays = positive(abort?.daysAfterInitiation);
    return {
      ...(typeof rule.id === 'string' && { id: rule.id }),
      enabled: rule.status === 'Enabled',
      expiresOrTransitions:
        positive(rule.expirationInDays) !== undefined ||
        (typeof rule.expirationDate === 'string' && rule.expirationDate !== '') ||
        positive(rule.noncurrentVersionExpirationInDays) !== undefined ||
        nonEmpty(rule.transitions) ||
        nonEmpty(rule.noncurrentVersionTransitions),
      ...(abortDays !== undefined && { abortIncompleteUploadDays: abortDays }),
      filtered: filtered(rule),
    };
  });
}

function filtered(rule: Record<string, unknown>): boolean {
  if (typeof rule.prefix === 'string' && rule.prefix !== '') return true;
  const predicate = (rule.filter as { predicate?: { type?: unknown; prefix?: unknown } } | null | undefined)
    ?.predicate;
  if (!predicate) return false;
  return (
    predicate.type !== 'LifecyclePrefixPredicate' ||
    (typeof predicate.prefix === 'string' && predicate.prefix !== '')
  );
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
