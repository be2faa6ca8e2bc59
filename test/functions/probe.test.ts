import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProbeTargetInput } from '../../shared/checks/probe/types.js';
import { configSchema, type GuardrailsConfigInput } from '../../shared/config/schema.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { startHttpServer, type TestServer } from '../shared/adapters/probe/test-servers.js';
import { awsError, lambdaContext as supportContext } from '../support/lambda.js';

const OBSERVER = '333333333333';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/222222222222/incidents';
const TOPIC_ARN = `arn:aws:sns:us-west-2:${OBSERVER}:finops-guardrails-probe-paging`;
const SECRET_ARN = `arn:aws:secretsmanager:us-west-2:${OBSERVER}:secret:guardrails/pagerduty-AbCdEf`;
const TABLE = 'probe-state';
const DEDUPKEY = 'probe:http:checkout-api';

/** The input ProbeStack's one-minute schedule sends. */
const SCHEDULED_EVENT = {
  source: 'finops-guardrails.schedule',
  check: 'probe',
  scheduledTime: '2026-05-04T12:03:00Z',
  executionId: 'schedule-execution-1',
};

function lambdaContext(remainingMs = 60_000): Context {
  return supportContext({
    functionName: 'finops-guardrails-probe',
    region: 'us-west-2',
    accountId: OBSERVER,
    remainingMs,
    memoryMb: 256,
  });
}

type Item = Record<string, unknown>;

/** Just enough of the state table for several rounds: keyed items, conditional puts, prefix queries. */
class FakeTable {
  readonly items = new Map<string, Item>();
  readonly #key = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;

  put(input: PutCommandInput): Record<string, never> {
    const item = input.Item as Item;
    const held = this.items.get(this.#key(item));
    const expected = input.ExpressionAttributeValues?.[':expected'];
    const conflict =
      (input.ConditionExpression === 'attribute_not_exists(pk)' && held !== undefined) ||
      (expected !== undefined && held?.version !== expected);
    if (conflict) throw awsError('ConditionalCheckFailedException', 'The conditional request failed');
    this.items.set(this.#key(item), structuredClone(item));
    return {};
  }

  query(input: QueryCommandInput): { Items: Item[] } {
    const values = input.ExpressionAttributeValues ?? {};
    const prefix = typeof values[':minute'] === 'string' ? values[':minute'] : '';
    const Items = [...this.items.values()].filter(
      (i) => i.pk === values[':pk'] && String(i.sk).startsWith(prefix),
    );
    return { Items: structuredClone(Items) };
  }

  batchWrite(input: BatchWriteCommandInput): { UnprocessedItems: Record<string, never> } {
    for (const request of Object.values(input.RequestItems ?? {}).flat()) {
      if (request.PutRequest?.Item)
        this.items.set(this.#key(request.PutRequest.Item), request.PutRequest.Item);
      if (request.DeleteRequest?.Key) this.items.delete(this.#key(request.DeleteRequest.Key));
    }
    return { UnprocessedItems: {} };
  }

  incidents(): Item[] {
    return [...this.items.values()].filter((i) => String(i.sk).startsWith('INC#'));
  }
}

function configWith(target: Partial<ProbeTargetInput>, extra: Partial<GuardrailsConfigInput> = {}) {
  return configSchema.parse({
    version: 1,
    probes: [
      {
        name: 'checkout-api',
        url: `${server.origin}/health`,
        failureThreshold: 1,
        allowPrivateAddresses: true,
        timeoutMs: 2_000,
        ...target,
      },
    ],
    ...extra,
  });
}

/** One EMF document per line that Powertools printed. */
function emfDocuments(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      const doc = JSON.parse(line) as Record<string, unknown>;
      return '_aws' in doc ? [doc] : [];
    } catch {
      return [];
    }
  });
}

let server: TestServer;
let status = 503;

beforeAll(async () => {
  server = await startHttpServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'ok' : 'unavailable');
  });
});

afterAll(async () => {
  await server.close();
});

describe('probe handler', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const sqs = mockClient(SQSClient);
  const sns = mockClient(SNSClient);
  const secrets = mockClient(SecretsManagerClient);
  let table: FakeTable;
  let stdout: string[];
  let clearAwsClients: () => void = () => {};

  beforeEach(() => {
    status = 503;
    table = new FakeTable();
    stdout = [];
    vi.stubEnv('AWS_REGION', 'us-west-2');
    vi.stubEnv('STATE_TABLE_NAME', TABLE);
    vi.stubEnv('INCIDENT_QUEUE_URL', QUEUE_URL);
    vi.stubEnv('PAGING_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('GUARDRAILS_CONFIG', JSON.stringify(configWith({})));
    // Metrics are off in Powertools dev mode; make sure they are on.
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    // Powertools prints logs and EMF documents to stdout, one JSON per line.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    dynamo.on(QueryCommand).callsFake((input: QueryCommandInput) => table.query(input));
    dynamo.on(PutCommand).callsFake((input: PutCommandInput) => table.put(input));
    dynamo.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => table.batchWrite(input));
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    }));
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  afterEach(() => {
    clearAwsClients();
    dynamo.reset();
    sqs.reset();
    sns.reset();
    secrets.reset();
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  /** Imports the handler afresh, after the environment is set, as a cold start would. */
  async function coldStart() {
    vi.resetModules();
    clearAwsClients = (await import('../../shared/adapters/aws/clients.js')).clearAwsClients;
    return (await import('../../functions/probe/handler.js')).handler;
  }

  function queued(): Envelope[] {
    return sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => (call.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '{}')));
  }

  function paged(): Envelope[] {
    return sns.commandCalls(PublishCommand).map((call) => {
      const message = JSON.parse((call.args[0].input as PublishCommandInput).Message ?? '{}');
      return JSON.parse(message.default) as Envelope;
    });
  }

  it('pages a failing probe through its own topic and mirrors the trigger to the incident queue', async () => {
    const handler = await coldStart();

    const summary = await handler(SCHEDULED_EVENT, lambdaContext());

    expect(summary).toMatchObject({
      check: 'probe',
      location: 'us-west-2',
      rounds: 1,
      events: 1,
      failing: 1,
    });
    const [sent] = queued();
    expect(sent).toMatchObject({
      type: 'finops-guardrails.probe.failure',
      action: 'trigger',
      dedupkey: DEDUPKEY,
      severity: 'critical',
      subject: `${server.origin}/health`,
    });
    expect(sns).toReceiveCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      MessageAttributes: expect.objectContaining({
        type: { DataType: 'String', StringValue: 'finops-guardrails.probe.failure' },
        dedupkey: { DataType: 'String', StringValue: DEDUPKEY },
      }),
    });
    expect(paged().map((e) => e.id)).toEqual([sent?.id]);
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(table.incidents()).toEqual([expect.objectContaining({ dedupkey: DEDUPKEY, status: 'open' })]);
  });

  it('emits a heartbeat under service=probe and availability and latency per probe', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    const docs = emfDocuments(stdout);
    const heartbeat = docs.find((d) => 'ProbeHeartbeat' in d);
    expect(heartbeat).toMatchObject({ ProbeHeartbeat: 1, service: 'probe' });
    expect(heartbeat?._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'FinopsGuardrails',
          Dimensions: [['service']],
          Metrics: [{ Name: 'ProbeHeartbeat', Unit: 'Count' }],
        },
      ],
    });
    const availability = docs.find((d) => 'ProbeAvailability' in d);
    expect(availability).toMatchObject({ ProbeAvailability: 0, service: 'probe', probe: 'checkout-api' });
    expect(availability?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [['service', 'probe']] }] });
    const latency = docs.find((d) => 'ProbeLatencyMs' in d);
    expect(latency).toMatchObject({ probe: 'checkout-api', ProbeLatencyMs: expect.any(Number) });
    expect(docs.filter((d) => 'ProbeHeartbeat' in d)).toHaveLength(1);
  });

  it('keeps the page when SNS is down: fails, commits nothing, and the next invocation resends the same event', async () => {
    sns.on(PublishCommand).rejects(awsError('AuthorizationError', 'topic policy denies Publish'));
    const handler = await coldStart();

    await expect(handler(SCHEDULED_EVENT, lambdaContext())).rejects.toThrow(/last probe round failed/);

    const [mirrored] = queued();
    expect(mirrored).toMatchObject({ type: 'finops-guardrails.probe.failure', action: 'trigger' });
    expect(table.incidents()).toEqual([]);
    expect(emfDocuments(stdout).some((d) => 'ProbeHeartbeat' in d)).toBe(false);

    sns.on(PublishCommand).resolves({ MessageId: 'sns-2' });
    await handler(SCHEDULED_EVENT, lambdaContext());

    const published = paged();
    expect(published.at(-1)?.id).toBe(mirrored?.id);
    expect(table.incidents()).toEqual([expect.objectContaining({ dedupkey: DEDUPKEY, sequence: 1 })]);
  });

  it('runs sub-minute rounds and starts none too close to the Lambda deadline', async () => {
    vi.stubEnv('GUARDRAILS_CONFIG', JSON.stringify(configWith({ intervalSeconds: 1, timeoutMs: 1_000 })));
    const handler = await coldStart();
    const { DEADLINE_MARGIN_MS } = await import('../../shared/runtime/probe-lambda.js');

    // Room for rounds at 0 s and 1 s; one at 2 s would end past the deadline.
    const summary = await handler(SCHEDULED_EVENT, lambdaContext(1_000 + DEADLINE_MARGIN_MS + 1_500));

    expect(summary).toMatchObject({ rounds: 2, failedRounds: 0, events: 1 });
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    // The second round found the incident the first committed, so it sent nothing new.
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
    expect(sns).toReceiveCommandTimes(PublishCommand, 1);
  });

  it('also pages PagerDuty, with the routing key read from Secrets Manager', async () => {
    vi.stubEnv('PAGERDUTY_SECRET_ARN', SECRET_ARN);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'routing-key-123\n' });
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response('{}', { status: 202 }));
    vi.stubGlobal('fetch', fetch);
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    expect(secrets).toReceiveCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(String(init?.body))).toMatchObject({
      routing_key: 'routing-key-123',
      event_action: 'trigger',
      dedup_key: DEDUPKEY,
    });
    expect(sns).toHaveReceivedCommand(PublishCommand);
  });

  it('refuses to start without its paging topic', async () => {
    vi.stubEnv('PAGING_TOPIC_ARN', undefined);

    await expect(coldStart()).rejects.toThrow(/PAGING_TOPIC_ARN/);
  });
});
