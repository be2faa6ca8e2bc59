/**
 * How far back a resource-level cost query starts. Cost Explorer keeps
 * resource-level data for 14 days and refuses a start "earlier than 14 days
 * ago" (API Reference, GetCostAndUsageWithResources, TimePeriod); a day of
 * margin keeps the start inside that window whatever the hour.
 */
export const RESOURCE_COST_DAYS = 13;

/**
 * The services whose resources the cost rules judge, by Cost Explorer's
 * SERVICE dimension value: instances; EBS volumes and NAT gateways (billed as
 * "EC2 - Other"); databases; buckets; functions; search domains; log groups.
 * The operation wants a SERVICE filter (the API Reference's Filter note), so
 * each service is one query, and one that fails costs only its own resources.
 * Kept apart from the adapter so the cost estimate counts them without the SDK.
 */
export const RESOURCE_COST_SERVICES: readonly string[] = [
  'Amazon Elastic Compute Cloud - Compute',
  'EC2 - Other',
  'Amazon Relational Database Service',
  'Amazon Simple Storage Service',
  'AWS Lambda',
  'Amazon OpenSearch Service',
  'AmazonCloudWatch',
];
