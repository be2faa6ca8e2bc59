import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
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
