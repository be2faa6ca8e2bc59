import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { partitionOfRegion, type RoleAssumer } from '../../shared/adapters/aws/assume-role.js';
import { awsClient } from '../../shared/adapters/aws/clients.js';
import { costAllocationTagStates } from '../../shared/adapters/aws/cost-allocation-tags.js';
import { costExplorerClientOptions } from '../../shared/adapters/aws/cost-explorer-query.js';
import { OrganizationsDirectory } from '../../shared/adapters/aws/organizations-directory.js';
import { planTagScan } from '../../shared/checks/tag-coverage/check.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { mapSettled } from '../../shared/core/concurrency.js';
import { GuardrailError } from '../../shared/core/errors.js';
import { organizationAccess } from '../../shared/runtime/organization-access.js';
import { regionAdvice, resolveAwsRegion } from '../aws/region.js';

/** One line of `doctor`: what was checked, how it went, and what to do when it did not. */
export interface DoctorResult {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorOptions {
  /** Member accounts whose role is assumed; 0 for all. */
  readonly maxAccounts: number;
  readonly resolveRegion?: typeof resolveAwsRegion;
}

/**
 * The read roles trust only the tooling account's roles whose names start
 * with this (infra/build-app.ts: `${STACK_NAMES.guardrails}-*`, in their
 * trust policy's `aws:PrincipalArn`).
 */
export const TRUSTED_ROLE_PREFIX = 'GuardrailsStack-';

/** An SDK error with its name (`AccessDenied: …`); ours already say what failed. */
const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return error instanceof GuardrailError || error.name === 'Error'
    ? error.message
    : `${error.name}: ${error.message}`;
};

/**
 * Checks, in order, what `run --source aws` needs: a region; credentials
 * (STS GetCallerIdentity); whether the read roles trust this identity; the
 * management account's read role; listing the organization; the member role
 * in each account to scan; and that every required tag key is an active cost
 * allocation tag (ce:ListCostAllocationTags). A check that cannot run
 * without an earlier one is skipped, saying which.
 */
export async function runDoctor(config: GuardrailsConfig, options: DoctorOptions): Promise<DoctorResult[]> {
  const results: DoctorResult[] = [];
  const skipRest = (why: string) => {
    for (const check of ['management role', 'organization', 'member roles', 'cost allocation tags'])
      results.push({ check, status: 'skip', detail: why });
    return results;
  };

  const region = await (options.resolveRegion ?? resolveAwsRegion)();
  if ('problem' in region) {
    results.push({
      check: 'region',
      status: 'fail',
      detail: `none found (${region.problem})`,
      fix: `${regionAdvice(config.deployment.toolingRegion)}.`,
    });
    results.push({ check: 'credentials', status: 'skip', detail: 'needs a region' });
    return skipRest('needs a region');
  }
  results.push({ check: 'region', status: 'ok', detail: region.region });

  let caller: { account: string; arn: string };
  try {
    const identity = await awsClient(STSClient, {}).send(new GetCallerIdentityCommand({}));
    caller = { account: identity.Account ?? '', arn: identity.Arn ?? '' };
    results.push({ check: 'credentials', status: 'ok', detail: `${caller.arn} (account ${caller.account})` });
  } catch (error) {
    results.push({
      check: 'credentials',
      status: 'fail',
      detail: messageOf(error),
      fix: credentialsFix(error),
    });
    return skipRest('needs credentials');
  }
  results.push(trustResult(config, caller));

  const { assumer, management } = organizationAccess(config, 'doctor');
  const managementOk = await checkManagementRole(config, caller, assumer, results);
  const accounts = await listAccountsToScan(config, assumer, managementOk, results);
  const assumed = await checkMemberRoles(config, accounts, assumer, options.maxAccounts, results);
  await checkMemberLogGroups(config, assumed, assumer, results);
  await checkCostAllocationTags(
    config,
    managementOk,
    async () => awsClient(CostExplorerClient, await costExplorerClientOptions(management, 'doctor')),
    results,
  );
  return results;
}

function credentialsFix(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const text = messageOf(error);
  if (/expired/i.test(name) || /expired/i.test(text))
    return 'your session has expired: sign in again (aws sso login, or refresh the profile in AWS_PROFILE).';
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch')
    return 'the access key is not valid: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or your profile.';
  return 'give the SDK credentials: aws configure (or aws sso login --profile NAME and export AWS_PROFILE=NAME), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
}

/** Whether the identity is one the read roles trust: a `GuardrailsStack-*` role of the tooling account. */
function trustResult(config: GuardrailsConfig, caller: { account: string; arn: string }): DoctorResult {
  const tooling = config.organization.toolingAccountId ?? caller.account;
  const role = /:assumed-role\/([^/]+)\//.exec(caller.arn)?.[1];
  const trusted = caller.account === tooling && role?.startsWith(TRUSTED_ROLE_PREFIX) === true;
  if (trusted)
    return {
      check: 'trust',
      status: 'ok',
      detail: `${role} is a ${TRUSTED_ROLE_PREFIX}* role of the tooling account`,
    };
  return {
    check: 'trust',
    status: 'warn',
    detail: `the management and member read roles trust only ${TRUSTED_ROLE_PREFIX}* roles of account ${tooling}; you are ${role ? `role ${role}` : caller.arn} in account ${caller.account}`,
    fix: `expect AssumeRole to be refused below unless a role's trust policy was widened; run from a ${TRUSTED_ROLE_PREFIX}* role of ${tooling}, or read the management account's data with its own credentials.`,
  };
}

async function checkManagementRole(
  config: GuardrailsConfig,
  caller: { account: string },
  assumer: RoleAssumer,
  results: DoctorResult[],
): Promise<boolean> {
  const { managementAccountId, managementRoleName } = config.organization;
  if (managementAccountId === undefined || managementAccountId === caller.account) {
    results.push({
      check: 'management role',
      status: 'ok',
      detail:
        managementAccountId === undefined
          ? 'no managementAccountId: Organizations and Cost Explorer are read with your own credentials'
          : 'you are in the management account: its data is read with your own credentials',
    });
    return true;
  }
  const { partition } = await assumer.callerIdentity();
  const role = assumer.assume(managementAccountId, managementRoleName, partition);
  try {
    await role.credentials();
    results.push({ check: 'management role', status: 'ok', detail: `assumed ${role.roleArn}` });
    return true;
  } catch (error) {
    results.push({
      check: 'management role',
      status: 'fail',
      detail: messageOf(error),
      fix: `deploy ManagementAccessStack with management-account credentials (npx cdk deploy ManagementAccessStack), and check that ${managementRoleName}'s trust names this account${config.organization.externalId ? ' and the externalId' : ''}.`,
    });
    return false;
  }
}

/** The accounts a run would scan: from Organizations, else the config's fixed list. */
async function listAccountsToScan(
  config: GuardrailsConfig,
  assumer: RoleAssumer,
  managementOk: boolean,
  results: DoctorResult[],
): Promise<string[]> {
  const fixed = config.organization.accounts === 'auto' ? [] : config.organization.accounts;
  const fallback = fixed.filter((id) => !config.organization.excludeAccounts.includes(id));
  if (!managementOk) {
    results.push({ check: 'organization', status: 'skip', detail: 'needs the management role' });
    return fallback;
  }
  try {
    const listed = await new OrganizationsDirectory({ ...config.organization, assumer }).listAccounts();
    const plan = planTagScan(listed, { config });
    results.push({
      check: 'organization',
      status: 'ok',
      detail: `${listed.length} accounts listed, ${plan.accounts.length} to scan in ${plan.regions.join(', ')}`,
    });
    return plan.accounts.map((a) => a.id);
  } catch (error) {
    results.push({
      check: 'organization',
      status: 'fail',
      detail: messageOf(error),
      fix: 'the management read role (or your credentials, without one) needs organizations:ListAccounts and organizations:ListTagsForResource, from the management account or a delegated administrator.',
    });
    return fallback;
  }
}

/** Assumes the member role in (up to maxAccounts of) the accounts; returns those where it was assumed. */
async function checkMemberRoles(
  config: GuardrailsConfig,
  accounts: readonly string[],
  assumer: RoleAssumer,
  maxAccounts: number,
  results: DoctorResult[],
): Promise<string[]> {
  const { memberRoleName, scanConcurrency, regions } = config.organization;
  if (accounts.length === 0) {
    results.push({ check: 'member roles', status: 'skip', detail: 'no account to check' });
    return [];
  }
  const checked = maxAccounts > 0 ? accounts.slice(0, maxAccounts) : [...accounts];
  const partition = partitionOfRegion(regions[0] ?? config.deployment.toolingRegion);
  const settled = await mapSettled(checked, scanConcurrency, (id) =>
    assumer.assume(id, memberRoleName, partition).credentials(),
  );
  const refused = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${checked[i]}: ${messageOf(s.reason)}`] : [],
  );
  const sample =
    checked.length < accounts.length
      ? ` (checked ${checked.length} of ${accounts.length}; --max-accounts 0 checks all)`
      : '';
  const assumed = checked.filter((_, i) => settled[i]?.status === 'fulfilled');
  if (refused.length === 0) {
    results.push({
      check: 'member roles',
      status: 'ok',
      detail: `assumed ${memberRoleName} in ${checked.length} of ${checked.length} accounts${sample}`,
    });
    return assumed;
  }
  results.push({
    check: 'member roles',
    status: 'fail',
    detail: `${memberRoleName} refused in ${refused.length} of ${checked.length} accounts${sample}: ${refused.join('; ')}`,
    fix: `deploy the member role there: the StackSet of ManagementAccessStack covers the OUs in organization.stackSetTargetOus (and accounts that join them later); the management account gets it from the MemberReadRole stack.`,
  });
  return assumed;
}

/**
 * cost-policy's `log-retention` rule reads log groups through the member
 * role (`logs:DescribeLogGroups`), a grant member roles deployed before the
 * rule existed lack: one DescribeLogGroups (limit 1) per assumed account, in
 * the first configured region, says whether the StackSet needs redeploying.
 */
async function checkMemberLogGroups(
  config: GuardrailsConfig,
  accounts: readonly string[],
  assumer: RoleAssumer,
  results: DoctorResult[],
): Promise<void> {
  if (!config.costPolicy?.rules.some((rule) => rule.kind === 'log-retention')) return;
  const check = 'member log groups';
  const { memberRoleName, scanConcurrency, regions } = config.organization;
  const region = regions[0] ?? config.deployment.toolingRegion;
  if (accounts.length === 0) {
    results.push({ check, status: 'skip', detail: 'no member role assumed' });
    return;
  }
  const partition = partitionOfRegion(region);
  const settled = await mapSettled(accounts, scanConcurrency, async (id) => {
    const role = assumer.assume(id, memberRoleName, partition);
    await awsClient(CloudWatchLogsClient, { region, ...role }).send(
      new DescribeLogGroupsCommand({ limit: 1 }),
    );
  });
  const refused = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${accounts[i]}: ${messageOf(s.reason)}`] : [],
  );
  if (refused.length === 0) {
    results.push({
      check,
      status: 'ok',
      detail: `${memberRoleName} reads log groups in ${accounts.length} of ${accounts.length} accounts (${region})`,
    });
    return;
  }
  results.push({
    check,
    status: 'fail',
    detail: `${memberRoleName} cannot read log groups in ${refused.length} of ${accounts.length} accounts (${region}): ${refused.join('; ')}`,
    fix: 'the log-retention rule needs logs:DescribeLogGroups in the member role: redeploy ManagementAccessStack (its StackSet updates the role in every account) and the MemberReadRole stack.',
  });
}

async function checkCostAllocationTags(
  config: GuardrailsConfig,
  managementOk: boolean,
  costExplorer: () => Promise<CostExplorerClient>,
  results: DoctorResult[],
): Promise<void> {
  const policy = config.tagPolicy;
  const check = 'cost allocation tags';
  if (!policy || policy.useCostExplorerTags === false) {
    results.push({
      check,
      status: 'skip',
      detail: policy ? 'tagPolicy.useCostExplorerTags is false' : 'no tagPolicy',
    });
    return;
  }
  if (!managementOk) {
    results.push({ check, status: 'skip', detail: 'needs the management role' });
    return;
  }
  let states: Awaited<ReturnType<typeof costAllocationTagStates>>;
  try {
    states = await costAllocationTagStates(
      await costExplorer(),
      policy.requiredTags.map((t) => t.key),
    );
  } catch (error) {
    results.push({
      check,
      status: 'warn',
      detail: `cannot read them: ${messageOf(error)}`,
      fix: 'the management read role needs ce:ListCostAllocationTags, which ManagementAccessStack grants: redeploy it if it predates that grant, or check the keys in the Billing console under "Cost allocation tags".',
    });
    return;
  }
  const inactive = states.filter((s) => s.status === 'Inactive').map((s) => s.key);
  const absent = states.filter((s) => s.status === 'absent').map((s) => s.key);
  const active = states.filter((s) => s.status === 'Active').map((s) => s.key);
  const detail = [
    active.length ? `active: ${active.join(', ')}` : '',
    inactive.length ? `inactive: ${inactive.join(', ')}` : '',
    absent.length ? `never seen in billing data: ${absent.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (inactive.length > 0) {
    const entries = inactive.map((k) => `TagKey=${k},Status=Active`).join(' ');
    results.push({
      check,
      status: 'fail',
      detail,
      fix: `until they are active, coverage by spend counts every dollar as untagged. Activate them in the management account: aws ce update-cost-allocation-tags-status --cost-allocation-tags-status ${entries} (20 keys a call), or in the Billing console under "Cost allocation tags".`,
    });
  } else if (absent.length > 0) {
    results.push({
      check,
      status: 'warn',
      detail,
      fix: 'a key can be activated once a billed resource carries it; it can take up to 24 hours after it is first applied to appear. Tag resources, then activate it.',
    });
  } else {
    results.push({ check, status: 'ok', detail });
  }
}
