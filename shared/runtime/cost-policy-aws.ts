import type { ConfigAggregatorQuery } from '../adapters/aws/config-aggregator-query.js';
import { OrganizationsDirectory } from '../adapters/aws/organizations-directory.js';
import type { ConfigQuerySource, CostPolicyPorts } from '../checks/cost-policy/runtime/ports.js';
import type { GuardrailsConfig } from '../config/schema.js';
import { ScanError } from '../core/errors.js';
import { loadOnce } from '../core/load-once.js';
import { organizationAccess } from './organization-access.js';

/** Said by every rule when no aggregator is configured: the run names what it could not judge. */
export const NO_AGGREGATOR =
  'no AWS Config aggregator is configured (organization.inventory.config): the cost policy cannot be judged at runtime';

/**
 * The cost-policy AWS sources: Organizations through the management role;
 * the Config aggregator that `organization.inventory.config` names (the same
 * one tag coverage can count with), through the role in its account; log
 * groups through each member's read role. The SDK clients load on first
 * use, so a policy without log-retention rules never loads CloudWatch Logs.
 */
export function awsCostPolicySources(config: GuardrailsConfig, region?: string): CostPolicyPorts {
  const { assumer, management } = organizationAccess(config, 'cost-policy', { region });
  const { organization } = config;
  const aggregator = organization.inventory.config;
  const accountId = aggregator?.accountId ?? organization.managementAccountId;
  const configSource: ConfigQuerySource = aggregator
    ? onFirstQuery(
        loadOnce(async () => {
          const { ConfigAggregatorQuery } = await import('../adapters/aws/config-aggregator-query.js');
          return new ConfigAggregatorQuery({
            aggregatorName: aggregator.aggregatorName,
            region: aggregator.region,
            account: {
              ...(accountId !== undefined && { managementAccountId: accountId }),
              managementRoleName: aggregator.roleName ?? organization.managementRoleName,
            },
            assumer,
          });
        }),
      )
    : {
        name: 'config-aggregator',
        select: async (query) => {
          throw new ScanError(`config-aggregator (${query.kind})`, NO_AGGREGATOR);
        },
      };
  const logGroups = loadOnce(async () => {
    const { CloudWatchLogGroups } = await import('../adapters/aws/cloudwatch-log-groups.js');
    return new CloudWatchLogGroups({ assumer, memberRoleName: organization.memberRoleName });
  });
  const costs = loadOnce(async () => {
    const { CostExplorerResourceCosts } = await import('../adapters/aws/cost-explorer-resource-costs.js');
    return new CostExplorerResourceCosts({ ...management, metric: config.anomaly.costMetric });
  });
  return {
    directory: new OrganizationsDirectory(management),
    config: configSource,
    logGroups: {
      name: 'cloudwatch-logs',
      listLogGroups: async (accountId, region) => (await logGroups()).listLogGroups(accountId, region),
    },
    costs: {
      name: 'cost-explorer-resources',
      resourceCosts: async (window) => (await costs()).resourceCosts(window),
    },
  };
}

/**
 * The aggregator, loaded on first use. Both its reads go through: the
 * queries, and which regions it holds (without the second, a region the
 * aggregator lost would read as judged).
 */
function onFirstQuery(aggregator: () => Promise<ConfigAggregatorQuery>): ConfigQuerySource {
  return {
    name: 'config-aggregator',
    select: async (query) => (await aggregator()).select(query),
    uncoveredRegions: async (regions) => (await aggregator()).uncoveredRegions(regions),
  };
}
