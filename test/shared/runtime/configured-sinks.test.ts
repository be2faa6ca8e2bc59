import { describe, expect, it } from 'vitest';
import { SqsSink } from '../../../shared/adapters/aws/sqs-sink.js';
import { parseConfig } from '../../../shared/config/loader.js';
import type { Envelope } from '../../../shared/core/envelope.js';
import type { Sink } from '../../../shared/core/ports.js';
import { CheckFilterSink, configuredSinks } from '../../../shared/runtime/configured-sinks.js';

const everySink = `
version: 1
organization: { toolingAccountId: '222222222222' }
deployment: { toolingRegion: eu-west-1 }
sinks:
  sqs: { fifo: true }
  sns: { topicArn: 'arn:aws:sns:us-west-2:333333333333:paging' }
  pagerduty: { routingKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:pd-AbCdEf' }
  slack: { webhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:slack-AbCdEf' }
  eventbridge: { eventBusArn: 'arn:aws:events:eu-west-1:222222222222:event-bus/ops' }
  jsonl: { path: /tmp/guardrails-events.jsonl }
`;

const noSecrets = async () => {
  throw new Error('no secret read while building sinks');
};

describe('configuredSinks', () => {
  it('delivers a file run to the JSONL file only, never to the real queue', async () => {
    const sinks = await configuredSinks(parseConfig(everySink), { mode: 'file', readSecret: noSecrets });
    expect(sinks.map((s) => s.name)).toEqual(['jsonl:/tmp/guardrails-events.jsonl']);
  });

  it('delivers an AWS run to every configured sink, the created queue built from the tooling account', async () => {
    const sinks = await configuredSinks(parseConfig(everySink), { mode: 'aws', readSecret: noSecrets });

    expect(sinks.map((s) => s.name)).toEqual([
      'jsonl:/tmp/guardrails-events.jsonl',
      'incident-queue',
      'pagerduty',
      'slack',
      'eventbridge',
      'sns',
    ]);
    const queue = sinks.find((s): s is SqsSink => s instanceof SqsSink);
    expect(queue?.queue).toMatchObject({
      url: 'https://sqs.eu-west-1.amazonaws.com/222222222222/finops-guardrails-incidents.fifo',
      fifo: true,
    });
  });

  it('asks for the caller’s account only when neither an imported queue nor a tooling account names it', async () => {
    let asked = 0;
    const callerAccountId = async () => {
      asked += 1;
      return '444444444444';
    };
    const sinks = await configuredSinks(parseConfig('version: 1\n'), { mode: 'aws', callerAccountId });
    const imported = await configuredSinks(
      parseConfig("version: 1\nsinks: { sqs: { queueArn: 'arn:aws:sqs:us-east-2:555555555555:theirs' } }\n"),
      { mode: 'aws', callerAccountId },
    );

    expect(asked).toBe(1);
    expect((sinks[0] as SqsSink).queue.url).toBe(
      'https://sqs.us-east-1.amazonaws.com/444444444444/finops-guardrails-incidents',
    );
    expect((imported[0] as SqsSink).queue.url).toBe(
      'https://sqs.us-east-2.amazonaws.com/555555555555/theirs',
    );
  });
});

describe('CheckFilterSink', () => {
  const event = (check: Envelope['data']['check']) => ({ id: check, data: { check } }) as unknown as Envelope;

  it('passes on only the chosen checks’ events, and calls nothing when none is left', async () => {
    const batches: string[][] = [];
    const inner: Sink = {
      name: 'sns',
      deliver: async (events) => void batches.push(events.map((e) => e.id)),
    };
    const probeOnly = new CheckFilterSink(inner, new Set(['probe']));

    await probeOnly.deliver([event('tag-coverage'), event('probe'), event('cost-anomaly')]);
    await probeOnly.deliver([event('tag-coverage')]);

    expect(batches).toEqual([['probe']]);
    expect(probeOnly.name).toBe('sns');
  });
});
