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
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { AwsStub } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
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
 * What one state-table write does, named for order assertions: `lease`,
 * `release`, `stage-parts`, `stage-marker`, `renew`, `clear-marker`,
 * `memory`, `incident`, `outbox-cleanup`.
 */
function stateWriteKind(command: 'update' | 'put' | 'batch', input: unknown): string {
  if (command === 'put') return 'incident';
  if (command === 'batch') {
    const requests = Object.values(
      (
        input as {
          RequestItems?: Record<
            string,
            Array<Record<string, { Item?: { sk?: string }; Key?: { sk?: string } }>>
          >;
        }
      ).RequestItems ?? {},
    ).flat();
    const first = requests[0];
    const sk = first?.PutRequest?.Item?.sk ?? first?.DeleteRequest?.Key?.sk ?? '';
    if (sk.startsWith('OUT#')) return first?.PutRequest ? 'stage-parts' : 'outbox-cleanup';
    return 'memory';
  }
  const expression = (input as UpdateCommandInput).UpdateExpression ?? '';
  if (expression.startsWith('SET #holder')) return 'lease';
  if (expression.startsWith('REMOVE #holder')) return 'release';
  if (expression.startsWith('SET #outbox')) return 'stage-marker';
  if (expression.startsWith('REMOVE #outbox')) return 'clear-marker';
  return 'renew';
}

/**
 * Accepts every SendMessageBatch entry and every DynamoDB write, and records
 * their order in `calls` (`SendMessageBatch` and the kinds of
 * {@link stateWriteKind}), so a test can assert what was staged before
 * delivery and what was applied only after it.
 */
export function recordDeliveryAndState({ dynamo, sqs }: DeliveryMocks, calls: string[]): void {
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(UpdateCommand).callsFake((input: unknown) => {
    calls.push(stateWriteKind('update', input));
    return {};
  });
  dynamo.on(PutCommand).callsFake((input: unknown) => {
    calls.push(stateWriteKind('put', input));
    return {};
  });
  dynamo.on(BatchWriteCommand).callsFake((input: unknown) => {
    calls.push(stateWriteKind('batch', input));
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

/**
 * Asserts the delivery order of one run: the outbox staged (parts, then
 * marker) before the first send; memory, incidents and the marker's removal
 * only after the last send; the lease taken first and released last.
 */
export function expectStagedThenApplied(calls: readonly string[]): void {
  const firstSend = calls.indexOf('SendMessageBatch');
  const lastSend = calls.lastIndexOf('SendMessageBatch');
  const at = (kind: string) => calls.indexOf(kind);
  expect(firstSend, `no SendMessageBatch in ${calls.join(', ')}`).toBeGreaterThanOrEqual(0);
  const order = {
    leaseFirst: at('lease') === 0,
    stagedBeforeSend:
      at('stage-parts') >= 0 && at('stage-parts') < at('stage-marker') && at('stage-marker') < firstSend,
    appliedAfterSend:
      at('incident') > lastSend &&
      at('clear-marker') > lastSend &&
      (at('memory') < 0 || at('memory') > lastSend),
    markerClearedAfterApply: at('clear-marker') > calls.lastIndexOf('incident'),
    releasedLast: calls.lastIndexOf('release') === calls.length - 1,
  };
  const broken = Object.entries(order)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  expect(broken, `delivery order: ${calls.join(', ')}`).toEqual([]);
}
