import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ScanResults } from '../../../../shared/adapters/aws/scan-results-s3.js';
import type { AccountScanResult } from '../../../../shared/checks/tag-coverage/scan-result.js';

const A = '111111111111';
const BUCKET = 'guardrails-results-123456789012';
const scanOfA: AccountScanResult = {
  accountId: A,
  source: 'tagging-api',
  resources: [],
  completed: [`${A}/us-east-1`],
  failed: [],
};
const pointerOfA = {
  accountId: A,
  bucket: BUCKET,
  key: `tag-coverage/runs/r/scans/${A}.json`,
  resources: 0,
  completedScopes: 1,
  failedScopes: 0,
};
const body = (value: unknown) => ({ transformToString: async () => JSON.stringify(value) }) as never;

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

describe('S3ScanResults', () => {
  it('accepts JSON Lines result files and parsed Output values', async () => {
    // Prepare
    const manifest = {
      DestinationBucket: BUCKET,
      ResultFiles: { SUCCEEDED: [{ Key: 'r/SUCCEEDED_0.json' }] },
    };
    s3.on(GetObjectCommand, { Key: 'm.json' }).resolves({ Body: body(manifest) });
    s3.on(GetObjectCommand, { Key: 'r/SUCCEEDED_0.json' }).resolves({
      Body: { transformToString: async () => `${JSON.stringify({ Output: [pointerOfA] })}\n` } as never,
    });
    s3.on(GetObjectCommand, { Key: pointerOfA.key }).resolves({ Body: body(scanOfA) });
    const store = new S3ScanResults({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) });
    // Act
    const { results, missing } = await store.fromMapRun({ Bucket: BUCKET, Key: 'm.json' }).scanResults();
    // Assess
    expect(results).toEqual([scanOfA]);
    expect(missing).toEqual([]);
  });

  it('rejects a scan object that is not an AccountScanResult, naming the object', async () => {
    const manifest = { DestinationBucket: BUCKET, ResultFiles: { SUCCEEDED: [{ Key: 'r/S.json' }] } };
    s3.on(GetObjectCommand, { Key: 'm.json' }).resolves({ Body: body(manifest) });
    s3.on(GetObjectCommand, { Key: 'r/S.json' }).resolves({
      Body: body([{ Output: JSON.stringify([pointerOfA]) }]),
    });
    s3.on(GetObjectCommand, { Key: pointerOfA.key }).resolves({ Body: body({ accountId: A }) });
    const store = new S3ScanResults({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) });
    await expect(store.fromMapRun({ Bucket: BUCKET, Key: 'm.json' }).scanResults()).rejects.toThrow(
      new RegExp(`s3://${BUCKET}/${pointerOfA.key}: source`),
    );
  });
});

describe('S3ScanResults writes', () => {
  it('writes the plan for the ItemReader and one object per scan under the run', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ScanResults({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) });
    const plan = await store.writePlan('r', [A]);
    const pointer = await store.writeScan('r', scanOfA);
    expect(plan).toEqual({ Bucket: BUCKET, Key: 'tag-coverage/runs/r/plan.json' });
    expect(pointer).toEqual(pointerOfA);
    expect(s3).toReceiveCommandWith(PutObjectCommand, {
      Key: 'tag-coverage/runs/r/plan.json',
      Body: `[{"accountId":"${A}"}]`,
    });
  });
});
