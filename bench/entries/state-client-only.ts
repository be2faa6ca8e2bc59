/**
 * The cold-start floor of a function that keeps state: only the state table's
 * adapter, built as `lambdaPortsFromEnv` builds it. The cold-start bench
 * bundles and imports this beside the handlers, so the share of the import
 * budget that the DynamoDB client alone takes is a measured figure.
 */
import { DynamoDbStateStore } from '../../shared/adapters/aws/dynamodb-state.js';

export const state = new DynamoDbStateStore({ tableName: process.env.STATE_TABLE_NAME ?? 'state' });
