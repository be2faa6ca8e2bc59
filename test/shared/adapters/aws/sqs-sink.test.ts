import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueue, SqsDeliveryError, SqsSink } from '../../../../shared/adapters/aws/sqs-sink.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/incidents';
const FIFO_QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/incidents.fifo';

function envelope(n: number, evidence: Record<string, unknown> = {}): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${n}`,
    source: 'finops-guardrails/tag-coverage/123456789012',
    type: 'finops-guardrails.tag.violation',
    subject: `arn:aws:s3:::bucket-${n}`,
    time: '2026-01-01T00:00:00Z',
    datacontenttype: 'application/json',
    dedupkey: `tag-coverage:required-tags:bucket-${n}`,
    action: 'trigger',
    severity: 'warning',
    sequence: 1,
    data: {
      summary: `bucket-${n} lacks the owner tag`,
      category: 'tagging',
      check: 'tag-coverage',
      rule: 'required-tags',
      evidence,
      firstSeen: '2026-01-01T00:00:00Z',
      lastSeen: '2026-01-01T00:00:00Z',
    },
  };
}

const events = (count: number) => Array.from({ length: count }, (_, i) => envelope(i));
const noWait = { sleep: async () => {}, random: () => 0.5 };

/** Answers every entry as successful except those `fail` returns a failure for. */
function respond(fail: (id: string) => Omit<BatchResultErrorEntry, 'Id'> | undefined = () => undefined) {
  return (input: SendMessageBatchCommandInput) => {
    const entries = input.Entries ?? [];
    const failed = entries.flatMap((e) => {
      const f = fail(e.Id ?? '');
      return f ? [{ Id: e.Id, ...f }] : [];
    });
    const failedIds = new Set(failed.map((f) => f.Id));
    return {
      Successful: entries
        .filter((e) => !failedIds.has(e.Id))
        .map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: failed,
    };
  };
}

function sentEntries(sqs: ReturnType<typeof mockClient>, call: number) {
  const input = sqs.commandCalls(SendMessageBatchCommand)[call]?.args[0]
    .input as SendMessageBatchCommandInput;
  return input.Entries ?? [];
}

async function deliveryError(promise: Promise<void>): Promise<SqsDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SqsDeliveryError);
  return error as SqsDeliveryError;
}

describe('SqsSink', () => {
  const client = new SQSClient({ region: 'us-east-1' });
  const sqs = mockClient(client);
  afterEach(() => sqs.reset());

  it('sends 25 events in 3 batches of at most 10, ids unique per batch', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());

    await new SqsSink({ queue: QUEUE, client }).deliver(events(25));

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 3);
    expect([0, 1, 2].map((c) => sentEntries(sqs, c).length)).toEqual([10, 10, 5]);
    for (const c of [0, 1, 2]) {
      const ids = sentEntries(sqs, c).map((e) => e.Id ?? '');
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
  });

  it('sends the envelope JSON as the body with filterable string attributes', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());
    const event = envelope(7);

    await new SqsSink({ queue: QUEUE, client }).deliver([event]);

    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, { QueueUrl: QUEUE });
    const [entry] = sentEntries(sqs, 0);
    expect(JSON.parse(entry?.MessageBody ?? '')).toEqual(event);
    expect(entry?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'finops-guardrails.tag.violation' },
      severity: { DataType: 'String', StringValue: 'warning' },
      action: { DataType: 'String', StringValue: 'trigger' },
      dedupkey: { DataType: 'String', StringValue: event.dedupkey },
    });
    expect(entry?.MessageGroupId).toBeUndefined();
    expect(entry?.MessageDeduplicationId).toBeUndefined();
  });

  it('starts a new batch before the batch payload would pass the byte limit', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());
    // Three ~100 KB events: two fit under 256 KiB, the third does not.
    const big = [0, 1, 2].map((n) => envelope(n, { blob: 'x'.repeat(100_000) }));

    await new SqsSink({ queue: QUEUE, client }).deliver(big);

    expect([0, 1].map((c) => sentEntries(sqs, c).length)).toEqual([2, 1]);
  });

  it('retries only the entries that failed, with backoff', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFakeOnce(
        respond((id) =>
          id === '3' || id === '8' ? { SenderFault: false, Code: 'InternalError' } : undefined,
        ),
      )
      .callsFake(respond());
    const delays: number[] = [];

    await new SqsSink({
      queue: QUEUE,
      client,
      retry: { ...noWait, sleep: async (ms) => void delays.push(ms) },
    }).deliver(events(10));

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 2);
    expect(sentEntries(sqs, 1).map((e) => e.Id)).toEqual(['3', '8']);
    expect(JSON.parse(sentEntries(sqs, 1)[0]?.MessageBody ?? '').id).toBe('evt-3');
    expect(delays).toHaveLength(1);
  });

  it('throws a DeliveryError naming exactly the undelivered ids when the retry budget is spent', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFake(
        respond((id) =>
          id === '2' || id === '12' ? { SenderFault: false, Code: 'InternalError' } : undefined,
        ),
      );

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client, retry: { ...noWait, maxRetries: 2 } }).deliver(events(15)),
    );

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.undelivered).toEqual(['evt-2', 'evt-12']);
    expect(error.failures[0]?.reason).toMatch(/retry budget spent.*InternalError/);
    // Two batches, each: 1 attempt + 2 retries of the failed entry.
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 6);
  });

  it('does not retry an entry the sender is at fault for', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFake(
        respond((id) =>
          id === '1'
            ? { SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad attribute' }
            : undefined,
        ),
      );

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client, retry: noWait }).deliver(events(3)),
    );

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
    expect(error.undelivered).toEqual(['evt-1']);
    expect(error.message).toContain('InvalidParameterValue: bad attribute (sender fault, not retried)');
  });

  it('reports a message over the size limit as undelivered and sends the rest, untruncated', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());
    const oversize = envelope(1, { blob: 'x'.repeat(300_000) });

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client }).deliver([envelope(0), oversize, envelope(2)]),
    );

    expect(error.undelivered).toEqual(['evt-1']);
    expect(error.failures[0]?.reason).toMatch(
      /^message is \d+ bytes, over the 262144-byte SQS limit; not sent$/,
    );
    expect(sentEntries(sqs, 0).map((e) => JSON.parse(e.MessageBody ?? '').id)).toEqual(['evt-0', 'evt-2']);
  });

  it('counts message attributes toward the size limit', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());
    const event = envelope(0);
    const bodyBytes = Buffer.byteLength(JSON.stringify(event));

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client, maxPayloadBytes: bodyBytes + 10 }).deliver([event]),
    );

    expect(error.undelivered).toEqual(['evt-0']);
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 0);
  });

  it('uses the dedupkey as FIFO group id and the event id as deduplication id', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(respond());
    const event = envelope(4);

    await new SqsSink({ queue: FIFO_QUEUE, client }).deliver([event]);

    expect(sentEntries(sqs, 0)[0]).toMatchObject({
      MessageGroupId: event.dedupkey,
      MessageDeduplicationId: 'evt-4',
    });
  });

  it('retries the whole batch after a throttled call that outlived the SDK retries', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .callsFake(respond());

    await new SqsSink({ queue: QUEUE, client, retry: noWait }).deliver(events(3));

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 2);
    expect(sentEntries(sqs, 1)).toHaveLength(3);
  });

  it('fails a batch without retrying on an error that will not go away', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .rejects(Object.assign(new Error('no such queue'), { name: 'QueueDoesNotExist' }));

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client, retry: noWait }).deliver(events(2)),
    );

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
    expect(error.undelivered).toEqual(['evt-0', 'evt-1']);
    expect(error.cause).toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('never counts an entry missing from the response as delivered', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] });

    const error = await deliveryError(
      new SqsSink({ queue: QUEUE, client, retry: { ...noWait, maxRetries: 1 } }).deliver(events(2)),
    );

    expect(error.undelivered).toEqual(['evt-1']);
    expect(error.failures[0]?.reason).toContain('missing from SQS response');
  });

  it('sends nothing for no events', async () => {
    await new SqsSink({ queue: QUEUE, client }).deliver([]);

    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 0);
  });
});

describe('parseQueue', () => {
  it('turns a queue ARN into the regional queue URL', () => {
    expect(parseQueue('arn:aws:sqs:eu-west-1:123456789012:incidents.fifo')).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/incidents.fifo',
      region: 'eu-west-1',
      fifo: true,
    });
    expect(parseQueue('arn:aws-cn:sqs:cn-north-1:123456789012:q').url).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
    // The host the SDK resolves for SQS in the European Sovereign Cloud.
    expect(parseQueue('arn:aws-eusc:sqs:eusc-de-east-1:123456789012:q').url).toBe(
      'https://sqs.eusc-de-east-1.amazonaws.eu/123456789012/q',
    );
  });

  it('keeps a queue URL and reads its region', () => {
    expect(parseQueue(QUEUE)).toEqual({ url: QUEUE, region: 'us-east-1', fifo: false });
    expect(parseQueue('http://127.0.0.1:4566/000000000000/q.fifo')).toMatchObject({
      region: undefined,
      fifo: true,
    });
  });

  it('rejects what is neither', () => {
    expect(() => parseQueue('arn:aws:sns:us-east-1:123456789012:topic')).toThrow(/not an SQS queue ARN/);
    expect(() => parseQueue('incidents')).toThrow(/not a queue URL or ARN/);
  });
});
