import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsSink, snsSubject } from '../../../../shared/adapters/aws/sns-sink.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';

const TOPIC = 'arn:aws:sns:us-west-2:123456789012:probe-paging';

function envelope(action: Envelope['action'], severity: Envelope['severity'] = 'critical', n = 1): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${action}-${n}`,
    source: 'finops-guardrails/probe/observer',
    type: 'finops-guardrails.probe.failure',
    subject: 'https://checkout.example.com/health',
    time: '2026-05-01T12:04:05Z',
    datacontenttype: 'application/json',
    dedupkey: `probe:http:checkout-api-${n}`,
    action,
    severity,
    sequence: action === 'trigger' ? 1 : 2,
    data: {
      summary: 'checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 2 checks since 12:03Z',
      category: 'availability',
      check: 'probe',
      rule: 'http',
      evidence: { status: 503 },
      firstSeen: '2026-05-01T12:04:05Z',
      lastSeen: '2026-05-01T12:04:05Z',
    },
  };
}

describe('SnsSink', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());
  const sink = (topicArn = TOPIC) =>
    new SnsSink({ topicArn, client: new SNSClient({ region: 'us-west-2' }) });

  it('publishes a human message for people and the envelope for machines', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = envelope('trigger');
    // Act
    await sink().deliver([event]);
    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json' });
    expect(input?.Subject).toBe(
      '[TRIGGER critical] checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 2 checks...',
    );
    expect(input?.Subject?.length).toBeLessThan(100);
    const message = JSON.parse(input?.Message ?? '{}');
    expect(message.email).toMatch(/^checkout-api DOWN from us-west-2/);
    expect(message.email).toContain('Dedup key: probe:http:checkout-api-1');
    // Every machine protocol (SQS, Lambda, HTTP(S), Firehose) reads the default: the envelope, once.
    expect(JSON.parse(message.default)).toEqual(event);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'sms']);
    expect(input?.MessageAttributes?.action).toEqual({ DataType: 'String', StringValue: 'trigger' });
  });

  it('sends only critical and error events by default, resolves included', async () => {
    sns.on(PublishCommand).resolves({});
    await sink().deliver([
      envelope('trigger', 'warning', 1),
      envelope('trigger', 'error', 2),
      envelope('resolve', 'critical', 3),
    ]);
    expect(sns).toReceiveCommandTimes(PublishCommand, 2);
    const actions = sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes?.action?.StringValue);
    expect(actions).toEqual(['trigger', 'resolve']);
  });

  it('groups by dedupkey and deduplicates by event id on a FIFO topic', async () => {
    sns.on(PublishCommand).resolves({});
    await sink(`${TOPIC}.fifo`).deliver([envelope('trigger')]);
    expect(sns).toReceiveCommandWith(PublishCommand, {
      MessageGroupId: 'probe:http:checkout-api-1',
      MessageDeduplicationId: 'evt-trigger-1',
    });
  });

  it('reports the events SNS refused as a DeliveryError after trying every event', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AuthorizationErrorException' }))
      .resolves({});
    const error = await sink()
      .deliver([envelope('trigger', 'critical', 1), envelope('trigger', 'critical', 2)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).undelivered).toEqual(['evt-trigger-1']);
    expect(sns).toReceiveCommandTimes(PublishCommand, 2);
  });

  it('keeps the subject printable ASCII', () => {
    const event = envelope('trigger');
    event.data.summary = 'café…\ndown';
    expect(snsSubject(event)).toBe('[TRIGGER critical] caf???down');
  });
});
