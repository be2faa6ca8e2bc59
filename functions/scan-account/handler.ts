import { roleAssumer } from '../../shared/adapters/aws/assume-role.js';
import { S3ScanResults } from '../../shared/adapters/aws/scan-results-s3.js';
import { TaggingInventory } from '../../shared/adapters/aws/tagging-inventory.js';
import { scanBatch, scanBatchEventSchema } from '../../shared/runtime/fan-out.js';
import { lambdaConfigFromEnv } from '../../shared/runtime/lambda-env.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';

// Cold start: config, the member-role assumer (credentials cached per account) and the results bucket.
const config = lambdaConfigFromEnv();
const { organization } = config;
const inventory = new TaggingInventory({
  assumer: roleAssumer({
    purpose: 'tag-coverage',
    ...(organization.externalId && { externalId: organization.externalId }),
  }),
  memberRoleName: organization.memberRoleName,
});
const writer = new S3ScanResults({ bucket: process.env.RESULTS_BUCKET ?? '' });

/**
 * Distributed Map worker: scans one ItemBatcher batch of accounts, writes
 * each account's scan to S3 and returns small pointers for the ResultWriter.
 */
export const handler = guardrailHandler(scanBatchEventSchema, async (event) =>
  scanBatch({ inventory, writer }, config, event),
);
