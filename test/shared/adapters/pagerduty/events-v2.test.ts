import { afterEach, describe, expect, it } from 'vitest';
import { PagerDutyEventsSink, toPagerDutyEvent } from '../../../../shared/adapters/pagerduty/events-v2.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';
import { startHttpServer, type TestServer } from '../probe/test-servers.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

function envelope(action: Envelope['action'], overrides: Partial<Envelope> = {}): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${action}`,
    source: 'finops-guardrails/probe/observer',
    type: 'finops-guardrails.probe.failure',
    subject: 'https://checkout.example.com/health',
    time: '2026-05-01T12:04:05Z',
    datacontenttype: 'application/json',
    dedupkey: 'probe:http:checkout-api',
    action,
    severity: 'critical',
    sequence: action === 'trigger' ? 1 : 2,
    data: {
      summary: 'checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 2 checks since 12:03Z',
      category: 'availability',
      check: 'probe',
      rule: 'http',
      evidence: { status: 503, consecutiveFailures: 2 },
      links: { runbook: 'https://runbooks.example.com/checkout' },
      firstSeen: '2026-05-01T12:04:05Z',
      lastSeen: '2026-05-01T12:04:05Z',
    },
    ...overrides,
  };
}

/** A local stand-in for events.pagerduty.com answering with the scripted statuses, then 202. */
async function fakePagerDuty(statuses: number[] = []) {
  const bodies: unknown[] = [];
  const server: TestServer = await startHttpServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      const status = statuses.shift() ?? 202;
      const body =
        status === 202 ? { status: 'success', message: 'Event processed' } : { status: 'invalid event' };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  return { server, bodies, url: `${server.origin}/v2/enqueue` };
}

const noWait = { sleep: async () => {}, random: () => 0 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('toPagerDutyEvent', () => {
  it('maps a trigger to an Events API v2 alert with the evidence as custom details', () => {
    expect(toPagerDutyEvent(envelope('trigger'), ROUTING_KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'probe:http:checkout-api',
      payload: {
        summary: 'checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 2 checks since 12:03Z',
        source: 'https://checkout.example.com/health',
        severity: 'critical',
        timestamp: '2026-05-01T12:04:05Z',
        group: 'probe',
        class: 'finops-guardrails.probe.failure',
        custom_details: { status: 503, consecutiveFailures: 2 },
      },
      client: 'finops-guardrails',
      links: [{ href: 'https://runbooks.example.com/checkout', text: 'runbook' }],
    });
  });

  it('keeps a resolve to routing key, action and dedup key', () => {
    expect(toPagerDutyEvent(envelope('resolve'), ROUTING_KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'probe:http:checkout-api',
    });
  });

  it('drops the evidence rather than the page when the event would exceed 512 KB', () => {
    const big = envelope('trigger');
    big.data.evidence = { blob: 'x'.repeat(600 * 1024) };
    const event = toPagerDutyEvent(big, ROUTING_KEY);
    expect(event.payload?.custom_details).toMatchObject({ note: expect.stringContaining('512 KB') });
  });
});

describe('PagerDutyEventsSink against a local server', () => {
  it('posts a trigger and its resolve with the same dedup_key', async () => {
    // Prepare
    const pd = await fakePagerDuty();
    server = pd.server;
    const sink = new PagerDutyEventsSink({ routingKey: ROUTING_KEY, url: pd.url, retry: noWait });
    // Act
    await sink.deliver([envelope('trigger')]);
    await sink.deliver([envelope('resolve')]);
    // Assess
    const [trigger, resolve] = pd.bodies as Array<Record<string, unknown>>;
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      payload: { severity: 'critical' },
    });
    expect(resolve).toMatchObject({ event_action: 'resolve' });
    expect(resolve?.dedup_key).toBe(trigger?.dedup_key);
  });

  it('retries a 429 and then succeeds on 202', async () => {
    const pd = await fakePagerDuty([429, 503]);
    server = pd.server;
    const sink = new PagerDutyEventsSink({ routingKey: ROUTING_KEY, url: pd.url, retry: noWait });
    await sink.deliver([envelope('trigger')]);
    expect(pd.bodies).toHaveLength(3);
  });

  it('reports a 400 as a DeliveryError without retrying and without the routing key', async () => {
    const pd = await fakePagerDuty([400]);
    server = pd.server;
    const sink = new PagerDutyEventsSink({ routingKey: ROUTING_KEY, url: pd.url, retry: noWait });
    const error = await sink.deliver([envelope('trigger')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).undelivered).toEqual(['evt-trigger']);
    expect((error as Error).message).toContain('HTTP 400');
    expect((error as Error).message).not.toContain(ROUTING_KEY);
    expect(pd.bodies).toHaveLength(1);
  });

  it('gives up after the retry budget on a server that keeps failing', async () => {
    const pd = await fakePagerDuty([500, 500, 500]);
    server = pd.server;
    const sink = new PagerDutyEventsSink({
      routingKey: ROUTING_KEY,
      url: pd.url,
      retry: { ...noWait, maxRetries: 2 },
    });
    await expect(sink.deliver([envelope('trigger')])).rejects.toThrow(/HTTP 500.*retries exhausted/);
    expect(pd.bodies).toHaveLength(3);
  });

  it('sends no trigger below minSeverity but always sends resolves', async () => {
    const pd = await fakePagerDuty();
    server = pd.server;
    const sink = new PagerDutyEventsSink({ routingKey: ROUTING_KEY, url: pd.url, retry: noWait });
    await sink.deliver([
      envelope('trigger', { severity: 'warning' }),
      envelope('resolve', { severity: 'warning' }),
    ]);
    expect((pd.bodies as Array<{ event_action: string }>).map((b) => b.event_action)).toEqual(['resolve']);
  });

  it('reads the routing key through the given function once per delivery and retries a timeout', async () => {
    let reads = 0;
    let calls = 0;
    const fetchStub: typeof fetch = async (_url, init) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      expect(init?.signal).toBeInstanceOf(AbortSignal);
      return new Response('{"status":"success"}', { status: 202 });
    };
    const sink = new PagerDutyEventsSink({
      routingKey: async () => {
        reads += 1;
        return ROUTING_KEY;
      },
      fetch: fetchStub,
      retry: noWait,
    });
    await sink.deliver([envelope('trigger'), envelope('resolve')]);
    expect(reads).toBe(1);
    expect(calls).toBe(3);
  });
});
