import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import { accountScanResultSchema } from '../../shared/checks/tag-coverage/scan-result.js';

const A = '111111111111';
const B = '222222222222';
const BUCKET = 'guardrails-results-123456789012';
const context = { functionName: 'scan-account', awsRequestId: 'req-1' } as Context;

describe('scan-account handler', () => {
  const sts = mockClient(STSClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const s3 = mockClient(S3Client);
  let handler: (event: unknown, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    vi.stubEnv(
      'GUARDRAILS_CONFIG',
      JSON.stringify({ version: 1, organization: { regions: ['us-east-1', 'eu-west-1'] } }),
    );
    vi.stubEnv('RESULTS_BUCKET', BUCKET);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    handler = (await import('../../functions/scan-account/handler.js')).handler as unknown as typeof handler;
  });
  afterEach(() => {
    sts.reset();
    tagging.reset();
    s3.reset();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    clearAwsClients();
  });

  it('scans each account of the batch, writes its full result to S3 and returns only pointers', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      if (input.RoleArn.includes(B))
        throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
      return {
        Credentials: {
          AccessKeyId: 'ASIA',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`, Tags: [{ Key: 'owner', Value: 'a' }] },
      ],
    });
    s3.on(PutObjectCommand).resolves({});
    const event = {
      Items: [{ accountId: A }, { accountId: B }],
      BatchInput: { runId: 'tag-coverage-20261120T060000Z' },
    };
    // Act
    const pointers = (await handler(event, context)) as Array<Record<string, unknown>>;
    // Assess
    expect(pointers).toEqual([
      {
        accountId: A,
        bucket: BUCKET,
        key: `tag-coverage/runs/tag-coverage-20261120T060000Z/scans/${A}.json`,
        // The instance, as listed in both regions by the stub; the global scan keeps no regional resource.
        resources: 2,
        completedScopes: 3,
        failedScopes: 0,
      },
      expect.objectContaining({ accountId: B, resources: 0, completedScopes: 0, failedScopes: 3 }),
    ]);
    expect(JSON.stringify(pointers).length).toBeLessThan(1024);
    const written = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(written.map((w) => w.Bucket)).toEqual([BUCKET, BUCKET]);
    const scanOfB = accountScanResultSchema.parse(JSON.parse(String(written[1]?.Body)));
    expect(scanOfB.failed.map((f) => f.scope)).toEqual([`${B}/us-east-1`, `${B}/eu-west-1`, `${B}/global`]);
    expect(scanOfB.failed[0]?.reason).toContain('AccessDenied');
  });

  it('rejects a batch without items, naming the field', async () => {
    await expect(handler({ Items: [], BatchInput: { runId: 'r' } }, context)).rejects.toThrow(/Items/);
  });
});
