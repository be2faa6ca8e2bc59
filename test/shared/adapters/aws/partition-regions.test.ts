import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { partitionOfRegion } from '../../../../shared/adapters/aws/assume-role.js';
import { globalEndpointRegion } from '../../../../shared/adapters/aws/partition-regions.js';

/** The hostname the SDK's endpoint rules give a client for a region (no request is sent). */
function hostOf(client: CostExplorerClient | OrganizationsClient, region: string): string {
  const endpoint = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
  client.destroy();
  return endpoint.url.hostname;
}

describe('globalEndpointRegion', () => {
  it.each([
    ['aws', 'ce.us-east-1.amazonaws.com', 'organizations.us-east-1.amazonaws.com'],
    ['aws-cn', 'ce.cn-northwest-1.amazonaws.com.cn', 'organizations.cn-northwest-1.amazonaws.com.cn'],
    ['aws-us-gov', 'ce.us-gov-west-1.amazonaws.com', 'organizations.us-gov-west-1.amazonaws.com'],
    ['aws-eusc', 'ce.eusc-de-east-1.api.amazonwebservices.eu', 'organizations.eusc-de-east-1.amazonaws.eu'],
  ])("names a region of %s that the SDK sends to that partition's one endpoint", (partition, ce, org) => {
    const region = globalEndpointRegion(partition);

    expect(partitionOfRegion(region)).toBe(partition);
    expect(hostOf(new CostExplorerClient({ region }), region)).toBe(ce);
    expect(hostOf(new OrganizationsClient({ region }), region)).toBe(org);
  });

  it('refuses a partition whose global endpoints it does not know, rather than send its credentials to us-east-1', () => {
    expect(partitionOfRegion('us-iso-east-1')).toBe('aws-iso');
    expect(() => globalEndpointRegion('aws-iso')).toThrow(
      /partition aws-iso are not known to finops-guardrails .*refusing to send its credentials to another partition/,
    );
  });
});
