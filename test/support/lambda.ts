import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SQSClientResolvedConfig as SqsConfig,
  type ServiceInputTypes as SqsInput,
  type ServiceOutputTypes as SqsOutput,
} from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClientResolvedConfig as DynamoConfig,
  type ServiceInputTypes as DynamoInput,
  type ServiceOutputTypes as DynamoOutput,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { Envelope } from '../../shared/core/envelope.js';

/** A Lambda context for handler tests: the function's name, region and account, and the time left. */
export function lambdaContext(options: {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly remainingMs?: number;
  readonly memoryMb?: number;
}): Context {
  const { functionName, region, accountId } = options;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 1024),
    awsRequestId: 'request-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/05/04/[$LATEST]abc',
    getRemainingTimeInMillis: () => options.remainingMs ?? 900_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** An error shaped like the SDK's service exceptions: a name and a message. */
export const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

/** The envelopes of one SendMessageBatch request. */
export const bodies = (input: SendMessageBatchCommandInput): Envelope[] =>
  (input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '{}') as Envelope);

/** The clients a pipeline run delivers to and commits through, as aws-sdk-client-mock stubs them. */
interface DeliveryMocks {
  readonly dynamo: AwsStub<DynamoInput, DynamoOutput, DynamoConfig>;
  readonly sqs: AwsStub<SqsInput, SqsOutput, SqsConfig>;
}

/**
 * Accepts every SendMessageBatch entry and every DynamoDB write, and records
 * their order in `calls`, so a test can assert that delivery came before state.
 */
export function recordDeliveryAndState({ dynamo, sqs }: DeliveryMocks, calls: string[]): void {
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(PutCommand).callsFake(() => {
    calls.push('PutItem');
    return {};
  });
  dynamo.on(BatchWriteCommand).callsFake(() => {
    calls.push('BatchWriteItem');
    return { UnprocessedItems: {} };
  });
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    calls.push('SendMessageBatch');
    return {
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    };
  });
}
