import { CostExplorerClient, GetCostAndUsageWithResourcesCommand } from '@aws-sdk/client-cost-explorer';
import type { ResourceCostSource } from '../../checks/cost-policy/runtime/ports.js';
import { ScanError } from '../../core/errors.js';
import { awsClient } from './clients.js';
import {
  awsFailureReason,
  type CostExplorerAccessOptions,
  costExplorerClientOptions,
  isoDate,
} from './cost-explorer-query.js';
import { RESOURCE_COST_DAYS, RESOURCE_COST_SERVICES } from './resource-cost-services.js';

export { RESOURCE_COST_DAYS, RESOURCE_COST_SERVICES } from './resource-cost-services.js';

const DAY_MS = 86_400_000;
const PERMISSION = 'ce:GetCostAndUsageWithResources';

export interface CostExplorerResourceCostsOptions extends CostExplorerAccessOptions {
  /** `anomaly.costMetric`. Default `UnblendedCost`. */
  readonly metric?: string;
  /** Default {@link RESOURCE_COST_SERVICES}. */
  readonly services?: readonly string[];
  /** Told once per service whose query failed; the others still count. */
  readonly onServiceFailure?: (service: string, reason: string) => void;
}

/**
 * Each resource's cost from Cost Explorer's resource-level data
 * (`GetCostAndUsageWithResources`, grouped by `RESOURCE_ID`, in the
 * management account, which sees every member account). It is an opt-in
 * setting of Cost Explorer and covers only the last 14 days, so the cost of
 * the last {@link RESOURCE_COST_DAYS} complete days is scaled to the window
 * asked for: an estimate of the window's cost, not its bill.
 *
 * Keys are Cost Explorer's resource ids as they come: an ARN for some
 * services, an id (`i-…`, `vol-…`) or a bucket name for others; the check
 * looks a resource up by its ARN, then by its id. Throws a ScanError only
 * when no service could be read (resource-level data not enabled, or
 * AccessDenied): cost is evidence, and the check goes on without it.
 * Each request is billed ($0.01 a page).
 */
export class CostExplorerResourceCosts implements ResourceCostSource {
  readonly name = 'cost-explorer-resources';
  readonly #options: CostExplorerResourceCostsOptions;
  #client?: Promise<CostExplorerClient>;

  constructor(options: CostExplorerResourceCostsOptions) {
    this.#options = options;
  }

  async resourceCosts({ start, end }: { start: Date; end: Date }): Promise<Map<string, number>> {
    const windowDays = Math.max(1, Math.round((end.getTime() - start.getTime()) / DAY_MS));
    const readDays = Math.min(windowDays, RESOURCE_COST_DAYS);
    const from = new Date(end.getTime() - readDays * DAY_MS);
    const scale = windowDays / readDays;
    this.#client ??= costExplorerClientOptions(this.#options, 'cost-policy').then((options) =>
      awsClient(CostExplorerClient, options),
    );
    const client = await this.#client;
    const costs = new Map<string, number>();
    const failures: string[] = [];
    for (const service of this.#options.services ?? RESOURCE_COST_SERVICES) {
      try {
        for (const [id, usd] of await this.#serviceCosts(client, service, from, end))
          costs.set(id, (costs.get(id) ?? 0) + usd * scale);
      } catch (error) {
        const reason = awsFailureReason(error, PERMISSION);
        failures.push(`${service}: ${reason}`);
        this.#options.onServiceFailure?.(service, reason);
      }
    }
    const services = this.#options.services ?? RESOURCE_COST_SERVICES;
    if (failures.length === services.length)
      throw new ScanError(
        'resource-costs',
        `no resource-level cost could be read (is "Hourly and resource level data" enabled in Cost Explorer's settings?): ${failures[0]}`,
      );
    return costs;
  }

  async #serviceCosts(
    client: CostExplorerClient,
    service: string,
    from: Date,
    end: Date,
  ): Promise<Map<string, number>> {
    const metric = this.#options.metric ?? 'UnblendedCost';
    const costs = new Map<string, number>();
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetCostAndUsageWithResourcesCommand({
          TimePeriod: { Start: isoDate(from), End: isoDate(end) },
          Granularity: 'DAILY',
          Filter: { Dimensions: { Key: 'SERVICE', Values: [service] } },
          Metrics: [metric],
          GroupBy: [{ Type: 'DIMENSION', Key: 'RESOURCE_ID' }],
          NextPageToken: token,
        }),
      );
      for (const period of page.ResultsByTime ?? [])
        for (const group of period.Groups ?? []) {
          const id = group.Keys?.[0];
          const amount = Number(group.Metrics?.[metric]?.Amount);
          // A group without a resource id, or with an amount that is not a number, is not a resource's cost.
          if (!id || !Number.isFinite(amount)) continue;
          costs.set(id, (costs.get(id) ?? 0) + amount);
        }
      token = page.NextPageToken || undefined;
    } while (token !== undefined);
    return costs;
  }
}
