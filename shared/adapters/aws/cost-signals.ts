import { type Budget, BudgetsClient, DescribeBudgetsCommand } from '@aws-sdk/client-budgets';
import { type Anomaly, CostExplorerClient, GetAnomaliesCommand } from '@aws-sdk/client-cost-explorer';
import { GuardrailError, InputError, ScanError } from '../../core/errors.js';
import type { AwsCostAnomaly, AwsCostSignals, BudgetStatus } from '../../core/sources.js';
import { partitionOfRegion, roleAssumer } from './assume-role.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import {
  awsFailureReason,
  type CostExplorerAccessOptions,
  costExplorerClientOptions,
  costExplorerRegion,
  isoDate,
} from './cost-explorer-query.js';
import { AWS_COST_SIGNALS_SOURCE } from './source-names.js';

/** Name of this source in findings, `sources` and benches. */
export { AWS_COST_SIGNALS_SOURCE };

/** Scope of a failure to read Cost Anomaly Detection. */
export const ANOMALIES_SCOPE = 'aws-anomalies';
/** Scope of a failure to read Budgets. */
export const BUDGETS_SCOPE = 'aws-budgets';
/** DescribeBudgets' largest page. */
export const BUDGETS_PAGE_SIZE = 100;
/**
 * Partitions where Budgets is not read, and why. The SDK's endpoint rules
 * (`@aws-sdk/client-budgets` 3.1124) have no GovCloud endpoint: a request
 * for us-gov-west-1 resolves to `budgets.amazonaws.com`, the commercial
 * host, which would be sent GovCloud credentials. AWS keeps GovCloud
 * billing in the associated standard account (GovCloud User Guide,
 * "AWS GovCloud (US) Billing and Payment").
 */
export const BUDGETS_UNAVAILABLE: Readonly<Record<string, string>> = {
  'aws-us-gov':
    'Budgets has no endpoint in aws-us-gov (GovCloud billing lives in the associated standard account); set anomaly.useBudgets: false, or read budgets from a deployment in that account',
};

export type AwsCostSignalsOptions = CostExplorerAccessOptions;

/**
 * {@link AwsCostSignals} over Cost Anomaly Detection (`GetAnomalies`, a Cost
 * Explorer API, `ce:GetAnomalies`) and Budgets (`DescribeBudgets`,
 * `budgets:ViewBudget`), both in the management account and both served from
 * us-east-1. Budgets are read for the management account id (the caller's own
 * when none is configured).
 *
 * Only COST budgets in USD are returned: usage, RI and Savings Plans budgets
 * count hours, GB or percentages, not dollars.
 *
 * @example
 * const signals = new AwsCostExplorerSignals({ ...config.organization, assumer });
 * const [anomalies, budgets] = await Promise.all([signals.anomalies({ start, end }), signals.budgets()]);
 */
export class AwsCostExplorerSignals implements AwsCostSignals {
  readonly name = AWS_COST_SIGNALS_SOURCE;
  readonly #options: AwsCostSignalsOptions;
  #calls = 0;

  constructor(options: AwsCostSignalsOptions) {
    this.#options = options;
  }

  /** GetAnomalies and DescribeBudgets requests sent so far. */
  get calls(): number {
    return this.#calls;
  }

  /** Anomalies whose last day falls in the window (GetAnomalies' DateInterval), all monitors, all pages. */
  async anomalies(input: { start: Date; end: Date }): Promise<AwsCostAnomaly[]> {
    const interval = { StartDate: isoDate(input.start), EndDate: isoDate(input.end) };
    if (interval.StartDate >= interval.EndDate) {
      throw new InputError(
        'anomaly window',
        `start ${interval.StartDate} is not before end ${interval.EndDate}`,
      );
    }
    const found = new Map<string, AwsCostAnomaly>();
    try {
      const client = awsClient(CostExplorerClient, await this.#clientOptions());
      let token: string | undefined;
      do {
        const page = await client.send(
          new GetAnomaliesCommand({ DateInterval: interval, NextPageToken: token }),
        );
        this.#calls++;
        for (const anomaly of page.Anomalies ?? []) {
          const mapped = awsCostAnomaly(anomaly, interval.StartDate);
          found.set(mapped.anomalyId, mapped);
        }
        token = page.NextPageToken || undefined;
      } while (token !== undefined);
    } catch (cause) {
      throw new ScanError(ANOMALIES_SCOPE, `GetAnomalies failed: ${reason(cause, 'ce:GetAnomalies')}`, {
        cause,
      });
    }
    return [...found.values()];
  }

  /**
   * Every COST budget in USD of the management account.
   *
   * @throws ScanError (scope {@link BUDGETS_SCOPE}) in a partition of
   *   {@link BUDGETS_UNAVAILABLE}, before any request is sent.
   */
  async budgets(): Promise<BudgetStatus[]> {
    const budgets: BudgetStatus[] = [];
    try {
      // Before the client options: those already call STS in the management account.
      const unavailable = BUDGETS_UNAVAILABLE[partitionOfRegion(costExplorerRegion(this.#options))];
      if (unavailable !== undefined) throw new ScanError(BUDGETS_SCOPE, unavailable);
      const options = await this.#clientOptions();
      const accountId = await this.#managementAccountId();
      const client = awsClient(BudgetsClient, options);
      let token: string | undefined;
      do {
        let page: { Budgets?: Budget[] | undefined; NextToken?: string | undefined };
        try {
          page = await client.send(
            new DescribeBudgetsCommand({
              AccountId: accountId,
              MaxResults: BUDGETS_PAGE_SIZE,
              NextToken: token,
            }),
          );
        } catch (error) {
          // Budgets answers NotFoundException for an account without any budget.
          if (error instanceof Error && error.name === 'NotFoundException' && token === undefined) return [];
          throw error;
        } finally {
          this.#calls++;
        }
        for (const budget of page.Budgets ?? []) {
          const status = budgetStatus(budget);
          if (status !== undefined) budgets.push(status);
        }
        token = page.NextToken || undefined;
      } while (token !== undefined);
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(BUDGETS_SCOPE, `DescribeBudgets failed: ${reason(cause, 'budgets:ViewBudget')}`, {
        cause,
      });
    }
    return budgets;
  }

  #clientOptions(): Promise<AwsClientOptions> {
    return costExplorerClientOptions(this.#options, 'cost-signals');
  }

  async #managementAccountId(): Promise<string> {
    if (this.#options.managementAccountId !== undefined) return this.#options.managementAccountId;
    const assumer = this.#options.assumer ?? roleAssumer({ purpose: 'cost-signals' });
    return (await assumer.callerIdentity()).accountId;
  }
}

/**
 * Our view of one Cost Anomaly Detection anomaly: where (the root cause that
 * contributed most), when, expected vs actual spend, impact, and the maximum
 * score AWS gave it. Pure.
 *
 * @param fallbackStart used when AWS sends no AnomalyStartDate.
 */
export function awsCostAnomaly(anomaly: Anomaly, fallbackStart: string): AwsCostAnomaly {
  const where = `anomaly ${anomaly.AnomalyId ?? '?'}`;
  if (!anomaly.AnomalyId || !anomaly.MonitorArn) throw new InputError(where, 'no AnomalyId or MonitorArn');
  const causes = anomaly.RootCauses ?? [];
  const cause = causes.reduce<(typeof causes)[number] | undefined>(
    (best, c) =>
      best === undefined || (c.Impact?.Contribution ?? 0) > (best.Impact?.Contribution ?? 0) ? c : best,
    undefined,
  );
  const impact = anomaly.Impact;
  const startDate = anomaly.AnomalyStartDate ?? anomaly.AnomalyEndDate ?? fallbackStart;
  return {
    anomalyId: anomaly.AnomalyId,
    monitorArn: anomaly.MonitorArn,
    ...(cause?.LinkedAccount && { accountId: cause.LinkedAccount }),
    ...(cause?.Service && { service: cause.Service }),
    ...(cause?.Region && { region: cause.Region }),
    startDate: startDate.slice(0, 10),
    ...(anomaly.AnomalyEndDate && { endDate: anomaly.AnomalyEndDate.slice(0, 10) }),
    expectedUsd: impact?.TotalExpectedSpend ?? 0,
    actualUsd: impact?.TotalActualSpend ?? 0,
    impactUsd: impact?.TotalImpact ?? impact?.MaxImpact ?? 0,
    score: anomaly.AnomalyScore?.MaxScore ?? anomaly.AnomalyScore?.CurrentScore ?? 0,
  };
}

/**
 * Limit, actual and forecast spend of a COST budget in USD (amounts arrive as
 * strings), or `undefined` for other budgets. Pure.
 *
 * @throws InputError when an amount is not a number.
 */
export function budgetStatus(budget: Budget): BudgetStatus | undefined {
  const limit = budget.BudgetLimit;
  if (budget.BudgetType !== 'COST' || limit === undefined || limit.Unit !== 'USD') return undefined;
  const name = budget.BudgetName ?? '';
  const usd = (raw: string | undefined, field: string): number => {
    const value = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(value)) {
      throw new InputError(`budget ${name}.${field}`, `not an amount: ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const forecast = budget.CalculatedSpend?.ForecastedSpend?.Amount;
  return {
    name,
    limitUsd: usd(limit.Amount, 'BudgetLimit'),
    // A budget created moments ago has no CalculatedSpend yet: nothing spent.
    actualUsd: usd(budget.CalculatedSpend?.ActualSpend?.Amount ?? '0', 'ActualSpend'),
    ...(forecast !== undefined && { forecastUsd: usd(forecast, 'ForecastedSpend') }),
    timeUnit: budget.TimeUnit ?? 'MONTHLY',
  };
}

function reason(cause: unknown, permission: string): string {
  // Our own errors (a bad response, an assumed role) already say what failed.
  if (cause instanceof GuardrailError && cause.name !== 'GuardrailError') return cause.message;
  return awsFailureReason(cause, permission);
}
