import * as z from 'zod/mini';
import { formatIssues } from '../../../config/issue-format.js';
import { InputError } from '../../../core/errors.js';
import '../../../core/zod-locale.js';

/**
 * The configuration item shapes AWS Config hands out, parsed to one:
 * - the API's `ConfigurationItem` (GetResourceConfigHistory,
 *   BatchGetAggregateResourceConfig): `configuration` is a JSON string,
 *   `supplementaryConfiguration` a map of JSON strings, `tags` a map;
 * - snapshots, notifications and Config rule events: `configuration` and
 *   `supplementaryConfiguration` are objects, `ARN` and `awsAccountId`
 *   are spelled so;
 * - an advanced-query row (SelectAggregateResourceConfig `Results[]`,
 *   itself a JSON string): only the selected fields, `tags` a list of
 *   `{key, value}`.
 */
const jsonObject = z.union([
  z.record(z.string(), z.unknown()),
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {
        // reported below
      }
      ctx.issues.push({ code: 'custom', message: 'is not a JSON object', input: text });
      return z.NEVER;
    }),
  ),
]);

const tagsSchema = z.pipe(
  z.union([
    z.record(z.string(), z.string()),
    z.array(z.looseObject({ key: z.string(), value: z.nullish(z.string()) })),
  ]),
  z.transform((tags) =>
    Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.key, t.value ?? ''])) : tags,
  ),
);

const configItemSchema = z.looseObject({
  resourceType: z.string().check(z.minLength(1)),
  resourceId: z.string().check(z.minLength(1)),
  resourceName: z.nullish(z.string()),
  arn: z.nullish(z.string()),
  ARN: z.nullish(z.string()),
  accountId: z.nullish(z.string()),
  awsAccountId: z.nullish(z.string()),
  awsRegion: z.nullish(z.string()),
  configurationItemStatus: z.nullish(z.string()),
  configuration: z.nullish(jsonObject),
  supplementaryConfiguration: z.nullish(z.record(z.string(), z.union([jsonObject, z.null()]))),
  tags: z.nullish(tagsSchema),
});

/** One configuration item, whichever shape it came in. */
export interface ConfigItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** `ResourceDeleted`, `ResourceDeletedNotRecorded`: the resource is gone. */
  readonly deleted: boolean;
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly supplementary: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Parses one configuration item (an object, or the JSON string an advanced
 * query returns).
 *
 * @throws InputError naming `where` and the field path.
 */
export function parseConfigItem(raw: unknown, where: string): ConfigItem {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputError(where, `not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const parsed = configItemSchema.safeParse(value);
  if (!parsed.success)
    throw new InputError(
      where,
      `not an AWS Config configuration item: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  const item = parsed.data;
  const supplementary: Record<string, Record<string, unknown>> = {};
  for (const [key, entry] of Object.entries(item.supplementaryConfiguration ?? {}))
    if (entry) supplementary[key] = entry;
  const arn = item.arn ?? item.ARN;
  const accountId = item.accountId ?? item.awsAccountId;
  return {
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    ...(arn && { arn }),
    ...(accountId && { accountId }),
    ...(item.awsRegion && { region: item.awsRegion }),
    deleted: item.configurationItemStatus?.startsWith('ResourceDeleted') ?? false,
    configuration: item.configuration ?? {},
    supplementary,
    tags: item.tags ?? {},
  };
}
