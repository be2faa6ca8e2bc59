import {
  AccessDeniedException,
  GetViewCommand,
  ListIndexesForMembersCommand,
  ListResourcesCommand,
  ResourceExplorer2Client,
  UnauthorizedException,
} from '@aws-sdk/client-resource-explorer-2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  LIST_RESOURCES_PAGE,
  listFilter,
  ResourceExplorerInventory,
} from '../../../../shared/adapters/aws/resource-explorer-inventory.js';

const MANAGEMENT = '111111111111';
const TOOLING = '222222222222';
const A = '333333333333';
const VIEW = `arn:aws:resource-explorer-2:eu-west-1:${MANAGEMENT}:view/org/5c1e0000-0000-4000-8000-000000000001`;
/** A view as GetView returns it (API reference, View): organization scope, the tags property, no filter. */
const orgView = {
  ViewArn: VIEW,
  Owner: MANAGEMENT,
  Scope: `arn:aws:organizations::${MANAGEMENT}:organization/o-abcdefghij`,
  IncludedProperties: [{ Name: 'tags' }],
  Filters: { FilterString: '' },
};
/** A resource as ListResources returns it, tags in the `tags` property. */
const resource = (arn: string, region: string, tags?: Array<{ Key: string; Value: string }>) => ({
  Arn: arn,
  OwningAccountId: A,
  Region: region,
  ResourceType: 'ec2:instance',
  Service: arn.split(':')[2],
  Properties: tags ? [{ Name: 'tags', LastReportedAt: new Date('2026-11-19T00:00:00Z'), Data: tags }] : [],
});

describe('ResourceExplorerInventory', () => {
  const explorer = mockClient(ResourceExplorer2Client);
  const sts = mockClient(STSClient);
  beforeEach(() => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TOOLING, Arn: `arn:aws:sts::${TOOLING}:assumed-role/r/s` });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    explorer.on(GetViewCommand).resolves({ View: orgView });
    // Indexes as ListIndexesForMembers returns them (API reference, MemberIndex).
    explorer.on(ListIndexesForMembersCommand).callsFake((input: { AccountIdList: string[] }) => ({
      Indexes: input.AccountIdList.map((account) => ({
        AccountId: account,
        Region: 'eu-west-1',
        Type: account === MANAGEMENT ? 'AGGREGATOR' : 'LOCAL',
        Arn: `arn:aws:resource-explorer-2:eu-west-1:${account}:index/0`,
      })),
    }));
  });
  afterEach(() => {
    explorer.reset();
    sts.reset();
    clearAwsClients();
  });
  const inventory = () =>
    new ResourceExplorerInventory({
      viewArn: VIEW,
      roleName: 'FinopsGuardrailsManagementRead',
      assumer: roleAssumer({ purpose: 'tag-coverage' }),
    });

  it('lists one account and region through the view, 999 a page, never-tagged resources included', async () => {
    explorer
      .on(ListResourcesCommand, { NextToken: undefined })
      .resolves({
        Resources: [
          resource(`arn:aws:ec2:eu-west-1:${A}:instance/i-1`, 'eu-west-1', [{ Key: 'owner', Value: 'a' }]),
        ],
        NextToken: 'n2',
      })
      .on(ListResourcesCommand, { NextToken: 'n2' })
      .resolves({ Resources: [resource(`arn:aws:ec2:eu-west-1:${A}:instance/i-2`, 'eu-west-1')] });
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
        arn: `arn:aws:ec2:eu-west-1:${A}:instance/i-2`,
        accountId: A,
        region: 'eu-west-1',
        resourceType: 'ec2:instance',
        tags: {},
      },
    ]);
    expect(explorer).toReceiveCommandWith(ListResourcesCommand, {
      ViewArn: VIEW,
      Filters: { FilterString: `accountid:${A} region:eu-west-1` },
      MaxResults: LIST_RESOURCES_PAGE,
    });
    expect(source.pageRequests).toBe(2);
    // The view lives in the management account's eu-west-1: the client signs with its role's credentials, there.
    const client = explorer.commandCalls(ListResourcesCommand)[0]?.thisValue as ResourceExplorer2Client;
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIA' });
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MANAGEMENT}:role/FinopsGuardrailsManagementRead`,
    });
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('reads global resources with region:global and leaves out IAM, whose tags are not indexed', async () => {
    explorer.on(ListResourcesCommand).resolves({
      Resources: [
        resource(`arn:aws:cloudfront::${A}:distribution/E1`, 'global', [{ Key: 'owner', Value: 'web' }]),
        resource(`arn:aws:iam::${A}:role/deploy`, 'global'),
      ],
    });

    const resources = await inventory().listResources(A, 'global');

    expect(resources.map((r) => [r.arn, r.region])).toEqual([
      [`arn:aws:cloudfront::${A}:distribution/E1`, 'global'],
    ]);
    expect(explorer).toReceiveCommandWith(ListResourcesCommand, {
      Filters: { FilterString: `accountid:${A} region:global` },
    });
  });

  it('checks the view once, and fails every scope of a view without the tags property', async () => {
    explorer.on(GetViewCommand).resolves({ View: { ...orgView, IncludedProperties: [] } });
    const source = inventory();

    await expect(source.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      name: 'ScanError',
      reason: expect.stringContaining('does not include the tags property'),
    });
    expect(explorer).not.toHaveReceivedCommand(ListResourcesCommand);
  });

  it('refuses a filtered view, which would hide resources', async () => {
    explorer.on(GetViewCommand).resolves({ View: { ...orgView, Filters: { FilterString: '-tag:none' } } });

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: expect.stringContaining('has a filter (-tag:none)'),
    });
  });

  it('fails the other accounts of an account-scoped view instead of reporting them empty', async () => {
    explorer.on(GetViewCommand).resolves({ View: { ...orgView, Scope: `arn:aws:iam::${MANAGEMENT}:root` } });
    explorer.on(ListResourcesCommand).resolves({ Resources: [] });
    const source = inventory();

    await expect(source.listResources(MANAGEMENT, 'eu-west-1')).resolves.toEqual([]);
    await expect(source.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: expect.stringContaining(`covers only account ${MANAGEMENT}`),
    });
    expect(explorer).toReceiveCommandTimes(GetViewCommand, 1);
  });

  it('turns a denied search into a scan gap naming the permission', async () => {
    explorer
      .on(ListResourcesCommand)
      .rejects(new UnauthorizedException({ $metadata: { httpStatusCode: 401 }, message: 'no access' }));

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/eu-west-1`,
      reason:
        'Resource Explorer: UnauthorizedException: no access (does the role allow resource-explorer-2:Search?)',
    });
  });

  it('pages at 999, because at 1,000 ListResources gives no NextToken and a listing would stop there', async () => {
    // Prepare: 2,500 resources, served as AWS does: no NextToken when MaxResults is 1,000.
    const all = Array.from({ length: 2500 }, (_, i) =>
      resource(`arn:aws:ec2:eu-west-1:${A}:instance/i-${i}`, 'eu-west-1'),
    );
    explorer.on(ListResourcesCommand).callsFake((input: { MaxResults?: number; NextToken?: string }) => {
      const size = input.MaxResults ?? 100;
      const from = Number(input.NextToken ?? 0);
      const next = from + size;
      return {
        Resources: all.slice(from, next),
        ...(size < 1000 && next < all.length && { NextToken: String(next) }),
      };
    });
    // Act
    const source = inventory();
    const resources = await source.listResources(A, 'eu-west-1');
    // Assess
    expect(resources).toHaveLength(2500);
    expect(source.pageRequests).toBe(3);
  });

  it('fails a Region without an index with a scan gap saying how to create one, asking once per account', async () => {
    explorer.on(ListResourcesCommand).resolves({ Resources: [] });
    const source = inventory();

    await expect(source.listResources(A, 'eu-west-1')).resolves.toEqual([]);
    await expect(source.listResources(A, 'ap-south-1')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/ap-south-1`,
      reason: expect.stringContaining(
        `no Resource Explorer index in account ${A}, Region ap-south-1: its resources cannot be listed; create one there (aws resource-explorer-2 create-index --region ap-south-1`,
      ),
    });
    // Global resources are listed whatever the account's Regions.
    await expect(source.listResources(A, 'global')).resolves.toEqual([]);
    expect(explorer).toReceiveCommandTimes(ListIndexesForMembersCommand, 1);
    expect(explorer).toReceiveCommandWith(ListIndexesForMembersCommand, { AccountIdList: [A] });
    expect(explorer.commandCalls(ListResourcesCommand)).toHaveLength(2);
  });

  it('fails the global scope of an account with no index at all, rather than list its global resources as none', async () => {
    explorer.on(ListIndexesForMembersCommand).resolves({ Indexes: [] });
    explorer.on(ListResourcesCommand).resolves({ Resources: [] });

    await expect(inventory().listResources(A, 'global')).rejects.toMatchObject({
      name: 'ScanError',
      scope: `${A}/global`,
      reason: expect.stringContaining(
        `no Resource Explorer index in account ${A}: its global resources cannot be listed`,
      ),
    });
    expect(explorer).not.toHaveReceivedCommand(ListResourcesCommand);
  });

  it('checks the view and the indexes again after a run, so a source kept warm sees an index deleted since', async () => {
    // Prepare: the same source, warm across two scheduled runs an hour apart; the index goes in between.
    let now = 0;
    explorer.on(ListResourcesCommand).resolves({ Resources: [] });
    const source = new ResourceExplorerInventory({
      viewArn: VIEW,
      roleName: 'FinopsGuardrailsManagementRead',
      assumer: roleAssumer({ purpose: 'tag-coverage' }),
      now: () => now,
    });
    await expect(source.listResources(A, 'eu-west-1')).resolves.toEqual([]);
    explorer.on(ListIndexesForMembersCommand).resolves({ Indexes: [] });
    // Act
    now = 60 * 60_000;
    const second = source.listResources(A, 'eu-west-1');
    // Assess
    await expect(second).rejects.toMatchObject({
      reason: expect.stringContaining('no Resource Explorer index'),
    });
    expect(explorer).toReceiveCommandTimes(ListIndexesForMembersCommand, 2);
    expect(explorer).toReceiveCommandTimes(GetViewCommand, 2);
  });

  it('turns a denied ListIndexesForMembers into a scan gap naming the permission, and asks again next time', async () => {
    explorer
      .on(ListIndexesForMembersCommand)
      .rejectsOnce(new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: 'denied' }))
      .resolves({ Indexes: [{ AccountId: A, Region: 'eu-west-1' }] });
    explorer.on(ListResourcesCommand).resolves({ Resources: [] });
    const source = inventory();

    await expect(source.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      name: 'ScanError',
      reason: expect.stringContaining('resource-explorer-2:ListIndexesForMembers'),
    });
    await expect(source.listResources(A, 'eu-west-1')).resolves.toEqual([]);
    expect(explorer).not.toHaveReceivedCommandWith(ListResourcesCommand, { MaxResults: 1000 });
  });

  it('refuses a view scoped to an organizational unit, whose other accounts would list nothing', async () => {
    explorer.on(GetViewCommand).resolves({
      View: { ...orgView, Scope: `arn:aws:organizations::${MANAGEMENT}:ou/o-abcdefghij/ou-ab12-cdef3456` },
    });

    await expect(inventory().listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: expect.stringContaining('is scoped to an organizational unit'),
    });
    expect(explorer).not.toHaveReceivedCommand(ListResourcesCommand);
  });

  it('writes the filter with the accountid: and region: prefixes', () => {
    expect(listFilter(A, 'ap-southeast-2')).toBe(`accountid:${A} region:ap-southeast-2`);
  });
});
