import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocationResult, QuorumStore } from '../../checks/probe/quorum.js';
import { type AwsClientOptions, awsClient } from './clients.js';

/** Partition key prefix; the state store's partitions are bare check names, so the two never meet. */
export const QUORUM_PK_PREFIX = 'probe-quorum#';
/** Results are only read for the current and previous minute; a day is ample for debugging. */
const RETENTION_SECONDS = 86_400;
const DETAIL_MAX = 256;

export interface DynamoDbQuorumStoreOptions {
  /** The state table (`pk`, `sk` strings; TTL attribute `expiresAt`). */
  readonly tableName: string;
  /** Default: a DocumentClient over {@link awsClient}(DynamoDBClient, clientOptions). */
  readonly client?: DynamoDBDocumentClient;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * The probe {@link QuorumStore} on the state table: pk `probe-quorum#<probe>`,
 * sk `<minute>#<location>`, expiring a day after the minute. Each location
 * overwrites its own item for a minute, so a query of the minute's prefix
 * returns the latest verdict of every location whose write has reached this
 * region: with several observer regions the table is a global table, whose
 * strongly consistent reads cover writes made in the same region only.
 *
 * @example
 * const quorum = new DynamoDbQuorumStore({ tableName: process.env.STATE_TABLE ?? '' });
 * await quorum.record('checkout-api', 'us-west-2', '2026-05-01T12:03Z', true, 'status 503');
 */
export class DynamoDbQuorumStore implements QuorumStore {
  readonly tableName: string;
  readonly #client: DynamoDBDocumentClient;

  constructor(options: DynamoDbQuorumStoreOptions) {
    this.tableName = options.tableName;
    this.#client =
      options.client ??
      DynamoDBDocumentClient.from(awsClient(DynamoDBClient, options.clientOptions), {
        marshallOptions: { removeUndefinedValues: true },
      });
  }

  async record(probe: string, location: string, minute: string, failed: boolean, detail: string) {
    await this.#client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${QUORUM_PK_PREFIX}${probe}`,
          sk: `${minute}#${location}`,
          probe,
          location,
          minute,
          failed,
          detail: detail.slice(0, DETAIL_MAX),
          // From the minute, not a clock: the adapter stays deterministic.
          expiresAt: Math.floor(Date.parse(minute) / 1000) + RETENTION_SECONDS,
        },
      }),
    );
  }

  async results(probe: string, minute: string): Promise<LocationResult[]> {
    const results: LocationResult[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :minute)',
          ExpressionAttributeValues: { ':pk': `${QUORUM_PK_PREFIX}${probe}`, ':minute': `${minute}#` },
          // This location's own verdict, written a moment ago in this region, must count. Other
          // regions' verdicts arrive by global-table replication, asynchronously whatever the read:
          // the check counts each location's latest of this minute or the last, which absorbs up
          // to a minute of lag (ProbeStack alarms beyond it).
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item.location !== 'string' || typeof item.failed !== 'boolean') continue;
        const detail = typeof item.detail === 'string' && item.detail !== '' ? item.detail : undefined;
        results.push({ location: item.location, failed: item.failed, ...(detail && { detail }) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return results;
  }
}
