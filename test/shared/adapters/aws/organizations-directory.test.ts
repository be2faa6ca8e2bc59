import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  ACCOUNT_TAGS_CONCURRENCY,
  accountStatus,
  OrganizationsDirectory,
} from '../../../../shared/adapters/aws/organizations-directory.js';
import { ScanError } from '../../../../shared/core/errors.js';

const staticCredentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
const account = (id: string, extra: Record<string, string> = {}) => ({
  Id: id,
  Arn: `arn:aws:organizations::999999999999:account/o-abc1234567/${id}`,
  Name: `acct-${id.slice(0, 3)}`,
  Email: `${id}@example.com`,
  ...extra,
});

describe('OrganizationsDirectory', () => {
  const organizations = mockClient(OrganizationsClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    organizations.reset();
    sts.reset();
    clearAwsClients();
  });

  it('returns every account over all pages, suspended ones with their status, and their tags', async () => {
    organizations
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [account('111111111111', { Status: 'ACTIVE', State: 'ACTIVE' })],
        NextToken: 'p2',
      })
      .on(ListAccountsCommand, { NextToken: 'p2' })
      .resolves({
        Accounts: [
          account('222222222222', { Status: 'SUSPENDED', State: 'SUSPENDED' }),
          account('333333333333', { Status: 'ACTIVE' }),
        ],
      });
    organizations
      .on(ListTagsForResourceCommand, { ResourceId: '111111111111', NextToken: undefined })
      .resolves({ Tags: [{ Key: 'owner', Value: 'payments' }], NextToken: 't2' })
      .on(ListTagsForResourceCommand, { ResourceId: '111111111111', NextToken: 't2' })
      .resolves({ Tags: [{ Key: 'contact', Value: 'pay@example.com' }] })
      .on(ListTagsForResourceCommand, { ResourceId: '222222222222' })
      .resolves({ Tags: [] })
      .on(ListTagsForResourceCommand, { ResourceId: '333333333333' })
      .resolves({});

    const accounts = await new OrganizationsDirectory({
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
    }).listAccounts();

    expect(accounts).toEqual([
      {
        id: '111111111111',
        name: 'acct-111',
        status: 'ACTIVE',
        tags: { owner: 'payments', contact: 'pay@example.com' },
      },
      { id: '222222222222', name: 'acct-222', status: 'SUSPENDED', tags: {} },
      { id: '333333333333', name: 'acct-333', status: 'ACTIVE', tags: {} },
    ]);
    expect(organizations).toReceiveCommandTimes(ListAccountsCommand, 2);
    expect(organizations).toReceiveCommandWith(ListAccountsCommand, { NextToken: 'p2' });
    expect(organizations).toReceiveCommandWith(ListTagsForResourceCommand, {
      ResourceId: '111111111111',
      NextToken: 't2',
    });
    expect(organizations).toReceiveCommandTimes(ListTagsForResourceCommand, 4);
    expect(sts).not.toHaveReceivedAnyCommand();
  });

  it('prefers State over the retiring Status', () => {
    expect(accountStatus({ Status: 'ACTIVE', State: 'SUSPENDED' })).toBe('SUSPENDED');
    expect(accountStatus({ State: 'CLOSED' })).toBe('CLOSED');
    expect(accountStatus({ Status: 'PENDING_CLOSURE' })).toBe('PENDING_CLOSURE');
    expect(accountStatus({})).toBe('UNKNOWN');
  });

  it(`reads account tags at most ${ACCOUNT_TAGS_CONCURRENCY} at once`, async () => {
    const ids = Array.from({ length: 12 }, (_, i) => String(100000000000 + i));
    organizations
      .on(ListAccountsCommand)
      .resolves({ Accounts: ids.map((id) => account(id, { State: 'ACTIVE' })) });
    let inFlight = 0;
    let peak = 0;
    organizations.on(ListTagsForResourceCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { Tags: [] };
    });

    const accounts = await new OrganizationsDirectory({
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
    }).listAccounts();

    expect(accounts.map((a) => a.id)).toEqual(ids);
    expect(peak).toBe(ACCOUNT_TAGS_CONCURRENCY);
  });

  it('assumes the management read role when the caller is another account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '111111111111',
      Arn: 'arn:aws:sts::111111111111:assumed-role/tooling/fn',
    });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    organizations.on(ListAccountsCommand).resolves({ Accounts: [] });

    await new OrganizationsDirectory({
      managementAccountId: '999999999999',
      managementRoleName: 'FinopsGuardrailsManagementRead',
      assumer: roleAssumer({ purpose: 'directory', externalId: 'ext' }),
    }).listAccounts();

    // The mocked send skips signing, so resolve the provider the client was given.
    const client = organizations.commandCalls(ListAccountsCommand)[0]?.thisValue as OrganizationsClient;
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIA' });
    expect(await client.config.region()).toBe('us-east-1');
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::999999999999:role/FinopsGuardrailsManagementRead',
      RoleSessionName: 'finops-guardrails-directory',
      ExternalId: 'ext',
    });
  });

  it('fails as a whole, naming the account, when one account’s tags cannot be read', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [account('111111111111', { State: 'ACTIVE' }), account('222222222222', { State: 'ACTIVE' })],
    });
    organizations
      .on(ListTagsForResourceCommand, { ResourceId: '111111111111' })
      .resolves({ Tags: [] })
      .on(ListTagsForResourceCommand, { ResourceId: '222222222222' })
      .rejects(
        new TooManyRequestsException({
          $metadata: {},
          message: 'AWS Organizations can’t complete your request',
        }),
      );

    const error = await new OrganizationsDirectory({
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
    })
      .listAccounts()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({ scope: 'organization' });
    expect((error as Error).message).toContain('tags of account 222222222222: TooManyRequestsException');
  });

  it('turns a denied ListAccounts into a ScanError for the organization', async () => {
    organizations
      .on(ListAccountsCommand)
      .rejects(Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' }));

    await expect(
      new OrganizationsDirectory({
        managementRoleName: 'Mgmt',
        credentials: staticCredentials,
      }).listAccounts(),
    ).rejects.toMatchObject({
      name: 'ScanError',
      scope: 'organization',
      reason: 'ListAccounts failed: AccessDeniedException: not the management account',
    });
  });
});
