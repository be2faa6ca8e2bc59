import * as z from 'zod/mini';
import '../../core/zod-locale.js';

/**
 * The shapes the fan-out passes between its steps: where a scan or a Map
 * run's results are in the results bucket. A module apart from
 * scan-results-s3.ts, so the fan-out's event schemas do not bring the S3
 * client into a bundle that only validates them (the tag-coverage starter).
 */

/** What a worker returns per account instead of the scan itself: a Map item result stays far under 256 KiB. */
export const scanPointerSchema = z.object({
  accountId: z.string(),
  bucket: z.string().check(z.minLength(3)),
  key: z.string().check(z.minLength(1)),
  resources: z.number().check(z.int(), z.gte(0)),
  completedScopes: z.number().check(z.int(), z.gte(0)),
  failedScopes: z.number().check(z.int(), z.gte(0)),
});
export type ScanPointer = z.infer<typeof scanPointerSchema>;

/** An S3 object location, as Step Functions spells it (`ResultWriterDetails`). */
export const s3LocationSchema = z.object({
  Bucket: z.string().check(z.minLength(3)),
  Key: z.string().check(z.minLength(1)),
});
export type S3Location = z.infer<typeof s3LocationSchema>;
