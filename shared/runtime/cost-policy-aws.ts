import { OrganizationsDirectory } from '../adapters/aws/organizations-directory.js';
import type {
  ConfigQuerySource,
  CostPolicyPorts,
  LogGroupSource,
  ResourceCostSource,
} from '../checks/cost-policy/runtime/ports.js';
import type { GuardrailsConfig } from '../config/schema.js';
import { ScanError } from '../core/errors.js';
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
    ? lazyConfigSource(async () => {
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
      }, 'config-aggregator')
    : {
        name: 'config-aggregator',
        select: async (query) => {
          throw new ScanError(`config-aggregator (${query.kind})`, NO_AGGREGATOR);
        },
      };
  return {
    directory: new OrganizationsDirectory(management),
    config: configSource,
    logGroups: lazyLogGroups(async () => {
      const { CloudWatchLogGroups } = await import('../adapters/aws/cloudwatch-log-groups.js');
      return new CloudWatchLogGroups({ assumer, memberRoleName: organization.memberRoleName });
    }),
    costs: lazyResourceCosts(async () => {
      const { CostExplorerResourceCosts } = await import('../adapters/aws/cost-explorer-resource-costs.js');
      return new CostExplorerResourceCosts({ ...management, metric: config.anomaly.costMetric });
    }),
  };
}

function lazyResourceCosts(load: () => Promise<ResourceCostSource>): ResourceCostSource {
  let source: Promise<ResourceCostSource> | undefined;
  return {
    name: 'cost-explorer-resources',
    async resourceCosts(window) {
      source ??= load();
      return (await source).resourceCosts(window);
    },
  };
}

function lazyConfigSource(load: () => Promise<ConfigQuerySource>, name: string): ConfigQuerySource {
  let source: Promise<ConfigQuerySource> | undefined;
  return {
    name,
    async select(query) {
      source ??= load();
      return (await source).select(query);
    },
  };
}

function lazyLogGroups(load: () => Promise<LogGroupSource>): LogGroupSource {
  let source: Promise<LogGroupSource> | undefined;
  return {
    name: 'cloudwatch-logs',
    async listLogGroups(accountId, region) {
      source ??= load();
      return (await source).listLogGroups(accountId, region);
    },
  };
}
