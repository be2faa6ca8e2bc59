import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  NoSuchConfigurationAggregatorException,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  ConfigAggregatorInventory,
  fromConfigRow,
  SELECT_PAGE_LIMIT,
  selectExpression,
} from '../../../../shared/adapters/aws/config-aggregator-inventory.js';
import { InputError } from '../../../../shared/core/errors.js';

const MANAGEMENT = '111111111111';
const A = '333333333333';
/** A row as advanced query returns it: a JSON string of the selected fields; tags as [{key, value, tag}]. */
const row = (fields: Record<string, unknown>) =>
  JSON.stringify({
    accountId: A,
    awsRegion: 'eu-west-1',
    configurationItemStatus: 'OK',
    tags: [],
    ...fields,
  });

describe('ConfigAggregatorInventory', () => {
  const config = mockClient(ConfigServiceClient);
  const sts = mockClient(STSClient);
  beforeEach(() => {
    // The caller is the aggregator's account itself: its own credentials, no role.
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: MANAGEMENT, Arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/r/s` });
    // An organization aggregator's sources, per region (API reference, AggregatedSourceStatus).
    config.on(DescribeConfigurationAggregatorSourcesStatusCommand).resolves({
      AggregatedSourceStatusList: [
        {
          SourceId: 'o-abc',
          SourceType: 'ORGANIZATION',
          AwsRegion: 'eu-west-1',
          LastUpdateStatus: 'SUCCEEDED',
        },
        {
          SourceId: 'o-abc',
          SourceType: 'ORGANIZATION',
          AwsRegion: 'us-east-1',
          LastUpdateStatus: 'SUCCEEDED',
        },
        {
          SourceId: 'o-abc',
          SourceType: 'ORGANIZATION',
          AwsRegion: 'ap-southeast-2',
          LastUpdateStatus: 'FAILED',
          LastErrorCode: 'OrganizationAccessDeniedException',
          LastErrorMessage: 'denied',
        },
      ],
    });
  });
  afterEach(() => {
    config.reset();
    sts.reset();
    clearAwsClients();
  });
  const inventory = () =>
    new ConfigAggregatorInventory({
      aggregatorName: 'org',
      region: 'us-east-1',
      account: { managementAccountId: MANAGEMENT, managementRoleName: 'Mgmt' },
      assumer: roleAssumer({ purpose: 'tag-coverage' }),
    });

  it('pages the query 100 rows at a time and keeps live resources with their tags', async () => {
    config
      .on(SelectAggregateResourceConfigCommand, { NextToken: undefined })
      .resolves({
        Results: [
          row({
            arn: `arn:aws:ec2:eu-west-1:${A}:instance/i-1`,
            resourceType: 'AWS::EC2::Instance',
            tags: [{ key: 'owner', value: 'a', tag: 'owner=a' }],
          }),
          row({
            arn: `arn:aws:ec2:eu-west-1:${A}:instance/i-gone`,
            resourceType: 'AWS::EC2::Instance',
            configurationItemStatus: 'ResourceDeleted',
          }),
        ],
        NextToken: 't2',
      })
      .on(SelectAggregateResourceConfigCommand, { NextToken: 't2' })
      .resolves({
        Results: [
          row({ arn: `arn:aws:ec2:eu-west-1:${A}:volume/vol-1`, resourceType: 'AWS::EC2::Volume' }),
          row({
            arn: `arn:aws:config:eu-west-1:${A}:resource-compliance/x`,
            resourceType: 'AWS::Config::ResourceCompliance',
          }),
        ],
      });
    const source = inventory();

    const resources = await source.listResources(A, 'eu-west-1');

    expect(resources).toEqual([
      {
        arn: `arn:aws:ec2:eu-west-1:${A}:instance/i-1`,
        accountId: A,
        region: 'eu-west-1',
        resourceType: 'ec2:instance',
        tags: { owner: 'a' },
      },
      {
        arn: `arn:aws:ec2:eu-west-1:${A}:volume/vol-1`,
        accountId: A,
        region: 'eu-west-1',
        resourceType: 'ec2:volume',
        tags: {},
      },
    ]);
    expect(config).toReceiveCommandWith(SelectAggregateResourceConfigCommand, {
      ConfigurationAggregatorName: 'org',
      Expression: selectExpression(A, 'eu-west-1'),
      Limit: SELECT_PAGE_LIMIT,
    });
    expect(SELECT_PAGE_LIMIT).toBe(100);
    expect(source.pageRequests).toBe(2);
    const client = config.commandCalls(SelectAggregateResourceConfigCommand)[0]
      ?.thisValue as ConfigServiceClient;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('fails the scope when the aggregator cannot be read, naming the permission on AccessDenied', async () => {
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejects(new NoSuchConfigurationAggregatorException({ $metadata: {}, message: 'no such aggregator' }));

    await expect(inventory().listResources(A, 'global')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/global`,
      reason: 'AWS Config: NoSuchConfigurationAggregatorException: no such aggregator',
    });
  });

  it('leaves out the records Config keeps that are not resources, even without an ARN', async () => {
    config.on(SelectAggregateResourceConfigCommand).resolves({
      Results: [
        row({ resourceType: 'AWS::SSM::ManagedInstanceInventory' }),
        row({ resourceType: 'AWS::SSM::PatchCompliance', arn: `arn:aws:ssm:eu-west-1:${A}:x` }),
        row({ resourceType: 'AWS::SSM::AssociationCompliance' }),
        row({ resourceType: 'AWS::SSM::FileData' }),
        row({ resourceType: 'AWS::S3::AccountPublicAccessBlock' }),
        row({ resourceType: 'AWS::EC2::Instance', arn: `arn:aws:ec2:eu-west-1:${A}:instance/i-9` }),
      ],
    });

    const resources = await inventory().listResources(A, 'eu-west-1');

    expect(resources.map((r) => r.arn)).toEqual([`arn:aws:ec2:eu-west-1:${A}:instance/i-9`]);
  });

  it('fails a region the aggregator does not hold, or last failed to collect, instead of listing it empty', async () => {
    config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [] });
    const source = inventory();

    await expect(source.listResources(A, 'ap-south-1')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/ap-south-1`,
      reason: 'AWS Config: the aggregator org does not aggregate ap-south-1: its resources cannot be listed',
    });
    await expect(source.listResources(A, 'ap-southeast-2')).rejects.toMatchObject({
      reason: expect.stringContaining(
        'last failed to collect ap-southeast-2: FAILED (OrganizationAccessDeniedException',
      ),
    });
    await expect(source.listResources(A, 'eu-west-1')).resolves.toEqual([]);
    await expect(source.listResources('444444444444', 'eu-west-1')).resolves.toEqual([]);
    await expect(source.listResources(A, 'global')).resolves.toEqual([]);
    // One status read for the run, whatever the regions; no query for an uncovered region.
    expect(config).toReceiveCommandTimes(DescribeConfigurationAggregatorSourcesStatusCommand, 1);
    expect(config).toReceiveCommandTimes(SelectAggregateResourceConfigCommand, 3);
  });

  it('asks the aggregator status again after a run, so a region that stopped being collected is a gap next run', async () => {
    let now = 0;
    config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [] });
    const source = new ConfigAggregatorInventory({
      aggregatorName: 'org',
      region: 'us-east-1',
      account: { managementAccountId: MANAGEMENT, managementRoleName: 'Mgmt' },
      assumer: roleAssumer({ purpose: 'tag-coverage' }),
      now: () => now,
    });
    await expect(source.listResources(A, 'eu-west-1')).resolves.toEqual([]);
    config
      .on(DescribeConfigurationAggregatorSourcesStatusCommand)
      .resolves({ AggregatedSourceStatusList: [] });

    now = 60 * 60_000;

    await expect(source.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: 'AWS Config: the aggregator org does not aggregate eu-west-1: its resources cannot be listed',
    });
  });

  it('judges each account of an aggregator of listed accounts by its own source, so one failing account is not hidden', async () => {
    const source = (id: string, status: 'SUCCEEDED' | 'FAILED') => ({
      SourceId: id,
      SourceType: 'ACCOUNT' as const,
      AwsRegion: 'eu-west-1',
      LastUpdateStatus: status,
    });
    config.on(DescribeConfigurationAggregatorSourcesStatusCommand).resolves({
      AggregatedSourceStatusList: [source(MANAGEMENT, 'SUCCEEDED'), source(A, 'FAILED')],
    });
    config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [] });
    const inv = inventory();

    await expect(inv.listResources(MANAGEMENT, 'eu-west-1')).resolves.toEqual([]);
    await expect(inv.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: `AWS Config: the aggregator org last failed to collect account ${A} in eu-west-1: FAILED: its resources cannot be listed`,
    });
    await expect(inv.listResources('444444444444', 'eu-west-1')).rejects.toMatchObject({
      reason:
        'AWS Config: the aggregator org does not aggregate account 444444444444 in eu-west-1: its resources cannot be listed',
    });
  });

  it('fails the scope on a row it cannot read, rather than skip a resource', async () => {
    config.on(SelectAggregateResourceConfigCommand).resolves({ Results: ['{"accountId":'] });

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: expect.stringContaining('Results[0]: not a JSON object'),
    });
  });
});

describe('selectExpression and fromConfigRow', () => {
  it('selects one account and region, global included', () => {
    expect(selectExpression(A, 'global')).toBe(
      `SELECT accountId, awsRegion, arn, resourceType, configurationItemStatus, tags WHERE accountId = '${A}' AND awsRegion = 'global'`,
    );
  });

  it('refuses text that is not an account id or region, so nothing reaches the SQL', () => {
    expect(() => selectExpression("1' OR '1'='1", 'eu-west-1')).toThrow(InputError);
    expect(() => selectExpression(A, "eu-west-1' OR '1'='1")).toThrow(InputError);
  });

  it('keeps an IAM role with its tags in the region global', () => {
    expect(
      fromConfigRow(
        row({
          awsRegion: 'global',
          arn: `arn:aws:iam::${A}:role/deploy`,
          resourceType: 'AWS::IAM::Role',
          tags: [{ key: 'owner', value: 'ops' }],
        }),
        'Results[0]',
      ),
    ).toEqual({
      arn: `arn:aws:iam::${A}:role/deploy`,
      accountId: A,
      region: 'global',
      resourceType: 'iam:role',
      tags: { owner: 'ops' },
    });
  });

  it('names the row that lacks its ARN', () => {
    expect(() => fromConfigRow(row({ resourceType: 'AWS::EC2::Instance' }), 'Results[3]')).toThrow(
      /Results\[3\]: expected accountId, awsRegion and arn/,
    );
  });
});
