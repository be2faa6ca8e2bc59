/**
 * AWS Config configuration items for the cost-policy tests, in the three
 * shapes AWS Config hands them out. Sources:
 *
 * - API shape: AWS Config API Reference, data type `ConfigurationItem`
 *   (returned by GetResourceConfigHistory and BatchGetAggregateResourceConfig):
 *   `accountId`, `arn`, `awsRegion`, `resourceType`, `resourceId`,
 *   `configurationItemStatus`, `configuration` (a JSON string),
 *   `supplementaryConfiguration` (a map of JSON strings), `tags` (a map).
 * - Notification/snapshot shape: AWS Config Developer Guide, "Example
 *   Configuration Item Change Notification" (`configurationItem` with
 *   `configurationItemVersion: "1.3"`, `ARN`, `awsAccountId`, a
 *   `configuration` object and a `tags` map).
 * - Advanced-query row: AWS Config API Reference, SelectAggregateResourceConfig
 *   (`Results` is an array of JSON strings) and the Developer Guide, "Query
 *   Using the SQL Query Editor (AWS CLI)"; tags come as a list of
 *   `{key, value, tag}` (the property schema's `tags.key`, `tags.value`,
 *   `tags.tag`).
 *
 * Field names inside `configuration` and `supplementaryConfiguration` are
 * those of the advanced-query property schema for each type
 * (test/fixtures/aws-config/advanced-query-properties.json).
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

interface ItemOptions {
  readonly tags?: Record<string, string>;
  readonly supplementary?: Record<string, unknown>;
  readonly status?: string;
  readonly arn?: string;
}

/** The API's ConfigurationItem: JSON strings inside. */
export function apiItem(
  resourceType: string,
  resourceId: string,
  configuration: Record<string, unknown>,
  options: ItemOptions = {},
): Record<string, unknown> {
  return {
    version: '1.3',
    accountId: ACCOUNT,
    configurationItemCaptureTime: '2026-11-19T10:00:00.000Z',
    configurationItemStatus: options.status ?? 'OK',
    configurationStateId: '1763546400000',
    arn: options.arn ?? `arn:aws:config-test:${REGION}:${ACCOUNT}:${resourceId}`,
    resourceType,
    resourceId,
    awsRegion: REGION,
    availabilityZone: 'Not Applicable',
    tags: options.tags ?? {},
    relatedEvents: [],
    relationships: [],
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries(options.supplementary ?? {}).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
  };
}

/** A snapshot or change-notification item: objects inside, `ARN` and `awsAccountId`. */
export function notificationItem(
  resourceType: string,
  resourceId: string,
  configuration: Record<string, unknown>,
  options: ItemOptions = {},
): Record<string, unknown> {
  return {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2026-11-19T10:00:00.000Z',
    configurationStateId: 1763546400000,
    awsAccountId: ACCOUNT,
    configurationItemStatus: options.status ?? 'ResourceDiscovered',
    resourceType,
    resourceId,
    resourceName: null,
    ARN: options.arn ?? `arn:aws:config-test:${REGION}:${ACCOUNT}:${resourceId}`,
    awsRegion: REGION,
    availabilityZone: 'us-east-1a',
    configuration,
    supplementaryConfiguration: options.supplementary ?? {},
    tags: options.tags ?? {},
    relatedEvents: [],
    relationships: [],
  };
}

/** One `Results[]` string of an advanced query that selected identity, tags and the given fields. */
export function queryRow(
  resourceType: string,
  resourceId: string,
  configuration: Record<string, unknown>,
  options: ItemOptions = {},
): string {
  return JSON.stringify({
    resourceId,
    resourceType,
    arn: options.arn ?? `arn:aws:config-test:${REGION}:${ACCOUNT}:${resourceId}`,
    accountId: ACCOUNT,
    awsRegion: REGION,
    configurationItemStatus: options.status ?? 'OK',
    tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value, tag: `${key}=${value}` })),
    configuration,
    ...(options.supplementary && { supplementaryConfiguration: options.supplementary }),
  });
}

/**
 * An S3 lifecycle rule as AWS Config records it (supplementaryConfiguration.
 * BucketLifecycleConfiguration.rules[]): unset day counts are -1, unset
 * lists and objects null.
 */
export function configLifecycleRule(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'rule',
    status: 'Enabled',
    expirationInDays: -1,
    expiredObjectDeleteMarker: false,
    noncurrentVersionExpirationInDays: -1,
    transitions: null,
    noncurrentVersionTransitions: null,
    abortIncompleteMultipartUpload: null,
    expirationDate: null,
    filter: { predicate: { type: 'LifecyclePrefixPredicate', prefix: '' } },
    ...fields,
  };
}
