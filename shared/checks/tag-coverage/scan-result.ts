import * as z from 'zod/mini';
import '../../core/zod-locale.js';

/**
 * What one account's scan saw, in every region asked for. Plain JSON, so a
 * fan-out worker hands it to the aggregator through S3 unchanged; read back,
 * it is parsed with this schema, never trusted.
 */
export const accountScanResultSchema = z.object({
  accountId: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')),
  /** The inventory source that read it, e.g. `tagging-api`. */
  source: z.string().check(z.minLength(1)),
  resources: z.array(
    z.object({
      arn: z.string().check(z.minLength(1)),
      accountId: z.string(),
      region: z.string(),
      resourceType: z.string(),
      tags: z.record(z.string(), z.string()),
      seenBy: z.optional(z.readonly(z.array(z.string()))),
    }),
  ),
  /** How many resources each inventory source listed in the account (all scopes read). */
  counts: z.optional(z.record(z.string(), z.number().check(z.int(), z.gte(0)))),
  /** `<account>/<region>` (and `<account>/global`) scopes read completely, in region order. */
  completed: z.array(z.string()),
  failed: z.array(
    z.object({
      scope: z.string().check(z.minLength(1)),
      reason: z.string(),
      errorName: z.optional(z.string()),
      input: z.optional(z.string()),
    }),
  ),
});

export type AccountScanResult = z.infer<typeof accountScanResultSchema>;
