import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbQuorumStore } from '../../../../shared/adapters/aws/probe-quorum-store.js';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' }));

describe('DynamoDbQuorumStore', () => {
  const ddb = mockClient(doc);
  afterEach(() => ddb.reset());
  const store = () => new DynamoDbQuorumStore({ tableName: 'state', client: doc });

  it('writes one item per probe, minute and location that expires a day after the minute', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    // Act
    await store().record('checkout-api', 'us-west-2', '2026-05-01T12:03Z', true, 'status 503');
    // Assess
    expect(ddb).toReceiveCommandWith(PutCommand, {
      TableName: 'state',
      Item: {
        pk: 'probe-quorum#checkout-api',
        sk: '2026-05-01T12:03Z#us-west-2',
        probe: 'checkout-api',
        location: 'us-west-2',
        minute: '2026-05-01T12:03Z',
        failed: true,
        detail: 'status 503',
        expiresAt: Date.parse('2026-05-01T12:03:00Z') / 1000 + 86_400,
      },
    });
  });

  it("reads every location's result for the minute with a consistent query, across pages", async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ location: 'eu-west-1', failed: true, detail: 'timeout TIMEOUT' }],
        LastEvaluatedKey: { pk: 'x', sk: 'y' },
      })
      .resolvesOnce({ Items: [{ location: 'us-west-2', failed: false, detail: '' }, { junk: true }] });
    const results = await store().results('checkout-api', '2026-05-01T12:03Z');
    expect(results).toEqual([
      { location: 'eu-west-1', failed: true, detail: 'timeout TIMEOUT' },
      { location: 'us-west-2', failed: false },
    ]);
    expect(ddb).toReceiveCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :minute)',
      ExpressionAttributeValues: { ':pk': 'probe-quorum#checkout-api', ':minute': '2026-05-01T12:03Z#' },
      ConsistentRead: true,
    });
    expect(ddb).toReceiveCommandTimes(QueryCommand, 2);
  });
});
