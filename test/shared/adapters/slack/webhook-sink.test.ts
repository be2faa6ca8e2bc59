import { afterEach, describe, expect, it } from 'vitest';
import { SlackWebhookSink, toSlackMessage } from '../../../../shared/adapters/slack/webhook-sink.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';
import { startHttpServer, type TestServer } from '../probe/test-servers.js';

function digest(action: Envelope['action'] = 'trigger', n = 1): Envelope {
  return {
    specversion: '1.0',
    id: `evt-${action}-${n}`,
    source: 'finops-guardrails/tag-coverage/111111111111',
    type: 'finops-guardrails.tag.violation',
    subject: 'account 111111111111',
    time: '2026-11-20T06:00:00Z',
    datacontenttype: 'application/json',
    dedupkey: `tag-coverage:required-tags:111111111111:team-${n}`,
    action,
    severity: 'warning',
    sequence: action === 'trigger' ? 1 : 2,
    data: {
      summary: '3 resources in alpha-prod <prod> miss required tags & 1 is overdue',
      category: 'tagging',
      check: 'tag-coverage',
      rule: 'required-tags',
      owner: { team: 'alpha', contact: 'alpha@example.com', source: 'account-tag' },
      evidence: {
        resources: [
          { arn: 'arn:aws:ec2:us-east-1:111111111111:instance/i-1' },
          { arn: 'arn:aws:rds:us-east-1:111111111111:db/a' },
        ],
        overdue: 1,
      },
      links: { console: 'https://console.aws.amazon.com/resource-groups/tag-editor/find-resources' },
      firstSeen: '2026-11-01T06:00:00Z',
      lastSeen: '2026-11-20T06:00:00Z',
    },
  };
}

/** A local stand-in for hooks.slack.com answering with the scripted statuses, then 200 `ok`. */
async function fakeSlack(statuses: Array<number | [number, Record<string, string>]> = []) {
  const bodies: unknown[] = [];
  const server = await startHttpServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      const next = statuses.shift() ?? 200;
      const [status, headers] = Array.isArray(next) ? next : [next, {}];
      response
        .writeHead(status, { 'content-type': 'text/plain', ...headers })
        .end(status === 200 ? 'ok' : 'invalid_payload');
    });
  });
  return { server, bodies, url: `${server.origin}/services/T000/B000/SECRETxyz` };
}

const sleeps: number[] = [];
const noWait = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  sleeps.length = 0;
});

describe('toSlackMessage', () => {
  it('shows summary, severity, owner and a compact evidence list, escaped for mrkdwn', () => {
    const message = toSlackMessage(digest());
    const text = JSON.stringify(message.blocks);
    expect(message.text).toBe('[WARNING] 3 resources in alpha-prod <prod> miss required tags & 1 is overdue');
    expect(text).toContain('alpha-prod &lt;prod&gt; miss required tags &amp; 1');
    expect(text).toContain('*Severity*\\nwarning');
    expect(text).toContain('alpha (alpha@example.com)');
    expect(text).toContain('2 item(s): arn:aws:ec2:us-east-1:111111111111:instance/i-1');
    expect(text).toContain('*overdue*: 1');
  });

  it('marks a resolve as resolved', () => {
    expect(toSlackMessage(digest('resolve')).text).toMatch(/^\[RESOLVED\]/);
  });
});

describe('SlackWebhookSink', () => {
  it('posts one message per event', async () => {
    // Prepare
    const slack = await fakeSlack();
    server = slack.server;
    const sink = new SlackWebhookSink({ webhookUrl: async () => slack.url, retry: noWait });
    // Act
    await sink.deliver([digest('trigger', 1), digest('trigger', 2)]);
    // Assess
    expect(slack.bodies).toHaveLength(2);
    expect(slack.bodies[0]).toEqual(toSlackMessage(digest('trigger', 1)));
  });

  it('retries 429 after Retry-After and 5xx, then succeeds', async () => {
    // Prepare
    const slack = await fakeSlack([[429, { 'retry-after': '3' }], 503]);
    server = slack.server;
    const sink = new SlackWebhookSink({ webhookUrl: slack.url, retry: noWait });
    // Act
    await sink.deliver([digest()]);
    // Assess
    expect(slack.bodies).toHaveLength(3);
    expect(sleeps[0]).toBe(3000);
  });

  it('reports another 4xx at once, naming the event but never the URL', async () => {
    // Prepare
    const slack = await fakeSlack([404]);
    server = slack.server;
    const sink = new SlackWebhookSink({ webhookUrl: slack.url, retry: noWait });
    // Act
    const error = await sink.deliver([digest('trigger', 1), digest('trigger', 2)]).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).undelivered).toEqual(['evt-trigger-1']);
    expect((error as Error).message).toContain('HTTP 404');
    expect((error as Error).message).not.toContain('SECRETxyz');
    expect(slack.bodies).toHaveLength(2);
  });

  it('never puts the URL in the error when the connection fails', async () => {
    // Prepare
    const slack = await fakeSlack();
    await slack.server.close();
    const sink = new SlackWebhookSink({ webhookUrl: slack.url, retry: { ...noWait, maxRetries: 1 } });
    // Act
    const error = await sink.deliver([digest()]).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toContain('retries exhausted');
    expect((error as Error).message).not.toContain('SECRETxyz');
    expect(JSON.stringify(error)).not.toContain('SECRETxyz');
  });
});
