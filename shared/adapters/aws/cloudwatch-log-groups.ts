import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroupDescription } from '../../checks/cost-policy/from-config/log-group.js';
import type { LogGroupSource } from '../../checks/cost-policy/runtime/ports.js';
import { ScanError } from '../../core/errors.js';
import { partitionOfRegion, type RoleAssumer } from './assume-role.js';
import { DEFAULT_RETRY_POLICY, fullJitterDelayMs, isRetryableAwsError, type RetryPolicy } from './backoff.js';
import { awsClient } from './clients.js';
import { awsFailureReason } from './cost-explorer-query.js';

/** Name of this source in a digest's `sources`. */
export const LOG_GROUPS_SOURCE = 'cloudwatch-logs';
/** DescribeLogGroups' largest page (API reference: `limit` 1–50, 50 when unset). */
export const DESCRIBE_LOG_GROUPS_LIMIT = 50;

export interface CloudWatchLogGroupsOptions {
  readonly assumer: RoleAssumer;
  /** `organization.memberRoleName`: the read role in every member account. */
  readonly memberRoleName: string;
  readonly retry?: Partial<RetryPolicy>;
}

/**
 * {@link LogGroupSource} over CloudWatch Logs `DescribeLogGroups` in each
 * member account and region, through the member read role: AWS Config does
 * not record log groups. Pages of 50 (the API's maximum) follow `nextToken`;
 * `retentionInDays` absent means the group never expires. Any failure fails
 * the (account, region) with a {@link ScanError}.
 *
 * @example
 * const logs = new CloudWatchLogGroups({ assumer, memberRoleName: 'FinopsGuardrailsMemberRead' });
 * await logs.listLogGroups('123456789012', 'eu-west-1');
 */
export class CloudWatchLogGroups implements LogGroupSource {
  readonly name = LOG_GROUPS_SOURCE;
  readonly #options: CloudWatchLogGroupsOptions;
  readonly #retry: RetryPolicy;

  constructor(options: CloudWatchLogGroupsOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY_POLICY, maxRetries: 3, ...options.retry };
  }

  async listLogGroups(accountId: string, region: string): Promise<LogGroupDescription[]> {
    const scope = `${accountId}/${region}`;
    try {
      const role = this.#options.assumer.assume(
        accountId,
        this.#options.memberRoleName,
        partitionOfRegion(region),
      );
      const client = awsClient(CloudWatchLogsClient, { region, ...role });
      const groups: LogGroupDescription[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const input = { limit: DESCRIBE_LOG_GROUPS_LIMIT, ...(token !== undefined && { nextToken: token }) };
        const page = await this.#withBackoff(() => client.send(new DescribeLogGroupsCommand(input)));
        for (const g of page.logGroups ?? []) {
          if (!g.logGroupName) continue;
          groups.push({
            logGroupName: g.logGroupName,
            ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
            ...((g.logGroupArn ?? g.arn) !== undefined && { arn: g.logGroupArn ?? g.arn }),
          });
        }
        token = page.nextToken || undefined;
        if (token !== undefined) {
          if (seen.has(token)) throw new ScanError(scope, 'DescribeLogGroups repeated a nextToken');
          seen.add(token);
        }
      } while (token !== undefined);
      return groups;
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(scope, `CloudWatch Logs: ${awsFailureReason(cause, 'logs:DescribeLogGroups')}`, {
        cause,
      });
    }
  }

  async #withBackoff<T>(call: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await call();
      } catch (error) {
        if (retry >= this.#retry.maxRetries || !isRetryableAwsError(error)) throw error;
        await this.#retry.sleep(fullJitterDelayMs(retry, this.#retry));
      }
    }
  }
}
