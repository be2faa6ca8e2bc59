import {
  CreateQueueCommand,
  DeleteMessageCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClient, clearAwsClients } from '../../shared/adapters/aws/clients.js';
import { SqsDeliveryError, SqsSink } from '../../shared/adapters/aws/sqs-sink.js';
import { type Envelope, envelopeSchema } from '../../shared/core/envelope.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

function envelope(
  n: number,
  overrides: { sequence?: number; evidence?: Record<string, unknown> } = {},
): Envelope {
  const sequence = overrides.sequence ?? 1;
  return {
    specversion: '1.0',
    id: `evt-${n}-${sequence}`,
    source: 'finops-guardrails/cost-anomaly/123456789012',
    type: 'finops-guardrails.cost.anomaly',
    subject: `workload-${n}`,
    time: '2026-01-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    dedupkey: `cost-anomaly:waste:workload-${n}`,
    action: 'trigger',
    severity: 'error',
    sequence,
    data: {
      summary: `workload-${n} costs 40% more per request`,
      category: 'cost',
      check: 'cost-anomaly',
      rule: 'waste',
      impact: { usdPerMonth: 1234.5 },
      evidence: overrides.evidence ?? { expected: 10, actual: 14, note: 'ünïcödé ✓' },
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
    },
  };
}

describe('SqsSink against fauxqs over HTTP', () => {
  let server: FauxqsServer;
  let sqs: SQSClient;
  let standardUrl: string;
  let fifoUrl: string;

  async function receiveAll(queueUrl: string): Promise<Message[]> {
    const messages: Message[] = [];
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        }),
      );
      if (!out.Messages?.length) return messages;
      messages.push(...out.Messages);
      // Deleting matters on FIFO: a group's next message stays hidden while one is in flight.
      for (const m of out.Messages) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }

  const sink = (queue: string, extra: Partial<ConstructorParameters<typeof SqsSink>[0]> = {}) =>
    new SqsSink({ queue, clientOptions: { endpoint: server.address, region, credentials }, ...extra });

  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    sqs = awsClient(SQSClient, { endpoint: server.address, region, credentials });
    standardUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'incidents' }))).QueueUrl ?? '';
    fifoUrl =
      (
        await sqs.send(
          new CreateQueueCommand({ QueueName: 'incidents.fifo', Attributes: { FifoQueue: 'true' } }),
        )
      ).QueueUrl ?? '';
  });

  beforeEach(async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: standardUrl }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: fifoUrl }));
  });

  afterAll(async () => {
    clearAwsClients();
    await server?.stop();
  });

  it('delivers every event and each body parses back to the same envelope', async () => {
    const events = Array.from({ length: 23 }, (_, i) => envelope(i));

    await sink(standardUrl).deliver(events);

    const messages = await receiveAll(standardUrl);
    const bodies = messages.map((m) => envelopeSchema.parse(JSON.parse(m.Body ?? '')));
    expect(bodies.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...events].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const first = messages.find((m) => m.Body?.includes('"evt-0-1"'));
    expect(first?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'finops-guardrails.cost.anomaly' },
      severity: { DataType: 'String', StringValue: 'error' },
      action: { DataType: 'String', StringValue: 'trigger' },
      dedupkey: { DataType: 'String', StringValue: 'cost-anomaly:waste:workload-0' },
    });
  });

  it('accepts the queue ARN and sends to the queue it names', async () => {
    await sink(`arn:aws:sqs:${region}:000000000000:incidents`).deliver([envelope(1)]);

    const [message] = await receiveAll(standardUrl);
    expect(JSON.parse(message?.Body ?? '').id).toBe('evt-1-1');
  });

  it('on FIFO, groups by dedupkey and drops a resend of the same event ids', async () => {
    const events = [envelope(1), envelope(2), envelope(1, { sequence: 2 })];

    await sink(fifoUrl).deliver(events);
    await sink(fifoUrl).deliver(events); // a retried run: same ids

    const messages = await receiveAll(fifoUrl);
    expect(messages.map((m) => JSON.parse(m.Body ?? '').id).sort()).toEqual([
      'evt-1-1',
      'evt-1-2',
      'evt-2-1',
    ]);
    const byId = new Map(messages.map((m) => [JSON.parse(m.Body ?? '').id as string, m.Attributes]));
    expect(byId.get('evt-1-2')).toMatchObject({
      MessageGroupId: 'cost-anomaly:waste:workload-1',
      MessageDeduplicationId: 'evt-1-2',
    });
  });

  it('sends a batch right under the 256 KiB limit and refuses a message over it', async () => {
    const big = (n: number) => envelope(n, { evidence: { blob: 'x'.repeat(120_000) } });

    const error = await sink(standardUrl)
      .deliver([big(1), big(2), envelope(3, { evidence: { blob: 'y'.repeat(270_000) } })])
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(SqsDeliveryError);
    expect((error as SqsDeliveryError).undelivered).toEqual(['evt-3-1']);
    expect((await receiveAll(standardUrl)).map((m) => JSON.parse(m.Body ?? '').id).sort()).toEqual([
      'evt-1-1',
      'evt-2-1',
    ]);
  });

  it('reports what the queue itself rejects as undelivered', async () => {
    const small = await sqs.send(
      new CreateQueueCommand({ QueueName: 'small-messages', Attributes: { MaximumMessageSize: '1024' } }),
    );

    const error = await sink(small.QueueUrl ?? '', { retry: { maxRetries: 1, sleep: async () => {} } })
      .deliver([envelope(1, { evidence: { blob: 'z'.repeat(2_000) } })])
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(SqsDeliveryError);
    expect((error as SqsDeliveryError).undelivered).toEqual(['evt-1-1']);
    // The queue's own MaximumMessageSize comes back as a per-entry sender fault, not a failed call.
    expect((error as SqsDeliveryError).failures[0]?.reason).toMatch(
      /^InvalidParameterValue: .*sender fault, not retried/,
    );
  });
});
