import { Readable } from 'node:stream';
import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  PaginationTokenExpiredException,
  ResourceGroupsTaggingAPIClient,
  ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RoleAssumer, roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { awsClient, clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  RESOURCES_PER_PAGE,
  TaggingInventory,
  toTaggedResource,
} from '../../../../shared/adapters/aws/tagging-inventory.js';
import { mapSettled } from '../../../../shared/core/concurrency.js';
import { ScanError } from '../../../../shared/core/errors.js';

const A = '111111111111';
const B = '222222222222';
const ROLE = 'FinopsGuardrailsMemberRead';

const assumed = {
  Credentials: {
    AccessKeyId: 'ASIA',
    SecretAccessKey: 's',
    SessionToken: 't',
    Expiration: new Date(Date.now() + 3_600_000),
  },
};

const page = (arns: string[], token: string): Partial<GetResourcesCommandOutput> => ({
  ResourceTagMappingList: arns.map((arn) => ({
    ResourceARN: arn,
    Tags: [{ Key: 'owner', Value: 'team-a' }],
  })),
  PaginationToken: token,
});

const mockTagging = () => mockClient(ResourceGroupsTaggingAPIClient);
const mockSts = () => mockClient(STSClient);

describe('TaggingInventory', () => {
  // Made in beforeAll and restored after, so the retry tests below can use a real client.
  let tagging: ReturnType<typeof mockTagging>;
  let sts: ReturnType<typeof mockSts>;
  beforeAll(() => {
    tagging = mockTagging();
    sts = mockSts();
  });
  afterEach(() => {
    tagging.reset();
    sts.reset();
    clearAwsClients();
  });
  afterAll(() => {
    tagging.restore();
    sts.restore();
  });

  const inventory = () =>
    new TaggingInventory({ assumer: roleAssumer({ purpose: 'tag-coverage' }), memberRoleName: ROLE });

  it('reads every page, 100 resources at a time, until the token comes back empty', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging
      .on(GetResourcesCommand, { PaginationToken: undefined })
      .resolves(page([`arn:aws:ec2:eu-west-1:${A}:instance/i-1`], 'p2'))
      .on(GetResourcesCommand, { PaginationToken: 'p2' })
      .resolves(page([`arn:aws:ec2:eu-west-1:${A}:volume/vol-1`], 'p3'))
      .on(GetResourcesCommand, { PaginationToken: 'p3' })
      .resolves(page([`arn:aws:lambda:eu-west-1:${A}:function:f`], ''));
    const source = inventory();

    const resources = await source.listResources(A, 'eu-west-1');

    expect(resources.map((r) => r.resourceType)).toEqual(['ec2:instance', 'ec2:volume', 'lambda:function']);
    const calls = tagging.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { ResourcesPerPage: RESOURCES_PER_PAGE, PaginationToken: undefined },
      { ResourcesPerPage: RESOURCES_PER_PAGE, PaginationToken: 'p2' },
      { ResourcesPerPage: RESOURCES_PER_PAGE, PaginationToken: 'p3' },
    ]);
    expect(tagging).toReceiveCommandWith(GetResourcesCommand, { ResourcesPerPage: 100 });
    expect(source.pageRequests).toBe(3);
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${A}:role/${ROLE}` });
  });

  it('attributes S3 buckets to the account and region scanned, and leaves global resources to the global scope', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    // What us-east-1 returns: its own resources and the global ones (CloudFront, Route 53) of the account.
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: 'arn:aws:s3:::logs-bucket', Tags: [{ Key: 'owner', Value: 'data' }] },
        { ResourceARN: 'arn:aws:route53:::hostedzone/Z123', Tags: [{ Key: 'owner', Value: 'net' }] },
        {
          ResourceARN: `arn:aws:cloudfront::${A}:distribution/E2QWRUHEXAMPLE`,
          Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 's' }],
        },
        { ResourceARN: `arn:aws:sqs:eu-west-1:${B}:shared-queue`, Tags: [{ Key: 'cost-center', Value: '' }] },
      ],
      PaginationToken: '',
    });
    const source = inventory();

    const regional = await source.listResources(A, 'us-east-1');
    const global = await source.listResources(A, 'global');

    expect(source.globalScope).toBe(true);
    expect(regional).toEqual([
      {
        arn: 'arn:aws:s3:::logs-bucket',
        accountId: A,
        region: 'us-east-1',
        resourceType: 's3:bucket',
        tags: { owner: 'data' },
      },
      // Where the ARN carries an account and region, they win.
      {
        arn: `arn:aws:sqs:eu-west-1:${B}:shared-queue`,
        accountId: B,
        region: 'eu-west-1',
        resourceType: 'sqs:queue',
        tags: { 'cost-center': '' },
      },
    ]);
    expect(global).toEqual([
      {
        arn: 'arn:aws:route53:::hostedzone/Z123',
        accountId: A,
        region: 'global',
        resourceType: 'route53:hostedzone',
        tags: { owner: 'net' },
      },
      {
        arn: `arn:aws:cloudfront::${A}:distribution/E2QWRUHEXAMPLE`,
        accountId: A,
        region: 'global',
        resourceType: 'cloudfront:distribution',
        tags: { 'aws:cloudformation:stack-name': 's' },
      },
    ]);
    // The global scope reads us-east-1, where the API returns CloudFront and Route 53.
    const regions = await Promise.all(
      tagging
        .commandCalls(GetResourcesCommand)
        .map((c) => (c.thisValue as ResourceGroupsTaggingAPIClient).config.region()),
    );
    expect(regions).toEqual(['us-east-1', 'us-east-1']);
  });

  it("reads global resources in the partition's global region: cn-northwest-1 in aws-cn", async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
    const source = new TaggingInventory({
      assumer: roleAssumer({ purpose: 'tag-coverage', partition: 'aws-cn' }),
      memberRoleName: ROLE,
    });

    await source.listResources(A, 'global');

    const client = tagging.commandCalls(GetResourcesCommand)[0]?.thisValue as ResourceGroupsTaggingAPIClient;
    expect(await client.config.region()).toBe('cn-northwest-1');
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws-cn:iam::${A}:role/${ROLE}` });
  });

  it('assumes each account’s role once for all its regions, with one client per region', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
    const source = inventory();

    await Promise.all([source.listResources(A, 'eu-west-1'), source.listResources(A, 'us-east-1')]);

    expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 1);
    const clients = new Set(tagging.commandCalls(GetResourcesCommand).map((c) => c.thisValue));
    expect(clients.size).toBe(2);
  });

  it('fails only the account whose role is denied, while another account completes', async () => {
    sts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${A}:role/${ROLE}` })
      .rejects(
        new STSServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'not authorized to perform: sts:AssumeRole',
        }),
      )
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${B}:role/${ROLE}` })
      .resolves(assumed);
    tagging.on(GetResourcesCommand).resolves(page([`arn:aws:ec2:eu-west-1:${B}:instance/i-b`], ''));
    const source = inventory();

    const [a, b] = await mapSettled([A, B], 2, (account) => source.listResources(account, 'eu-west-1'));

    expect(a?.status).toBe('rejected');
    const error = a?.status === 'rejected' ? a.reason : undefined;
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({ scope: `${A}/eu-west-1` });
    expect((error as Error).message).toContain(`cannot assume arn:aws:iam::${A}:role/${ROLE}: AccessDenied`);
    expect(b).toMatchObject({ status: 'fulfilled', value: [{ accountId: B }] });
    expect(tagging).toReceiveCommandTimes(GetResourcesCommand, 1);
  });

  it('throws instead of returning the pages read before an error', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging
      .on(GetResourcesCommand, { PaginationToken: undefined })
      .resolves(page([`arn:aws:ec2:eu-west-1:${A}:instance/i-1`], 'p2'))
      .on(GetResourcesCommand, { PaginationToken: 'p2' })
      .rejects(
        Object.assign(new Error('User is not authorized to perform: tag:GetResources'), {
          name: 'AccessDeniedException',
        }),
      );

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/eu-west-1`,
      reason: 'AccessDeniedException: User is not authorized to perform: tag:GetResources',
    });
  });

  it('reports an expired pagination token as a scan gap', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging
      .on(GetResourcesCommand, { PaginationToken: undefined })
      .resolves(page([`arn:aws:ec2:eu-west-1:${A}:instance/i-1`], 'p2'))
      .on(GetResourcesCommand, { PaginationToken: 'p2' })
      .rejects(new PaginationTokenExpiredException({ $metadata: {}, message: 'token expired' }));

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toThrow(
      /PaginationTokenExpiredException: .*15 minutes/,
    );
  });

  it('fails the scope when throttling outlasts the SDK’s retries', async () => {
    // With `send` mocked, a rejection stands for what is left after the SDK's own attempts.
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging
      .on(GetResourcesCommand)
      .rejects(new ThrottledException({ $metadata: {}, message: 'Rate exceeded' }));

    await expect(inventory().listResources(A, 'ap-southeast-2')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/ap-southeast-2`,
      reason: 'ThrottledException: Rate exceeded',
    });
  });

  it('stops with a scan gap when the API repeats a token', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    tagging.on(GetResourcesCommand).resolves(page([`arn:aws:ec2:eu-west-1:${A}:instance/i-1`], 'same'));

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toThrow(/repeated a PaginationToken/);
    expect(tagging).toReceiveCommandTimes(GetResourcesCommand, 2);
  });
});

describe('TaggingInventory under SDK retries', () => {
  // A real client with a scripted HTTP handler: aws-sdk-client-mock replaces `send`,
  // which would skip the retry middleware this test is about.
  const fakeAssumer: RoleAssumer = {
    assume: (accountId, roleName) => ({
      roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
      credentialsKey: `retry-test:${accountId}`,
    }),
    callerIdentity: async () => ({ accountId: A, partition: 'aws' }),
    source: {},
    defaultPartition: 'aws',
    calls: 0,
  };
  afterEach(() => clearAwsClients());

  function scriptHandler(region: string, responses: { status: number; body: unknown; errorType?: string }[]) {
    const client = awsClient(ResourceGroupsTaggingAPIClient, {
      region,
      ...fakeAssumer.assume(A, ROLE),
    });
    let sent = 0;
    (client.config as { requestHandler: unknown }).requestHandler = {
      handle: async () => {
        const next = responses[Math.min(sent, responses.length - 1)];
        sent++;
        return {
          response: {
            statusCode: next?.status ?? 500,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              ...(next?.errorType && { 'x-amzn-errortype': next.errorType }),
            },
            body: Readable.from([Buffer.from(JSON.stringify(next?.body ?? {}))]),
          },
        };
      },
    };
    return () => sent;
  }

  it('retries a ThrottledException through the SDK’s adaptive retry and returns the page', async () => {
    const sent = scriptHandler('eu-west-1', [
      {
        status: 400,
        errorType: 'ThrottledException',
        body: { __type: 'ThrottledException', Message: 'Rate exceeded' },
      },
      {
        status: 200,
        body: { ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::b', Tags: [] }], PaginationToken: '' },
      },
    ]);

    const resources = await new TaggingInventory({
      assumer: fakeAssumer,
      memberRoleName: ROLE,
    }).listResources(A, 'eu-west-1');

    expect(resources.map((r) => r.arn)).toEqual(['arn:aws:s3:::b']);
    expect(sent()).toBe(2);
  });
});

describe('toTaggedResource', () => {
  it('rejects a mapping without an ARN', () => {
    expect(() => toTaggedResource({ Tags: [] }, { accountId: A, region: 'eu-west-1' })).toThrow(
      /without a ResourceARN/,
    );
  });
});
