import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ASSUME_ROLE_DURATION_SECONDS,
  AssumeRoleError,
  managementAccess,
  partitionOfRegion,
  roleArn,
  roleAssumer,
  roleSessionName,
} from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MEMBER = '222222222222';
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/FinopsGuardrailsMemberRead`;

function credentialsExpiringAt(ms: number) {
  return {
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(ms),
    },
  };
}

const accessDenied = () =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::111111111111:assumed-role/tooling/fn is not authorized to perform: sts:AssumeRole on resource: ${MEMBER_ROLE}`,
  });

// One STS mock for the file: two class-level mocks of one client would share a stub.
describe('STS role adapters', () => {
  const sts = mockClient(STSClient);
  afterEach(() => {
    sts.reset();
    clearAwsClients();
  });

  describe('roleAssumer', () => {
    it('assumes the role by ARN with a named session, the ExternalId and a one-hour duration', async () => {
      sts.on(AssumeRoleCommand).resolves(credentialsExpiringAt(T0 + 3_600_000));
      const assumer = roleAssumer({ purpose: 'tag-coverage', externalId: 'org-secret', now: () => T0 });

      const role = assumer.assume(MEMBER, 'FinopsGuardrailsMemberRead');
      const credentials = await role.credentials();

      expect(role).toMatchObject({ roleArn: MEMBER_ROLE, credentialsKey: MEMBER_ROLE });
      expect(credentials).toEqual({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token',
        expiration: new Date(T0 + 3_600_000),
      });
      expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
        RoleArn: MEMBER_ROLE,
        RoleSessionName: 'finops-guardrails-tag-coverage',
        DurationSeconds: ASSUME_ROLE_DURATION_SECONDS,
        ExternalId: 'org-secret',
      });
    });

    it('leaves ExternalId out when none is configured', async () => {
      sts.on(AssumeRoleCommand).resolves(credentialsExpiringAt(T0 + 3_600_000));

      await roleAssumer({ purpose: 'x', now: () => T0 })
        .assume(MEMBER, 'R')
        .credentials();

      expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).not.toHaveProperty('ExternalId');
    });

    it('reuses credentials until five minutes before they expire', async () => {
      let now = T0;
      sts.on(AssumeRoleCommand).callsFake(async () => credentialsExpiringAt(now + 3_600_000));
      const role = roleAssumer({ purpose: 'x', now: () => now }).assume(MEMBER, 'R');

      await role.credentials();
      now = T0 + 54 * 60_000; // 6 minutes left
      await role.credentials();
      expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 1);

      now = T0 + 56 * 60_000; // 4 minutes left
      await role.credentials();
      expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 2);
    });

    it('returns one provider per role, and concurrent callers share one AssumeRole', async () => {
      sts.on(AssumeRoleCommand).resolves(credentialsExpiringAt(T0 + 3_600_000));
      const assumer = roleAssumer({ purpose: 'x', now: () => T0 });

      const a = assumer.assume(MEMBER, 'R');
      const b = assumer.assume(MEMBER, 'R');
      await Promise.all([a.credentials(), b.credentials(), a.credentials()]);

      expect(b).toBe(a);
      expect(assumer.assume('333333333333', 'R')).not.toBe(a);
      expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 1);
      expect(assumer.calls).toBe(1);
    });

    it('names the role ARN when AssumeRole is denied, and tries again on the next call', async () => {
      sts
        .on(AssumeRoleCommand)
        .rejectsOnce(accessDenied())
        .resolves(credentialsExpiringAt(T0 + 3_600_000));
      const role = roleAssumer({ purpose: 'x', now: () => T0 }).assume(MEMBER, 'FinopsGuardrailsMemberRead');

      const error = await role.credentials().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AssumeRoleError);
      expect(error).toMatchObject({ roleArn: MEMBER_ROLE, cause: { name: 'AccessDenied' } });
      expect((error as Error).message).toContain(`cannot assume ${MEMBER_ROLE}: AccessDenied`);
      await expect(role.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE' });
    });

    it('rejects a response without credentials', async () => {
      sts.on(AssumeRoleCommand).resolves({});

      await expect(roleAssumer({ purpose: 'x' }).assume(MEMBER, 'R').credentials()).rejects.toThrow(
        /STS returned no credentials/,
      );
    });
  });

  describe('managementAccess', () => {
    it('uses the caller’s credentials when no management account is configured', async () => {
      const assumer = roleAssumer({ purpose: 'directory' });

      expect(await managementAccess(assumer, { managementRoleName: 'Mgmt' })).toEqual({});
      expect(sts).not.toHaveReceivedAnyCommand();
    });

    it('uses the caller’s credentials when the caller is the management account', async () => {
      sts
        .on(GetCallerIdentityCommand)
        .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:root' });

      const access = await managementAccess(roleAssumer({ purpose: 'directory' }), {
        managementAccountId: '999999999999',
        managementRoleName: 'Mgmt',
      });

      expect(access).toEqual({});
      expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    });

    it('assumes the management read role, in the caller’s partition, from another account', async () => {
      sts.on(GetCallerIdentityCommand).resolves({
        Account: '111111111111',
        Arn: 'arn:aws-cn:sts::111111111111:assumed-role/tooling/fn',
      });
      sts.on(AssumeRoleCommand).resolves(credentialsExpiringAt(Date.now() + 3_600_000));

      const access = await managementAccess(roleAssumer({ purpose: 'directory' }), {
        managementAccountId: '999999999999',
        managementRoleName: 'Mgmt',
      });
      const provider = access.credentials;
      expect(typeof provider).toBe('function');
      if (typeof provider === 'function') await provider();

      expect(access.credentialsKey).toBe('arn:aws-cn:iam::999999999999:role/Mgmt');
      expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
        RoleArn: 'arn:aws-cn:iam::999999999999:role/Mgmt',
      });
    });
  });
});

describe('role naming', () => {
  it('builds role ARNs per partition', () => {
    expect(roleArn('123456789012', 'Reader')).toBe('arn:aws:iam::123456789012:role/Reader');
    expect(roleArn('123456789012', 'Reader', 'aws-us-gov')).toBe(
      'arn:aws-us-gov:iam::123456789012:role/Reader',
    );
  });

  it('keeps session names within the 64 characters STS allows', () => {
    expect(roleSessionName('tag coverage/eu')).toBe('finops-guardrails-tag-coverage-eu');
    const long = roleSessionName('x'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[\w+=,.@-]+$/);
  });

  it('derives the partition from the region', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
  });

  it('knows every partition the SDK knows, the European Sovereign Cloud and the ISO ones included', () => {
    // Regions of each partition in @aws-sdk/core's partitions table.
    expect(partitionOfRegion('eusc-de-east-1')).toBe('aws-eusc');
    expect(partitionOfRegion('us-iso-east-1')).toBe('aws-iso');
    expect(partitionOfRegion('us-isob-east-1')).toBe('aws-iso-b');
    expect(partitionOfRegion('eu-isoe-west-1')).toBe('aws-iso-e');
    // Before, us-isof-* read as `aws`: role ARNs there would have named the wrong partition.
    expect(partitionOfRegion('us-isof-south-1')).toBe('aws-iso-f');
    expect(partitionOfRegion('eu-central-1')).toBe('aws');
  });
});
