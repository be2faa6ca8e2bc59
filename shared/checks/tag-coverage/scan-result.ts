import * as z from 'zod';

/**
 * What one account's scan saw, in every region asked for. Plain JSON, so a
 * fan-out worker hands it to the aggregator through S3 unchanged; read back,
 * it is parsed with this schema, never trusted.
 */
export const accountScanResultSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  /** The inventory source that read it, e.g. `tagging-api`. */
  source: z.string().min(1),
  resources: z.array(
    z.object({
      arn: z.string().min(1),
      accountId: z.string(),
      region: z.string(),
      resourceType: z.string(),
      tags: z.record(z.string(), z.string()),
      seenBy: z.array(z.string()).readonly().optional(),
    }),
  ),
  /** How many resources each inventory source listed in the account (all scopes read). */
  counts: z.record(z.string(), z.number().int().min(0)).optional(),
  /** `<account>/<region>` (and `<account>/global`) scopes read completely, in region order. */
  completed: z.array(z.string()),
  failed: z.array(
    z.object({
      scope: z.string().min(1),
      reason: z.string(),
      errorName: z.string().optional(),
      input: z.string().optional(),
    }),
  ),
});

export type AccountScanResult = z.infer<typeof accountScanResultSchema>;
