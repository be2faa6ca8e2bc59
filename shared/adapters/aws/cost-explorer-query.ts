import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { type ManagementAccount, managementAccess, type RoleAssumer, roleAssumer } from './assume-role.js';
import type { AwsClientOptions, CredentialsProvider } from './clients.js';
import { globalEndpointRegion } from './partition-regions.js';

/** Cost Explorer's one endpoint in the `aws` partition (Budgets' too); other partitions: {@link globalEndpointRegion}. */
export const COST_EXPLORER_REGION = 'us-east-1';

/** Where and as whom Cost Explorer (and Budgets) are called: the management account. */
export interface CostExplorerAccessOptions extends ManagementAccount {
  /** Credentials used as they are (e.g. the CLI's profile). Default: {@link managementAccess}. */
  readonly credentials?: CredentialsProvider;
  /** Default: a new assumer with the caller's purpose. */
  readonly assumer?: RoleAssumer;
  /** Default: the partition's global endpoint region ({@link globalEndpointRegion}), us-east-1 in `aws`. */
  readonly region?: string;
}

/**
 * Client options for a management-account API: the given credentials as they
 * are, else {@link managementAccess} through the assumer.
 *
 * @example
 * const ce = awsClient(CostExplorerClient, await costExplorerClientOptions(options, 'cost-anomaly'));
 */
export async function costExplorerClientOptions(
  options: CostExplorerAccessOptions,
  purpose: string,
): Promise<AwsClientOptions> {
  const { credentials } = options;
  const region = costExplorerRegion(options);
  if (credentials !== undefined) return { region, credentials };
  const assumer = options.assumer ?? roleAssumer({ purpose });
  return { region, ...(await managementAccess(assumer, options)) };
}

/**
 * The region {@link costExplorerClientOptions} names, known before any call:
 * the given one, else us-east-1 for credentials used as they are, else the
 * assumer's partition's global endpoint region (Cost Explorer has one
 * endpoint per partition).
 *
 * @example
 * costExplorerRegion({ managementRoleName: 'R', assumer: roleAssumer({ purpose: 'x', partition: 'aws-cn' }) }); // 'cn-northwest-1'
 */
export function costExplorerRegion(options: CostExplorerAccessOptions): string {
  if (options.region !== undefined) return options.region;
  if (options.credentials !== undefined) return COST_EXPLORER_REGION;
  return globalEndpointRegion(options.assumer?.defaultPartition ?? 'aws');
}

/**
 * Every `ResultsByTime` of a GetCostAndUsage query, following NextPageToken.
 * One page's results may repeat a period of the previous page with other
 * groups, so callers merge by period rather than by position.
 *
 * @param onPage called once per request sent ($0.01 each).
 */
export async function allCostAndUsageResults(
  client: CostExplorerClient,
  query: GetCostAndUsageCommandInput,
  onPage: () => void,
): Promise<ResultByTime[]> {
  const results: ResultByTime[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new GetCostAndUsageCommand({ ...query, NextPageToken: token }));
    onPage();
    results.push(...(page.ResultsByTime ?? []));
    token = page.NextPageToken || undefined;
  } while (token !== undefined);
  return results;
}

/** `YYYY-MM-DD` (UTC), the date form Cost Explorer takes; its End is exclusive, as our windows' are. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * `Name: message` of an SDK failure, with a hint on AccessDenied naming the
 * permission the role lacks.
 *
 * @example
 * awsFailureReason(error, 'ce:GetCostAndUsage'); // 'AccessDeniedException: … (does the role allow ce:GetCostAndUsage?)'
 */
export function awsFailureReason(error: unknown, permission: string): string {
  if (!(error instanceof Error)) return String(error);
  // Our own errors (AssumeRoleError) already say what failed.
  if (error.name === 'AssumeRoleError') return error.message;
  const reason = `${error.name}: ${error.message}`;
  // Resource Explorer answers a view the caller may not use with UnauthorizedException (401).
  return /^(AccessDenied|UnauthorizedException$)/.test(error.name)
    ? `${reason} (does the role allow ${permission}?)`
    : reason;
}
