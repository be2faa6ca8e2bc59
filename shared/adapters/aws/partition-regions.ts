/**
 * The region an SDK client must name to reach a global service's one
 * endpoint in a partition. Cost Explorer and Organizations have one
 * endpoint per partition, and the SDK's endpoint rules send any region of a
 * partition to it (checked against `@aws-sdk/client-cost-explorer` and
 * `client-organizations` 3.11xx: `aws` → `*.us-east-1.amazonaws.com`,
 * `aws-cn` → `*.cn-northwest-1.amazonaws.com.cn`, `aws-us-gov` →
 * `*.us-gov-west-1.amazonaws.com`). Naming `us-east-1` from another
 * partition would send that partition's credentials to the `aws` one.
 */
const GLOBAL_ENDPOINT_REGION: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-northwest-1',
  'aws-us-gov': 'us-gov-west-1',
  // European Sovereign Cloud: its one region (`*.eusc-de-east-1.amazonaws.eu`, Organizations; Cost Explorer `.api.amazonwebservices.eu`).
  'aws-eusc': 'eusc-de-east-1',
};

/**
 * The region of a partition's global endpoints (Cost Explorer,
 * Organizations, and the Tagging API's global resources).
 *
 * @throws Error for a partition whose global endpoints are not known here
 * (the ISO partitions): falling back to `us-east-1` would send that
 * partition's credentials to the commercial one.
 * @example
 * globalEndpointRegion('aws-cn'); // 'cn-northwest-1'
 */
export function globalEndpointRegion(partition: string): string {
  const region = GLOBAL_ENDPOINT_REGION[partition];
  if (region === undefined)
    throw new Error(
      `the global endpoints (Cost Explorer, Organizations) of partition ${partition} are not known to finops-guardrails (it knows ${Object.keys(GLOBAL_ENDPOINT_REGION).join(', ')}): refusing to send its credentials to another partition`,
    );
  return region;
}
