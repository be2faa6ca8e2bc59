import { type ScanWriter, scanBatch, scanBatchEventSchema } from '../../shared/runtime/fan-out.js';
import { awsInventory } from '../../shared/runtime/inventory-wiring.js';
import { lambdaConfigFromEnv } from '../../shared/runtime/lambda-config.js';
import { lazyAdapter } from '../../shared/runtime/lazy-adapter.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { organizationAccess } from '../../shared/runtime/organization-access.js';

// Cold start: config and the member-role assumer (credentials cached per account). The inventory,
// STS and results-bucket clients load on first use, while the first account is read.
const config = await lambdaConfigFromEnv();
const inventory = awsInventory(config, organizationAccess(config, 'tag-coverage').assumer);
const writer = lazyAdapter<ScanWriter, 'writeScan'>(
  async () =>
    new (await import('../../shared/adapters/aws/scan-results-s3.js')).S3ScanResults({
      bucket: process.env.RESULTS_BUCKET ?? '',
    }),
  ['writeScan'],
  {},
);

/**
 * Distributed Map worker: scans one ItemBatcher batch of accounts, writes
 * each account's scan to S3 and returns small pointers for the ResultWriter.
 */
export const handler = guardrailHandler(scanBatchEventSchema, async (event) =>
  scanBatch({ inventory, writer }, config, event),
);
