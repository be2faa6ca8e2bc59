import { S3ScanResults } from '../../shared/adapters/aws/scan-results-s3.js';
import { scanBatch, scanBatchEventSchema } from '../../shared/runtime/fan-out.js';
import { awsInventory } from '../../shared/runtime/inventory-wiring.js';
import { lambdaConfigFromEnv } from '../../shared/runtime/lambda-env.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { organizationAccess } from '../../shared/runtime/organization-access.js';

// Cold start: config, the member-role assumer (credentials cached per account) and the results bucket.
const config = await lambdaConfigFromEnv();
const inventory = awsInventory(config, organizationAccess(config, 'tag-coverage').assumer);
const writer = new S3ScanResults({ bucket: process.env.RESULTS_BUCKET ?? '' });

/**
 * Distributed Map worker: scans one ItemBatcher batch of accounts, writes
 * each account's scan to S3 and returns small pointers for the ResultWriter.
 */
export const handler = guardrailHandler(scanBatchEventSchema, async (event) =>
  scanBatch({ inventory, writer }, config, event),
);
