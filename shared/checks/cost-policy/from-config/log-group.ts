import { type CostResource, known } from '../model.js';

/** One entry of CloudWatch Logs `DescribeLogGroups` (`logGroups[]`). */
export interface LogGroupDescription {
  readonly logGroupName: string;
  /** Absent: the log group never expires. */
  readonly retentionInDays?: number;
  readonly arn?: string;
}

/**
 * A log group in the normalized model. AWS Config does not record log
 * groups, so the runtime check reads them from DescribeLogGroups; a group
 * named for a Lambda function is judged with that function, not twice.
 */
export function resourceFromLogGroup(
  group: LogGroupDescription,
  where: { readonly accountId: string; readonly region: string },
): CostResource {
  const functionName = group.logGroupName.startsWith('/aws/lambda/')
    ? group.logGroupName.slice('/aws/lambda/'.length)
    : undefined;
  return {
    source: 'config',
    id: group.logGroupName,
    type: 'AWS::Logs::LogGroup',
    ...(group.arn && { arn: group.arn }),
    accountId: where.accountId,
    region: where.region,
    tags: { values: {} },
    facts: {
      logRetention: {
        days: known(group.retentionInDays),
        ...(functionName !== undefined && { judgedWith: functionName }),
      },
    },
  };
}
