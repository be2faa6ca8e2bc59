import { AwsFault, json11 } from '../protocols/json11.js';
import { AGGREGATOR, MANAGEMENT, page, WORLD_REGIONS, type World } from '../world.js';

/**
 * AWS Config over JSON 1.1: an organization aggregator in the management
 * account's us-east-1. SelectAggregateResourceConfig answers the advanced
 * query the adapter sends, at most 100 rows a page (API reference: Limit
 * 0–100), each row a JSON string; IAM resources are in the region
 * `global`, with their tags. A deleted resource's row is there too, and
 * Systems Manager's inventory record of each instance (a record, not a
 * resource, with no ARN). DescribeConfigurationAggregatorSourcesStatus
 * reports the organization source per region: SUCCEEDED for the world's
 * aggregated regions (default: all of them).
 */
export function configService(world: World) {
  const guard = (input: Record<string, unknown>, caller: { accountId: string }) => {
    if (caller.accountId !== MANAGEMENT)
      throw new AwsFault('AccessDeniedException', 'not the aggregator account');
    if (input.ConfigurationAggregatorName !== AGGREGATOR)
      throw new AwsFault('NoSuchConfigurationAggregatorException', 'no such aggregator');
  };
  return json11('StarlingDoveService', {
    DescribeConfigurationAggregatorSourcesStatus: (input, caller) => {
      guard(input, caller);
      return {
        AggregatedSourceStatusList: (world.configRegions ?? WORLD_REGIONS).map((region) => ({
          SourceId: 'o-exampleorgid',
          SourceType: 'ORGANIZATION',
          AwsRegion: region,
          LastUpdateStatus: 'SUCCEEDED',
        })),
      };
    },
    SelectAggregateResourceConfig: (input, caller) => {
      guard(input, caller);
      const size = Number(input.Limit ?? input.MaxResults ?? 25);
      if (size > 100) throw new AwsFault('InvalidLimitException', 'Limit must be at most 100');
      const expression = String(input.Expression);
      const where = /WHERE accountId = '(\d{12})' AND awsRegion = '([\w-]+)'$/.exec(expression);
      if (!where) throw new AwsFault('InvalidExpressionException', `not understood: ${expression}`);
      const [, account, region] = where;
      const rows = world.resources
        .filter((r) => r.accountId === account && r.region === region)
        .map((r) =>
          JSON.stringify({
            accountId: r.accountId,
            awsRegion: r.region,
            arn: r.arn,
            resourceType: r.type.config,
            configurationItemStatus: 'OK',
            tags: Object.entries(r.tags).map(([key, value]) => ({ key, value, tag: `${key}=${value}` })),
          }),
        );
      for (const r of world.resources.filter(
        (x) => x.accountId === account && x.region === region && x.type.config === 'AWS::EC2::Instance',
      ))
        rows.push(
          JSON.stringify({
            accountId: r.accountId,
            awsRegion: r.region,
            resourceType: 'AWS::SSM::ManagedInstanceInventory',
            configurationItemStatus: 'OK',
            tags: [],
          }),
        );
      rows.push(
        JSON.stringify({
          accountId: account,
          awsRegion: region,
          arn: `arn:aws:ec2:${region}:${account}:instance/i-deleted`,
          resourceType: 'AWS::EC2::Instance',
          configurationItemStatus: 'ResourceDeleted',
          tags: [],
        }),
      );
      const { items, next } = page(rows, input.NextToken, size);
      return {
        Results: items,
        QueryInfo: {
          SelectFields: [
            'accountId',
            'awsRegion',
            'arn',
            'resourceType',
            'configurationItemStatus',
            'tags',
          ].map((Name) => ({ Name })),
        },
        ...(next && { NextToken: next }),
      };
    },
  });
}
