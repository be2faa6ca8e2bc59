import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { resolveAwsRegion } from '../../cli/aws/region.js';
import { doctorCommand } from '../../cli/commands/doctor.js';
import { TRUSTED_ROLE_PREFIX } from '../../cli/doctor/doctor-checks.js';
import { STACK_NAMES } from '../../infra/build-app.js';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import { memoryIo } from '../support/memory-io.js';

const MANAGEMENT = '111111111111';
const TOOLING = '222222222222';
const MEMBERS = ['333333333333', '444444444444', '555555555555'];
const dir = mkdtempSync(join(tmpdir(), 'fg-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configFile = (extra = '') => {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `version: 1
organization:
  managementAccountId: "${MANAGEMENT}"
  toolingAccountId: "${TOOLING}"
  regions: [us-east-1]
tagPolicy:
  requiredTags: [{ key: owner }, { key: environment }, { key: cost-center }]
${extra}`,
  );
  return file;
};

// Shapes from the STS, Organizations and Cost Explorer API references (GetCallerIdentity,
// AssumeRole, ListAccounts, ListTagsForResource, ListCostAllocationTags).
const identity = (account: string, role: string) => ({
  Account: account,
  Arn: `arn:aws:sts::${account}:assumed-role/${role}/doctor-session`,
  UserId: 'AROAEXAMPLE:doctor-session',
});
const assumed = () => ({
  Credentials: {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(Date.now() + 3_600_000),
  },
});
const accessDenied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });
const account = (Id: string, Status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => ({
  Id,
  Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-abc1234567/${Id}`,
  Name: `acct-${Id.slice(0, 3)}`,
  Email: `${Id}@example.com`,
  Status,
});
const tag = (TagKey: string, Status: 'Active' | 'Inactive') => ({
  TagKey,
  Type: 'UserDefined' as const,
  Status,
});

describe('finops-guardrails doctor', () => {
  const sts = mockClient(STSClient);
  const organizations = mockClient(OrganizationsClient);
  const ce = mockClient(CostExplorerClient);
  const logs = mockClient(CloudWatchLogsClient);
  afterEach(() => {
    sts.reset();
    organizations.reset();
    ce.reset();
    logs.reset();
    clearAwsClients();
  });
  const region: typeof resolveAwsRegion = async () => ({ region: 'us-east-1' });
  const doctor = async (file: string, maxAccounts = 20, resolveRegion = region) => {
    const io = { ...memoryIo(), columns: 200 };
    const code = await doctorCommand({ config: file, maxAccounts }, io, { resolveRegion });
    return { code, out: io.out() };
  };
  const organization = () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        account(MANAGEMENT),
        ...MEMBERS.map((m) => account(m)),
        account('666666666666', 'SUSPENDED'),
      ],
    });
    organizations.on(ListTagsForResourceCommand).resolves({ Tags: [] });
  };

  it('passes a healthy setup: trusted role, both read roles, every tag key active', async () => {
    sts.on(GetCallerIdentityCommand).resolves(identity(TOOLING, 'GuardrailsStack-TagCoverageRole1A2B'));
    sts.on(AssumeRoleCommand).resolves(assumed());
    organization();
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [
        tag('owner', 'Active'),
        tag('environment', 'Active'),
        tag('cost-center', 'Active'),
      ],
    });

    const { code, out } = await doctor(configFile());

    expect(code).toBe(0);
    expect(out).toMatch(/^ok {4}region +us-east-1$/m);
    expect(out).toMatch(/^ok {4}credentials +arn:aws:sts::222222222222:assumed-role\/GuardrailsStack-/m);
    expect(out).toMatch(
      /^ok {4}management role +assumed arn:aws:iam::111111111111:role\/FinopsGuardrailsManagementRead$/m,
    );
    expect(out).toMatch(/^ok {4}organization +5 accounts listed, 4 to scan in us-east-1$/m);
    expect(out).toMatch(/^ok {4}member roles +assumed FinopsGuardrailsMemberRead in 4 of 4 accounts$/m);
    expect(out).toMatch(/^ok {4}cost allocation tags +active: owner, environment, cost-center$/m);
    expect(out).toMatch(/Ready for `finops-guardrails run --source aws`\.\n$/);
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::333333333333:role/FinopsGuardrailsMemberRead',
      RoleSessionName: 'finops-guardrails-doctor',
    });
    expect(ce).toReceiveCommandWith(ListCostAllocationTagsCommand, {
      TagKeys: ['owner', 'environment', 'cost-center'],
      Type: 'UserDefined',
    });
  });

  it('says for each problem what to do: an untrusted caller, a refused member role, inactive tag keys', async () => {
    sts.on(GetCallerIdentityCommand).resolves(identity(TOOLING, 'AWSReservedSSO_Admin_0123'));
    sts
      .on(AssumeRoleCommand)
      .resolves(assumed())
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::444444444444:role/FinopsGuardrailsMemberRead' })
      .rejects(accessDenied('not authorized to perform: sts:AssumeRole'));
    organization();
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [tag('owner', 'Active'), tag('environment', 'Inactive')],
    });

    const { code, out } = await doctor(configFile());
    const flat = out.replace(/\n {28}/g, ' ');

    expect(code).toBe(1);
    expect(flat).toMatch(
      /^warn {2}trust +the management and member read roles trust only GuardrailsStack-\* roles of account 222222222222; you are role AWSReservedSSO_Admin_0123 in account 222222222222/m,
    );
    expect(flat).toMatch(
      /^FAIL {2}member roles +FinopsGuardrailsMemberRead refused in 1 of 4 accounts: 444444444444: cannot assume arn:aws:iam::444444444444:role\/FinopsGuardrailsMemberRead: AccessDenied/m,
    );
    expect(flat).toContain('→ deploy the member role there');
    expect(flat).toMatch(
      /^FAIL {2}cost allocation tags +active: owner; inactive: environment; never seen in billing data: cost-center/m,
    );
    expect(flat).toContain(
      'aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=environment,Status=Active',
    );
    expect(flat).toMatch(/2 problems to fix before `finops-guardrails run --source aws`\.\n$/);
  });

  it('stops at a missing region without calling AWS, and says how to set one', async () => {
    const { code, out } = await doctor(configFile(), 20, async () => ({ problem: 'Region is missing' }));
    expect(code).toBe(1);
    expect(out).toMatch(
      /^FAIL {2}region +none found \(Region is missing\)\n {28}→ set one: export AWS_REGION=us-east-1/m,
    );
    expect(out.match(/^skip/gm)).toHaveLength(5);
    expect(sts.calls()).toHaveLength(0);
  });

  it('stops at missing credentials, saying how to give the SDK some', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const { code, out } = await doctor(configFile());
    expect(code).toBe(1);
    expect(out).toMatch(
      /^FAIL {2}credentials +CredentialsProviderError: Could not load credentials from any providers\n {28}→ give the SDK credentials: aws configure/m,
    );
    expect(out).toMatch(/^skip {2}management role +needs credentials$/m);
  });

  it('assumes the member role in at most --max-accounts accounts, and reads tags it cannot list as a warning', async () => {
    sts.on(GetCallerIdentityCommand).resolves(identity(TOOLING, 'GuardrailsStack-Role'));
    sts.on(AssumeRoleCommand).resolves(assumed());
    organization();
    ce.on(ListCostAllocationTagsCommand).rejects(
      Object.assign(new Error('not authorized to perform: ce:ListCostAllocationTags'), {
        name: 'AccessDeniedException',
      }),
    );

    const { code, out } = await doctor(configFile(), 2);

    expect(code).toBe(0);
    expect(out).toContain(
      'assumed FinopsGuardrailsMemberRead in 2 of 2 accounts (checked 2 of 4; --max-accounts 0 checks all)',
    );
    expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 3); // the management role and two members
    expect(out).toMatch(/^warn {2}cost allocation tags +cannot read them: AccessDeniedException/m);
    expect(out).toMatch(/Ready for `finops-guardrails run --source aws` \(1 warning above\)\.\n$/);
  });

  it('uses the caller’s own credentials in the management account, and skips tags without a tag policy', async () => {
    sts.on(GetCallerIdentityCommand).resolves(identity(MANAGEMENT, 'Admin'));
    sts.on(AssumeRoleCommand).resolves(assumed());
    organization();
    const file = join(dir, 'no-policy.yaml');
    writeFileSync(
      file,
      `version: 1\norganization: { managementAccountId: "${MANAGEMENT}", accounts: ["${MEMBERS[0]}"] }\n`,
    );

    const { out } = await doctor(file);

    expect(out).toMatch(/^ok {4}management role +you are in the management account/m);
    expect(out).toMatch(/^skip {2}cost allocation tags +no tagPolicy$/m);
    expect(sts).not.toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MANAGEMENT}:role/FinopsGuardrailsManagementRead`,
    });
  });

  it('with a log-retention rule, says which member roles cannot read log groups and to redeploy the StackSet', async () => {
    sts.on(GetCallerIdentityCommand).resolves(identity(TOOLING, 'GuardrailsStack-CostPolicyRole1A2B'));
    // Each role's credentials name its account, so the log-groups call can tell them apart.
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: { ...assumed().Credentials, AccessKeyId: `ASIA${input.RoleArn.split(':')[4]}` },
    }));
    organization();
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [
        tag('owner', 'Active'),
        tag('environment', 'Active'),
        tag('cost-center', 'Active'),
      ],
    });
    // CloudWatch Logs API reference, DescribeLogGroups: logGroups[], nextToken.
    logs.on(DescribeLogGroupsCommand).callsFake(async (_input, getClient) => {
      const { accessKeyId } = await getClient().config.credentials();
      if (accessKeyId.endsWith('555555555555'))
        throw accessDenied('not authorized to perform: logs:DescribeLogGroups');
      return { logGroups: [] };
    });
    const file = configFile(`costPolicy:
  rules:
    - id: log-retention
      kind: log-retention
      maxDays: 400
`);

    const { code, out } = await doctor(file);
    const flat = out.replace(/\n {28}/g, ' ');

    expect(code).toBe(1);
    expect(flat).toMatch(/^ok {4}member roles +assumed FinopsGuardrailsMemberRead in 4 of 4 accounts$/m);
    expect(flat).toMatch(
      /^FAIL {2}member log groups +FinopsGuardrailsMemberRead cannot read log groups in 1 of 4 accounts \(us-east-1\): 555555555555: [^\n]*not authorized to perform: logs:DescribeLogGroups/m,
    );
    expect(flat).toContain('→ the log-retention rule needs logs:DescribeLogGroups in the member role');
    expect(logs).toReceiveCommandTimes(DescribeLogGroupsCommand, 4);
    expect(logs).toReceiveCommandWith(DescribeLogGroupsCommand, { limit: 1 });

    // Without a log-retention rule the check is not run at all.
    logs.reset();
    const { out: without } = await doctor(configFile());
    expect(without).not.toContain('member log groups');
    expect(logs).not.toReceiveCommand(DescribeLogGroupsCommand);
  });

  it('names the trusted role prefix the infra derives from the stack name', () => {
    expect(TRUSTED_ROLE_PREFIX).toBe(`${STACK_NAMES.guardrails}-`);
  });
});
