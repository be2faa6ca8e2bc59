import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { PagerDutyEventsSink } from '../../shared/adapters/pagerduty/events-v2.js';
import { parseConfig } from '../../shared/config/loader.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { forwardBatch, forwarderSinks } from '../../shared/runtime/forwarder.js';
import { startHttpServer, type TestServer } from '../shared/adapters/probe/test-servers.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

function envelope(n: number, action: Envelope['action'] = 'trigger', summary?: string): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${n}-${action}`,
    source: 'finops-guardrails/probe/observer',
    type: 'finops-guardrails.probe.failure',
    subject: `https://svc-${n}.example.com/health`,
    time: '2026-11-20T12:04:05Z',
    datacontenttype: 'application/json',
    dedupkey: `probe:http:svc-${n}`,
    action,
    severity: 'critical',
    sequence: action === 'trigger' ? 1 : 2,
    data: {
      summary: summary ?? `svc-${n} DOWN from us-west-2: status 503`,
      category: 'availability',
      check: 'probe',
      rule: 'http',
      evidence: { status: 503 },
      firstSeen: '2026-11-20T12:04:05Z',
      lastSeen: '2026-11-20T12:04:05Z',
    },
  };
}

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:incidents',
    awsRegion: 'us-east-1',
  };
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** PagerDuty on 127.0.0.1: answers per dedup_key from a script (then 202), and records every body. */
async function fakePagerDuty(script: Record<string, number[]> = {}) {
  const bodies: Array<Record<string, unknown>> = [];
  const server = await startHttpServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      bodies.push(body);
      const status = script[String(body.dedup_key)]?.shift() ?? 202;
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify(status === 202 ? { status: 'success' } : { status: 'invalid event' }));
    });
  });
  return { server, bodies, url: `${server.origin}/v2/enqueue` };
}

const errors: Array<{ message: string; detail?: Record<string, unknown> }> = [];
const log = {
  info: () => {},
  warn: () => {},
  error: (message: string, detail?: Record<string, unknown>) =>
    void errors.push({ message, ...(detail && { detail }) }),
};
const pagerDuty = (url: string) =>
  new PagerDutyEventsSink({
    routingKey: ROUTING_KEY,
    url,
    minSeverity: 'info',
    retry: { sleep: async () => {}, random: () => 0 },
  });

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  errors.length = 0;
});

describe('forwarder', () => {
  it('reports exactly the poison message and the event PagerDuty rejected with 400', async () => {
    // Prepare
    const pd = await fakePagerDuty({ 'probe:http:svc-2': [400] });
    server = pd.server;
    const event = batch(
      record('m-1', envelope(1)),
      record('m-poison', '{"not":"an envelope"'),
      record('m-2', envelope(2)),
      record('m-3', envelope(3)),
    );
    // Act
    const response = await forwardBatch(event, { sinks: [pagerDuty(pd.url)], log });
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-2', 'm-poison']);
    expect(pd.bodies.map((b) => b.dedup_key).sort()).toEqual([
      'probe:http:svc-1',
      'probe:http:svc-2',
      'probe:http:svc-3',
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'poison message: body is not JSON',
        detail: expect.objectContaining({ messageId: 'm-poison' }),
      }),
    ]);
  });

  it('fails a well-formed JSON body that is not an envelope, naming the field', async () => {
    const { data: _, ...noData } = envelope(1);
    const response = await forwardBatch(batch(record('m-x', noData)), { sinks: [], log });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-x' }]);
    expect(errors[0]?.detail?.problem).toMatch(/^data/);
  });

  it('retries a 429 and succeeds on the 202 that follows', async () => {
    // Prepare
    const pd = await fakePagerDuty({ 'probe:http:svc-1': [429] });
    server = pd.server;
    // Act
    const response = await forwardBatch(batch(record('m-1', envelope(1))), {
      sinks: [pagerDuty(pd.url)],
      log,
    });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(pd.bodies).toHaveLength(2);
    expect(pd.bodies[1]).toEqual(pd.bodies[0]);
  });

  it('retries a 5xx too', async () => {
    const pd = await fakePagerDuty({ 'probe:http:svc-1': [502, 500] });
    server = pd.server;
    const response = await forwardBatch(batch(record('m-1', envelope(1))), {
      sinks: [pagerDuty(pd.url)],
      log,
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(pd.bodies).toHaveLength(3);
  });

  it('sends an Events v2 trigger, and a resolve with the same dedup_key', async () => {
    // Prepare
    const pd = await fakePagerDuty();
    server = pd.server;
    const sinks = [pagerDuty(pd.url)];
    // Act
    await forwardBatch(batch(record('m-t', envelope(1, 'trigger'))), { sinks, log });
    await forwardBatch(batch(record('m-r', envelope(1, 'resolve'))), { sinks, log });
    // Assess
    const [trigger, resolve] = pd.bodies;
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'probe:http:svc-1',
      payload: {
        summary: 'svc-1 DOWN from us-west-2: status 503',
        severity: 'critical',
        source: 'https://svc-1.example.com/health',
      },
    });
    expect(resolve).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: trigger?.dedup_key,
    });
  });

  it('keeps payload.summary within 1024 characters for a long summary', async () => {
    const pd = await fakePagerDuty();
    server = pd.server;
    await forwardBatch(batch(record('m-1', envelope(1, 'trigger', 'x'.repeat(1024)))), {
      sinks: [pagerDuty(pd.url)],
      log,
    });
    const summary = (pd.bodies[0]?.payload as { summary?: string } | undefined)?.summary ?? '';
    expect(summary.length).toBeLessThanOrEqual(1024);
    expect(summary.length).toBeGreaterThan(1000);
  });

  it('skips an event superseded by a higher sequence of the same dedupkey in the batch', async () => {
    const pd = await fakePagerDuty();
    server = pd.server;
    const response = await forwardBatch(
      batch(record('m-r', envelope(1, 'resolve')), record('m-t', envelope(1, 'trigger'))),
      { sinks: [pagerDuty(pd.url)], log },
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(pd.bodies.map((b) => b.event_action)).toEqual(['resolve']);
  });

  it('on a FIFO queue, holds back the rest of a failed group but not other groups', async () => {
    const pd = await fakePagerDuty({ 'probe:http:svc-1': [400] });
    server = pd.server;
    const fifoRecord = (id: string, e: Envelope) => {
      const r = record(id, e);
      return { ...r, attributes: { ...r.attributes, MessageGroupId: e.dedupkey } };
    };
    const first = envelope(1);
    const later = { ...envelope(1), id: 'evt-1-again', sequence: 1 };
    const response = await forwardBatch(
      batch(fifoRecord('m-1', first), fifoRecord('m-1b', later), fifoRecord('m-2', envelope(2))),
      { sinks: [pagerDuty(pd.url)], log, fifo: true },
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-1', 'm-1b']);
    expect(pd.bodies.map((b) => b.dedup_key)).toEqual(['probe:http:svc-1', 'probe:http:svc-2']);
  });
});

describe('forwarderSinks', () => {
  it('builds PagerDuty, Slack and EventBridge sinks from config, reading no secret up front', () => {
    const reads: string[] = [];
    const config = parseConfig(`
version: 1
sinks:
  pagerduty: { routingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pd' }
  slack: { webhookSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack' }
  eventbridge: { eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/reliability' }
`);
    const sinks = forwarderSinks(config, async (arn) => {
      reads.push(arn);
      return 'x';
    });
    expect(sinks.map((s) => s.name)).toEqual(['pagerduty', 'slack', 'eventbridge']);
    expect(reads).toEqual([]);
  });
});
