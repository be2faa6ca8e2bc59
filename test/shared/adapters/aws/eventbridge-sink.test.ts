import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventBridgeSink,
  putEventsEntrySize,
  toPutEventsEntry,
} from '../../../../shared/adapters/aws/eventbridge-sink.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';

const BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/reliability';

function envelope(n: number, evidence: Record<string, unknown> = {}): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${n}`,
    source: 'finops-guardrails/cost-anomaly/111111111111',
    type: 'finops-guardrails.cost.anomaly',
    subject: 'checkout',
    time: '2026-11-20T14:00:00Z',
    datacontenttype: 'application/json',
    dedupkey: `cost:waste:checkout-${n}`,
    action: 'trigger',
    severity: 'error',
    sequence: 1,
    data: {
      summary: `checkout cost up ${n}`,
      category: 'cost',
      check: 'cost-anomaly',
      rule: 'waste',
      resource: {
        arn: `arn:aws:lambda:eu-west-1:111111111111:function:checkout-${n}`,
        accountId: '111111111111',
      },
      evidence,
      firstSeen: '2026-11-20T14:00:00Z',
      lastSeen: '2026-11-20T14:00:00Z',
    },
  } as Envelope;
}

describe('EventBridgeSink', () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());
  const sink = () =>
    new EventBridgeSink({
      eventBusArn: BUS,
      client: new EventBridgeClient({ region: 'eu-west-1' }),
      retry: { sleep: async () => {}, random: () => 0 },
    });

  it('puts each envelope with the source, its type as DetailType and itself as Detail', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const event = envelope(1);
    // Act
    await sink().deliver([event]);
    // Assess
    expect(events).toReceiveCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: BUS,
          Source: 'finops-guardrails',
          DetailType: 'finops-guardrails.cost.anomaly',
          Detail: JSON.stringify(event),
          Time: new Date('2026-11-20T14:00:00Z'),
          Resources: ['arn:aws:lambda:eu-west-1:111111111111:function:checkout-1'],
        },
      ],
    });
  });

  it('sends at most 10 entries and 256 KB per request, in order', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const small = Array.from({ length: 12 }, (_, i) => envelope(i));
    const big = [envelope(100, { blob: 'x'.repeat(150_000) }), envelope(101, { blob: 'y'.repeat(150_000) })];
    // Act
    await sink().deliver([...small, ...big]);
    // Assess
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 3, 1]);
    for (const entries of calls)
      expect(entries.reduce((sum, e) => sum + putEventsEntrySize(e), 0)).toBeLessThanOrEqual(256 * 1024);
    expect(calls.flat().map((e) => JSON.parse(e.Detail ?? '{}').id)).toEqual(
      [...small, ...big].map((e) => e.id),
    );
  });

  it('retries only the entries that failed with a retryable code', async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    // Act
    await sink().deliver([envelope(1), envelope(2), envelope(3)]);
    // Assess
    const second = events.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(second.map((e) => JSON.parse(e.Detail ?? '{}').id)).toEqual(['evt-2']);
  });

  it('reports a non-retryable entry error and an oversized entry without retrying them', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }],
    });
    const oversized = envelope(9, { blob: 'z'.repeat(270_000) });
    // Act
    const error = await sink()
      .deliver([envelope(1), oversized])
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).undelivered).toEqual(['evt-9', 'evt-1']);
    expect((error as Error).message).toContain('AccessDeniedException');
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('sizes an entry as PutEvents does', () => {
    const entry = toPutEventsEntry(envelope(1), BUS);
    expect(putEventsEntrySize(entry)).toBe(
      14 +
        'finops-guardrails'.length +
        'finops-guardrails.cost.anomaly'.length +
        Buffer.byteLength(entry.Detail ?? '') +
        'arn:aws:lambda:eu-west-1:111111111111:function:checkout-1'.length,
    );
  });
});
