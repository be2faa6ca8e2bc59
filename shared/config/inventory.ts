import * as z from 'zod';

/**
 * `organization.inventory`: which services list the resources that
 * tag-coverage judges. The Tagging API alone never lists resources that
 * were never tagged, so coverage by count needs Resource Explorer or AWS
 * Config beside it (README, "Which inventory to use").
 */

/** Names of the inventory sources, as they appear in `sources` and in coverage evidence. */
export const INVENTORY_SOURCES = ['tagging-api', 'resource-explorer', 'config'] as const;
export type InventorySourceName = (typeof INVENTORY_SOURCES)[number];

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const region = z
  .string()
  .regex(/^([a-z]{2}(-gov|-iso[a-z]*)?|eusc-[a-z]{2})-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name');

export const resourceExplorerInventorySchema = z
  .object({
    viewArn: z
      .string()
      .regex(
        /^arn:aws[\w-]*:resource-explorer-2:[a-z0-9-]+:\d{12}:view\/[\w-]+\/[\w-]+$/,
        'must be a Resource Explorer view ARN (arn:aws:resource-explorer-2:<region>:<account>:view/<name>/<id>)',
      )
      .describe(
        "A multi-account view in the aggregator index's region, created by the management account or a delegated administrator, that includes the `tags` property and has no filter. Its account and region are read from the ARN.",
      ),
    roleName: roleName
      .optional()
      .describe(
        "Role assumed in the view's account when it is not the caller's. Default: organization.managementRoleName.",
      ),
  })
  .strict();

export const configAggregatorInventorySchema = z
  .object({
    aggregatorName: z
      .string()
      .regex(/^[\w-]{1,256}$/, 'must be a configuration aggregator name')
      .describe('An organization aggregator (ConfigurationAggregatorName).'),
    region: region.describe("The aggregator's region."),
    accountId: accountId
      .optional()
      .describe(
        "The aggregator's account: the management account or a delegated administrator. Default: organization.managementAccountId, else the caller's.",
      ),
    roleName: roleName
      .optional()
      .describe(
        "Role assumed in the aggregator's account when it is not the caller's. Default: organization.managementRoleName.",
      ),
  })
  .strict();

export const inventorySchema = z
  .object({
    sources: z
      .array(z.enum(INVENTORY_SOURCES))
      .min(1)
      .default(['tagging-api'])
      .describe(
        'Read and merged by ARN; a resource listed by several gets the tags of the first that has its tags, in the order tagging-api, config, resource-explorer.',
      ),
    resourceExplorer: resourceExplorerInventorySchema.optional(),
    config: configAggregatorInventorySchema.optional(),
  })
  .strict()
  .superRefine((inventory, ctx) => {
    const seen = new Set<string>();
    inventory.sources.forEach((source, i) => {
      if (seen.has(source)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i], message: `${source} is listed twice` });
      }
      seen.add(source);
    });
    if (seen.has('resource-explorer') && !inventory.resourceExplorer) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceExplorer'],
        message: 'sources lists resource-explorer: give resourceExplorer.viewArn',
      });
    }
    if (seen.has('config') && !inventory.config) {
      ctx.addIssue({
        code: 'custom',
        path: ['config'],
        message: 'sources lists config: give config.aggregatorName and config.region',
      });
    }
  });

export type InventoryConfig = z.infer<typeof inventorySchema>;
