import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../shared/adapters/aws/clients.js';
import { ConfigAggregatorInventory } from '../../../shared/adapters/aws/config-aggregator-inventory.js';
import { ResourceExplorerInventory } from '../../../shared/adapters/aws/resource-explorer-inventory.js';
import { TaggingInventory } from '../../../shared/adapters/aws/tagging-inventory.js';
import { parseConfig } from '../../../shared/config/loader.js';
import { awsInventory } from '../../../shared/runtime/inventory-wiring.js';

const A = '111111111111';
const VIEW = `arn:aws:resource-explorer-2:us-east-1:${A}:view/finops-guardrails/0a1b2c3d`;
const configWith = (sources: string) =>
  parseConfig(
    [
      'version: 1',
      'organization:',
      `  managementAccountId: '${A}'`,
      '  inventory:',
      `    sources: [${sources}]`,
      `    resourceExplorer: { viewArn: ${VIEW} }`,
      '    config: { aggregatorName: org-aggregator, region: us-east-1 }',
      '',
    ].join('\n'),
  );

describe('awsInventory', () => {
  const assumer = roleAssumer({ purpose: 'tag-coverage' });
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    tagging.reset();
    sts.reset();
    clearAwsClients();
  });

  it('stands for each adapter under the name and global scope the adapter itself reports', () => {
    const adapters = [
      new TaggingInventory({ assumer, memberRoleName: 'r' }),
      new ConfigAggregatorInventory({
        aggregatorName: 'a',
        region: 'us-east-1',
        account: { managementRoleName: 'r' },
        assumer,
      }),
      new ResourceExplorerInventory({ viewArn: VIEW, roleName: 'r', assumer }),
    ];
    for (const adapter of adapters) {
      const source = awsInventory(configWith(adapter.name), assumer);
      expect({ name: source.name, globalScope: source.globalScope }).toEqual({
        name: adapter.name,
        globalScope: adapter.globalScope,
      });
    }
    expect(awsInventory(configWith('resource-explorer, tagging-api, config'), assumer).name).toBe(
      'resource-explorer+tagging-api+config',
    );
  });

  it('loads the adapter on the first listing and reads through it, counting its pages', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `arn:aws:ec2:eu-west-1:${A}:instance/i-1`, Tags: [{ Key: 'owner', Value: 'a' }] },
      ],
      PaginationToken: '',
    });
    const source = awsInventory(configWith('tagging-api'), assumer);
    expect(source.pageRequests).toBe(0);

    const resources = await source.listResources(A, 'eu-west-1');

    expect(resources.map((r) => r.arn)).toEqual([`arn:aws:ec2:eu-west-1:${A}:instance/i-1`]);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(1);
    expect(source.pageRequests).toBe(1);
  });
});
