import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgeSink, putEventsEntrySize } from '../../shared/adapters/aws/eventbridge-sink.js';
import { SnsSink } from '../../shared/adapters/aws/sns-sink.js';
import { SqsSink } from '../../shared/adapters/aws/sqs-sink.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import { PagerDutyEventsSink } from '../../shared/adapters/pagerduty/events-v2.js';
import { SlackWebhookSink } from '../../shared/adapters/slack/webhook-sink.js';
import { tagCoverageCheck } from '../../shared/checks/tag-coverage/check.js';
import type { AccountInfo, TaggedResource } from '../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../shared/config/loader.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { boundEnvelope, EVENT_MAX_BYTES, envelopeBytes } from '../../shared/core/event-budget.js';
import { runCheck } from '../../shared/core/pipeline.js';
import { silentLog } from '../support/fake-check.js';

/**
 * Issue 9 case 7: one owner's digest of 10,000 violating resources, with long
 * ARNs and long tag values, fits every sink (SQS, EventBridge, SNS, PagerDuty,
 * Slack, each with its documented limit), so the check delivers and commits
 * (before, an oversized digest failed every delivery and nothing was ever
 * committed, so first-seen dates were never kept and nothing escalated).
 */
const A = '111111111111';
const MIB = 1_048_576;
const SQS_MAX = 262_144; // SendMessage: body and attributes, 256 KiB
const PUT_EVENTS_MAX = 262_144; // PutEvents entry, 256 KB
const SNS_MAX = 262_144; // Publish: message and attributes, 256 KB
const PAGERDUTY_MAX = 512 * 1024; // Events API v2 payload, 512 KB
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
afterEach(() => {
  sqs.reset();
  eventBridge.reset();
  sns.reset();
});

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function hostileOrg(count: number): { account: AccountInfo; resources: TaggedResource[] } {
  const longName = 'n'.repeat(1_200);
  const longValue = `"quoted"\\${'é'.repeat(240)}`; // 256 characters, quotes and backslashes double when escaped
  const resources = Array.from({ length: count }, (_, i) => ({
    arn: `arn:aws:ec2:us-east-1:${A}:instance/${longName}-${i}`,
    accountId: A,
    region: 'us-east-1',
    resourceType: 'ec2:instance',
    tags: { owner: 'alpha', 'cost-center': longValue, environment: longValue },
  }));
  return { account: { id: A, name: 'alpha', status: 'ACTIVE', tags: { owner: 'alpha' } }, resources };
}

function captureSinks() {
  const sqsBodies: number[] = [];
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    for (const e of input.Entries ?? []) {
      const attributes = Object.entries(e.MessageAttributes ?? {}).reduce(
        (n, [name, v]) => n + utf8(name) + utf8(v.DataType ?? '') + utf8(v.StringValue ?? ''),
        0,
      );
      sqsBodies.push(utf8(e.MessageBody ?? '') + attributes);
    }
    return {
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
    };
  });
  const putEntries: PutEventsRequestEntry[] = [];
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    putEntries.push(...(input.Entries ?? []));
    return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: 'e' })) };
  });
  const snsSizes: number[] = [];
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    const attributes = Object.entries(input.MessageAttributes ?? {}).reduce(
      (n, [name, v]) => n + utf8(`${name}${v.DataType}${v.StringValue ?? ''}`),
      0,
    );
    snsSizes.push(utf8(input.Message ?? '') + attributes);
    return { MessageId: 'm' };
  });
  const posted: Array<{ url: string; body: string }> = [];
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    posted.push({ url: String(url), body: String(init?.body) });
    return new Response(String(url).includes('pagerduty') ? '{"status":"success"}' : 'ok', {
      status: String(url).includes('pagerduty') ? 202 : 200,
    });
  }) as typeof fetch;
  const sinks = [
    new SqsSink({
      queue: `arn:aws:sqs:us-east-1:${A}:incidents`,
      client: new SQSClient({ region: 'us-east-1' }),
    }),
    new EventBridgeSink({
      eventBusArn: `arn:aws:events:us-east-1:${A}:event-bus/reliability`,
      client: new EventBridgeClient({ region: 'us-east-1' }),
    }),
    new SnsSink({
      topicArn: `arn:aws:sns:us-east-1:${A}:paging`,
      client: new SNSClient({ region: 'us-east-1' }),
      minSeverity: 'info',
    }),
    new PagerDutyEventsSink({
      routingKey: 'r'.repeat(32),
      url: 'https://events.pagerduty.com/v2/enqueue',
      fetch: fetchStub,
      minSeverity: 'info',
    }),
    new SlackWebhookSink({ webhookUrl: 'https://hooks.slack.com/services/T/B/X', fetch: fetchStub }),
  ];
  return { sinks, sqsBodies, putEntries, snsSizes, posted };
}

describe('byte budgets (issue 9 case 7)', () => {
  it('delivers a digest of 10,000 violating resources with long ARNs and tag values to every sink, and commits', async () => {
    const config = parseConfig(`
version: 1
tagPolicy:
  requiredTags:
    - key: owner
    - key: cost-center
      pattern: '^cc-[0-9]{4}$'
    - key: environment
      allowedValues: [prod, dev]
`);
    const { account, resources } = hostileOrg(10_000);
    const state = new MemoryStateStore();
    const captured = captureSinks();
    const check = tagCoverageCheck({
      directory: { listAccounts: async () => [account] },
      inventory: { name: 'memory', listResources: async () => resources },
    });

    const report = await runCheck(check, {
      config,
      state,
      sinks: captured.sinks,
      log: silentLog,
      now: new Date('2026-11-20T06:00:00Z'),
    });

    const digest = report.events.find((e) => e.type.endsWith('tag.violation')) as Envelope;
    expect(digest.data.evidence.counts).toEqual(expect.objectContaining({ total: 10_000 }));
    const listed = (digest.data.evidence.resources as unknown[]).length;
    expect(listed).toBeGreaterThan(0);
    expect(digest.data.evidence.omitted).toBe(10_000 - listed);
    expect(digest.data.links?.console).toMatch(/^https:\/\/console\.aws\.amazon\.com\//);
    // The digest is within the event budget on its own: bounding it changes nothing.
    expect(envelopeBytes(digest)).toBeLessThanOrEqual(EVENT_MAX_BYTES);
    expect(boundEnvelope(digest)).toBe(digest);

    // Every sink got every event, each within its limit.
    expect(captured.sqsBodies).toHaveLength(report.events.length);
    for (const bytes of captured.sqsBodies) expect(bytes).toBeLessThanOrEqual(SQS_MAX);
    expect(captured.putEntries).toHaveLength(report.events.length);
    for (const entry of captured.putEntries)
      expect(putEventsEntrySize(entry)).toBeLessThanOrEqual(PUT_EVENTS_MAX);
    expect(captured.snsSizes).toHaveLength(report.events.length);
    for (const bytes of captured.snsSizes) expect(bytes).toBeLessThanOrEqual(SNS_MAX);
    const pagerDuty = captured.posted.filter((p) => p.url.includes('pagerduty'));
    expect(pagerDuty).toHaveLength(report.events.length);
    for (const { body } of pagerDuty) {
      expect(utf8(body)).toBeLessThanOrEqual(PAGERDUTY_MAX);
      expect(
        (JSON.parse(body) as { payload: { summary: string } }).payload.summary.length,
      ).toBeLessThanOrEqual(1024);
    }
    const slack = captured.posted.filter((p) => p.url.includes('slack'));
    expect(slack).toHaveLength(report.events.length);
    for (const { body } of slack) expectWithinSlackLimits(JSON.parse(body));

    // Committed: the digest is open and all 10,000 first-seen dates are kept.
    const saved = await state.load('tag-coverage');
    expect(saved.incidents.filter((i) => i.status === 'open')).toHaveLength(report.findings.length);
    expect([...saved.memory.keys()].filter((k) => k.startsWith('first:'))).toHaveLength(10_000);
  }, 60_000);
});

/** Block Kit limits (docs.slack.dev, reference/block-kit/blocks). */
function expectWithinSlackLimits(message: { text: string; blocks: Array<Record<string, unknown>> }) {
  expect(message.text.length).toBeLessThanOrEqual(4_000);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    const text = (block.text as { text?: string } | undefined)?.text ?? '';
    if (block.type === 'header') expect(text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section') expect(text.length).toBeLessThanOrEqual(3_000);
    const fields = (block.fields as Array<{ text: string }> | undefined) ?? [];
    expect(fields.length).toBeLessThanOrEqual(10);
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(2_000);
    const elements = (block.elements as Array<{ text: string }> | undefined) ?? [];
    expect(elements.length).toBeLessThanOrEqual(10);
    for (const element of elements) expect(element.text.length).toBeLessThanOrEqual(3_000);
  }
  expect(JSON.stringify(message.blocks).length).toBeLessThan(MIB / 64);
}
