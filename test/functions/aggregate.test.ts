import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import type { AccountScanResult } from '../../shared/checks/tag-coverage/scan-result.js';

const A = '111111111111';
const B = '222222222222';
const BUCKET = 'guardrails-results-123456789012';
const RUN = 'tag-coverage-20261120T060000Z';
const MANIFEST = `tag-coverage/map/${RUN}/abc/manifest.json`;
const context = { functionName: 'aggregate', awsRequestId: 'req-1' } as Context;

const scanOfA: AccountScanResult = {
  accountId: A,
  source: 'tagging-api',
  resources: [
    {
      arn: `arn:aws:ec2:us-east-1:${A}:instance/i-1`,
      accountId: A,
      region: 'us-east-1',
      resourceType: 'ec2:instance',
      tags: {},
    },
  ],
  completed: [`${A}/us-east-1`],
  failed: [],
};
const pointerOfA = {
  accountId: A,
  bucket: BUCKET,
  key: `tag-coverage/runs/${RUN}/scans/${A}.json`,
  resources: 1,
  completedScopes: 1,
  failedScopes: 0,
};

/** The Map run's ResultWriter output: a manifest, one SUCCEEDED file (Output is a JSON string), one FAILED file. */
const objects: Record<string, unknown> = {
  [MANIFEST]: {
    DestinationBucket: BUCKET,
    MapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:fanout/Map:abc',
    ResultFiles: {
      SUCCEEDED: [{ Key: `tag-coverage/map/${RUN}/abc/SUCCEEDED_0.json`, Size: 1 }],
      FAILED: [{ Key: `tag-coverage/map/${RUN}/abc/FAILED_0.json`, Size: 1 }],
      PENDING: [],
    },
  },
  [`tag-coverage/map/${RUN}/abc/SUCCEEDED_0.json`]: [
    {
      ExecutionArn: 'arn:1',
      Status: 'SUCCEEDED',
      Input: JSON.stringify({ Items: [{ accountId: A }] }),
      Output: JSON.stringify([pointerOfA]),
    },
  ],
  [`tag-coverage/map/${RUN}/abc/FAILED_0.json`]: [
    {
      ExecutionArn: 'arn:2',
      Status: 'FAILED',
      Input: JSON.stringify({ Items: [{ accountId: B }], BatchInput: { runId: RUN } }),
      Error: 'States.Timeout',
      Cause: 'task timed out',
    },
  ],
  [pointerOfA.key]: scanOfA,
};
const body = (value: unknown) => ({ transformToString: async () => JSON.stringify(value) });

describe('aggregate handler', () => {
  const s3 = mockClient(S3Client);
  const organizations = mockClient(OrganizationsClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const sqs = mockClient(SQSClient);
  let handler: (event: unknown, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    vi.stubEnv(
      'GUARDRAILS_CONFIG',
      JSON.stringify({
        version: 1,
        organization: { regions: ['us-east-1'] },
        tagPolicy: { requiredTags: [{ key: 'owner' }], useCostExplorerTags: false },
      }),
    );
    vi.stubEnv('STATE_TABLE_NAME', 'guardrails-state');
    vi.stubEnv('INCIDENT_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/123456789012/incidents');
    vi.stubEnv('RESULTS_BUCKET', BUCKET);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    handler = (await import('../../functions/aggregate/handler.js')).handler as unknown as typeof handler;
  });
  const prepare = () => {
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const value = objects[input.Key];
      if (value === undefined) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
      return { Body: body(value) };
    });
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: A, Name: 'alpha', Status: 'ACTIVE' },
        { Id: B, Name: 'beta', Status: 'ACTIVE' },
      ],
    });
    organizations.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: '' })),
      Failed: [],
    }));
  };
  afterEach(() => {
    s3.reset();
    organizations.reset();
    ddb.reset();
    sqs.reset();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    clearAwsClients();
  });

  it('reads the scans through the ResultWriter manifest and raises a scan gap for the failed worker', async () => {
    // Prepare
    prepare();
    const event = {
      runId: RUN,
      now: '2026-11-20T06:00:00.000Z',
      regions: ['us-east-1'],
      plan: { Bucket: BUCKET, Key: `tag-coverage/runs/${RUN}/plan.json` },
      map: { MapRunArn: 'arn:x', ResultWriterDetails: { Bucket: BUCKET, Key: MANIFEST } },
    };
    // Act
    const summary = await handler(event, context);
    // Assess
    expect(summary).toMatchObject({ check: 'tag-coverage', scanGaps: 1 });
    const sent = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? '{}'));
    const gap = sent.find((e) => e.type === 'finops-guardrails.guardrail.scan-gap');
    expect(JSON.stringify(gap)).toContain('States.Timeout');
    expect(sent.some((e) => e.type === 'finops-guardrails.tag.violation' && e.source.endsWith(A))).toBe(true);
  });

  it('fails the run when the manifest cannot be read, instead of judging every account unscanned', async () => {
    prepare();
    const event = {
      runId: RUN,
      now: '2026-11-20T06:00:00.000Z',
      map: { ResultWriterDetails: { Bucket: BUCKET, Key: 'missing/manifest.json' } },
    };
    await expect(handler(event, context)).rejects.toThrow(
      /cannot read s3:\/\/.*missing\/manifest.json: NoSuchKey/,
    );
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });
});
