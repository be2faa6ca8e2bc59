import { type Acknowledgment, Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { managementRoleArn, nagResource } from './role-arns.js';

/**
 * What the checks read in the management (payer) account: Organizations,
 * Cost Explorer and Budgets. They read it through the management role when
 * `organization.managementAccountId` names another account, and with their
 * own role otherwise (shared/adapters/aws/assume-role.ts `managementAccess`),
 * so the same statements go to whichever role the code uses.
 */
export type ManagementRead =
  | 'accounts'
  | 'accountTags'
  | 'costs'
  | 'costAllocationTags'
  | 'anomalies'
  | 'budgets'
  | 'inventoryView'
  | 'inventoryIndexes'
  | 'inventoryAggregator'
  | 'aggregatorStatus'
  | 'resourceCosts';

/** The IAM actions of each read; a new read is a new line here and in {@link checkManagementReads}. */
export const MANAGEMENT_READ_ACTIONS: Readonly<Record<ManagementRead, readonly string[]>> = {
  accounts: ['organizations:ListAccounts'],
  accountTags: ['organizations:ListTagsForResource'],
  costs: ['ce:GetCostAndUsage'],
  // Which required tag keys are active cost allocation tags (spend coverage says so per key).
  costAllocationTags: ['ce:ListCostAllocationTags'],
  anomalies: ['ce:GetAnomalies'],
  // DescribeBudgets is authorized by budgets:ViewBudget.
  budgets: ['budgets:ViewBudget'],
  // organization.inventory: the Resource Explorer view is checked (GetView), then listed. The API
  // reference names resource-explorer-2:Search as ListResources' permission, and the user guide asks for
  // GetView and Search on the view; resource-explorer-2:ListResources is granted too, as public policies
  // do, because the Service Authorization Reference row could not be read to rule it out.
  inventoryView: [
    'resource-explorer-2:GetView',
    'resource-explorer-2:Search',
    'resource-explorer-2:ListResources',
  ],
  // Which Regions of an account hold an index (no index: a scan gap, not an empty account).
  inventoryIndexes: ['resource-explorer-2:ListIndexesForMembers'],
  inventoryAggregator: ['config:SelectAggregateResourceConfig'],
  // The runtime cost policy checks which regions the aggregator holds before it trusts a query.
  aggregatorStatus: ['config:DescribeConfigurationAggregatorSourcesStatus'],
  resourceCosts: ['ce:GetCostAndUsageWithResources'],
};

/**
 * The inventory reads (organization.inventory) the management role, or the
 * function's own role, makes: those whose view or aggregator lives in the
 * account that role reads. A view or aggregator in another account (a
 * delegated administrator) is read through a role there, which the README
 * asks its owner to create ({@link inventoryRoleArns}).
 */
function inventoryReads(config: GuardrailsConfig): ManagementRead[] {
  const { inventory } = config.organization;
  const reads: ManagementRead[] = [];
  if (inventory.sources.includes('resource-explorer') && inventory.resourceExplorer) {
    if (!inventoryElsewhere(config, viewAccount(inventory.resourceExplorer.viewArn)))
      reads.push('inventoryView', 'inventoryIndexes');
  }
  if (inventory.sources.includes('config') && inventory.config) {
    // Which regions the aggregator holds: one it does not is a scan gap, not an empty account.
    if (!inventoryElsewhere(config, inventory.config.accountId))
      reads.push('inventoryAggregator', 'aggregatorStatus');
  }
  return reads;
}

function viewAccount(viewArn: string): string | undefined {
  return viewArn.split(':')[4];
}

/** The account the management reads go to: the management account, or the deploying one. */
function readAccount(config: GuardrailsConfig): string | undefined {
  const { managementAccountId, toolingAccountId } = config.organization;
  return readsManagementWithOwnRole(config) ? (toolingAccountId ?? managementAccountId) : managementAccountId;
}

/** True when an inventory lives in a named account other than the one the management reads go to. */
function inventoryElsewhere(config: GuardrailsConfig, account: string | undefined): boolean {
  const reads = readAccount(config);
  return account !== undefined && reads !== undefined && account !== reads;
}

/** Roles the checks assume for an inventory kept in another account (a delegated administrator). */
export function inventoryRoleArns(config: GuardrailsConfig): string[] {
  const { inventory, managementRoleName } = config.organization;
  const arns: string[] = [];
  const view = inventory.resourceExplorer;
  if (
    inventory.sources.includes('resource-explorer') &&
    view &&
    inventoryElsewhere(config, viewAccount(view.viewArn))
  )
    arns.push(
      `arn:${Aws.PARTITION}:iam::${viewAccount(view.viewArn)}:role/${view.roleName ?? managementRoleName}`,
    );
  const aggregator = inventory.config;
  if (inventory.sources.includes('config') && aggregator && inventoryElsewhere(config, aggregator.accountId))
    arns.push(
      `arn:${Aws.PARTITION}:iam::${aggregator.accountId}:role/${aggregator.roleName ?? managementRoleName}`,
    );
  return arns;
}

/** The reads of each function that reads the management account, as the config enables them. */
export function checkManagementReads(check: string, config: GuardrailsConfig): ManagementRead[] {
  switch (check) {
    case 'tag-coverage':
    case 'aggregate':
      // The account directory (with owner tags), spend by tag unless coverage by spend is off (with
      // which tag keys are active), and the inventory sources beside the Tagging API.
      return [
        'accounts',
        'accountTags',
        ...(config.tagPolicy?.useCostExplorerTags === false
          ? []
          : (['costs', 'costAllocationTags'] as const)),
        ...inventoryReads(config),
      ];
    case 'scan-account':
      // A fan-out worker lists its accounts' resources from every inventory source.
      return inventoryReads(config);
    case 'cost-policy':
      // The account directory (owners) and the Config aggregator organization.inventory.config names,
      // whether or not tag coverage counts with it.
      // Each violating resource's cost, from Cost Explorer's resource-level data.
      return ['accounts', 'accountTags', 'resourceCosts', ...aggregatorRead(config)];
    case 'cost-anomaly':
      return [
        'costs',
        ...(config.anomaly.useAwsAnomalies ? (['anomalies'] as const) : []),
        ...(config.anomaly.useBudgets ? (['budgets'] as const) : []),
      ];
    default:
      return [];
  }
}

/** The runtime cost policy's aggregator read, when the aggregator is in the account the management reads go to. */
function aggregatorRead(config: GuardrailsConfig): ManagementRead[] {
  const aggregator = config.organization.inventory.config;
  return aggregator && !inventoryElsewhere(config, aggregator.accountId)
    ? ['inventoryAggregator', 'aggregatorStatus']
    : [];
}

/** The role of an aggregator kept in another account (a delegated administrator), for the runtime cost policy. */
function aggregatorRoleArns(config: GuardrailsConfig): string[] {
  const { inventory, managementRoleName } = config.organization;
  const aggregator = inventory.config;
  if (!aggregator || !inventoryElsewhere(config, aggregator.accountId)) return [];
  return [
    `arn:${Aws.PARTITION}:iam::${aggregator.accountId}:role/${aggregator.roleName ?? managementRoleName}`,
  ];
}

/** Every read some deployed function makes: what the management role allows. */
export function allManagementReads(config: GuardrailsConfig): ManagementRead[] {
  const checks = [
    ...(config.tagPolicy ? ['tag-coverage', 'scan-account'] : []),
    'cost-anomaly',
    ...(config.costPolicy ? ['cost-policy'] : []),
  ];
  return [...new Set(checks.flatMap((check) => checkManagementReads(check, config)))];
}

/**
 * Whether the checks read the management account with their own role: no
 * management account is named (one account, or a tooling account that is a
 * delegated administrator), or it is the tooling account itself.
 */
export function readsManagementWithOwnRole(config: GuardrailsConfig): boolean {
  const { managementAccountId, toolingAccountId } = config.organization;
  return managementAccountId === undefined || managementAccountId === toolingAccountId;
}

/** The resources of a read, as narrow as each API allows, in the account that answers it. */
function readResources(read: ManagementRead, config: GuardrailsConfig): string[] {
  switch (read) {
    case 'accountTags':
      return [organizationAccountsArn(config)];
    case 'budgets':
      return [budgetsArn()];
    case 'inventoryView':
      return config.organization.inventory.resourceExplorer
        ? [config.organization.inventory.resourceExplorer.viewArn]
        : [];
    case 'inventoryAggregator':
    case 'aggregatorStatus': {
      const aggregator = config.organization.inventory.config;
      // The aggregator's ARN ends in a generated id, not its name: every aggregator of that account and region.
      return aggregator
        ? [
            `arn:${Aws.PARTITION}:config:${aggregator.region}:${aggregator.accountId ?? Aws.ACCOUNT_ID}:config-aggregator/*`,
          ]
        : [];
    }
    default:
      // ListAccounts, GetCostAndUsage and GetAnomalies support no resource-level permissions.
      return ['*'];
  }
}

/** The statement each read belongs to: one per API family, named so a policy reads well. */
const READ_SIDS: Readonly<Record<ManagementRead, string>> = {
  accounts: 'ListAccounts',
  accountTags: 'AccountTags',
  costs: 'CostExplorer',
  costAllocationTags: 'CostExplorer',
  anomalies: 'CostExplorer',
  budgets: 'Budgets',
  inventoryView: 'ResourceExplorerView',
  inventoryIndexes: 'ResourceExplorerIndexes',
  inventoryAggregator: 'ConfigAggregator',
  aggregatorStatus: 'ConfigAggregator',
  resourceCosts: 'CostExplorer',
};

/** One statement per API family, with the actions of the reads in it. */
export function managementReadStatements(
  config: GuardrailsConfig,
  reads: readonly ManagementRead[],
): PolicyStatement[] {
  const bySid = new Map<string, ManagementRead[]>();
  for (const read of reads) bySid.set(READ_SIDS[read], [...(bySid.get(READ_SIDS[read]) ?? []), read]);
  return [...bySid].map(
    ([sid, group]) =>
      new PolicyStatement({
        sid,
        actions: group.flatMap((read) => MANAGEMENT_READ_ACTIONS[read]),
        resources: [...new Set(group.flatMap((read) => readResources(read, config)))],
      }),
  );
}

/** The cdk-nag acknowledgements the statements of `reads` knowingly cause, each with its reason. */
export function managementReadAcknowledgements(
  config: GuardrailsConfig,
  reads: readonly ManagementRead[],
): Acknowledgment[] {
  const acknowledgements: Acknowledgment[] = [];
  const unscoped = reads.filter((read) => readResources(read, config).includes('*'));
  if (unscoped.length > 0) {
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${unscoped.flatMap((r) => MANAGEMENT_READ_ACTIONS[r]).join(', ')} support no resource-level permissions (Service Authorization Reference); all are read-only.`,
    });
  }
  if (reads.includes('budgets')) {
    acknowledgements.push({
      id: `AwsSolutions-IAM5[Resource::${nagResource(budgetsArn())}]`,
      reason:
        'The budget checks read every budget of the account that pays, including budgets created after deploy; budgets:ViewBudget is read-only.',
    });
  }
  if (reads.includes('inventoryAggregator') || reads.includes('aggregatorStatus')) {
    for (const arn of readResources('inventoryAggregator', config)) {
      acknowledgements.push({
        id: `AwsSolutions-IAM5[Resource::${nagResource(arn)}]`,
        reason:
          "An aggregator's ARN ends in an id AWS generates, not its name; the statement allows only read-only calls (the query, the sources status), in the aggregator's account and region.",
      });
    }
  }
  if (reads.includes('accountTags')) {
    acknowledgements.push({
      id: `AwsSolutions-IAM5[Resource::${nagResource(organizationAccountsArn(config))}]`,
      reason:
        'Owners come from the tags of every account of the organization, including accounts that join after deploy; scoped to this organization when organizationId is set.',
    });
  }
  return acknowledgements;
}

/** Every budget of the account: `arn:aws:budgets::<account>:budget/*`. */
function budgetsArn(): string {
  return `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:budget/*`;
}

/**
 * Every account of the organization: `arn:aws:organizations::<management>:account/<o-id>/*`.
 * The ARN names the management account: the role's own account when it is
 * the management role, the configured one (or any, unknown) for a function
 * that reads with its own role, such as a delegated administrator.
 */
function organizationAccountsArn(config: GuardrailsConfig): string {
  const { managementAccountId, organizationId } = config.organization;
  const management = readsManagementWithOwnRole(config) ? (managementAccountId ?? '*') : Aws.ACCOUNT_ID;
  return `arn:${Aws.PARTITION}:organizations::${management}:account/${organizationId ?? 'o-*'}/*`;
}

/**
 * How a function reaches the management account's data: the management role
 * to assume (to merge with its other roles), or its own statements (one
 * account), with their acknowledgements.
 */
export function managementAccessFor(
  check: string,
  config: GuardrailsConfig,
): { roleArns: string[]; statements: PolicyStatement[]; acknowledgements: Acknowledgment[] } {
  const reads = checkManagementReads(check, config);
  const elsewhere = ['tag-coverage', 'aggregate', 'scan-account'].includes(check)
    ? inventoryRoleArns(config)
    : check === 'cost-policy'
      ? aggregatorRoleArns(config)
      : [];
  if (reads.length === 0) return { roleArns: elsewhere, statements: [], acknowledgements: [] };
  if (readsManagementWithOwnRole(config)) {
    return {
      roleArns: elsewhere,
      statements: managementReadStatements(config, reads),
      acknowledgements: managementReadAcknowledgements(config, reads),
    };
  }
  return { roleArns: [managementRoleArn(config), ...elsewhere], statements: [], acknowledgements: [] };
}
