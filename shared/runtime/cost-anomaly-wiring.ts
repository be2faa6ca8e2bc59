import {
  AWS_COST_SIGNALS_SOURCE,
  CLOUDWATCH_SOURCE,
  COST_EXPLORER_SOURCE,
} from '../adapters/aws/source-names.js';
import { fileMetricSource, focusCostSource } from '../adapters/file/cost-sources.js';
import { costAnomalyCheck } from '../checks/cost-anomaly/check.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { AwsCostSignals, CostSource, MetricSource } from '../core/sources.js';
import type { CheckFactory } from './check-registry.js';
import { lazyAdapter } from './lazy-adapter.js';
import { organizationAccess } from './organization-access.js';

/**
 * Builds the cost-anomaly check. File mode reads `costs.csv` (FOCUS) and
 * `metrics.csv` from the data directory, and has no AWS anomaly or budget
 * signals. AWS mode reads Cost Explorer, Cost Anomaly Detection and Budgets
 * through the management account's read role, and CloudWatch in the tooling
 * account, or in the account a metric query names, through its member role.
 */
export const costAnomalyFactory: CheckFactory = ({ mode, config, dataDir, log, region }) => {
  if (mode === 'file') {
    return costAnomalyCheck({
      costs: focusCostSource({ dir: dataDir, log, includeRecordTypes: config.anomaly.includeRecordTypes }),
      metrics: fileMetricSource({ dir: dataDir, log }),
    }) as ReturnType<CheckFactory>;
  }
  return awsCostAnomalyCheck(config, region);
};

/**
 * The cost-anomaly check on AWS alone, for the Lambda handler: its bundle
 * then carries none of the file sources (CSV parser included). `region`:
 * where the CLI's global calls go (Lambda's own region otherwise).
 */
export function awsCostAnomalyCheck(config: GuardrailsConfig, region?: string): ReturnType<CheckFactory> {
  const { organization, anomaly } = config;
  const { assumer, management } = organizationAccess(config, 'cost-anomaly', { region });
  const wantsSignals = anomaly.useAwsAnomalies || anomaly.useBudgets;
  // Each adapter, with its SDK client, loads on its first call: none is parsed at a Lambda init.
  return costAnomalyCheck({
    costs: lazyAdapter<CostSource, 'dailyCostByAccountAndService' | 'dailyCostByWorkload' | 'drivers'>(
      async () =>
        new (await import('../adapters/aws/cost-explorer-costs.js')).CostExplorerCosts({
          ...management,
          metric: anomaly.costMetric,
          includeRecordTypes: anomaly.includeRecordTypes,
        }),
      ['dailyCostByAccountAndService', 'dailyCostByWorkload', 'drivers'],
      { name: COST_EXPLORER_SOURCE },
    ),
    // A metric of a member account is read there, through the member read role (DESIGN §4).
    metrics: lazyAdapter<MetricSource, 'dailyMetrics'>(
      async () =>
        new (await import('../adapters/aws/cloudwatch-metrics.js')).CloudWatchMetrics({
          ...(region !== undefined && { region }),
          accountAccess: (accountId) => {
            const role = assumer.assume(accountId, organization.memberRoleName);
            return { credentials: role.credentials, credentialsKey: role.credentialsKey };
          },
        }),
      ['dailyMetrics'],
      { name: CLOUDWATCH_SOURCE },
    ),
    ...(wantsSignals && {
      signals: lazyAdapter<AwsCostSignals, 'anomalies' | 'budgets'>(
        async () => new (await import('../adapters/aws/cost-signals.js')).AwsCostExplorerSignals(management),
        ['anomalies', 'budgets'],
        { name: AWS_COST_SIGNALS_SOURCE },
      ),
    }),
  }) as ReturnType<CheckFactory>;
}
