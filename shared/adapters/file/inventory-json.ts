import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { parseArn } from '../../core/arn.js';
import { InputError } from '../../core/errors.js';
import '../../core/zod-locale.js';
import { parseJsonText } from './json-text.js';

/** An AWS tag as the APIs return it. */
export const AwsTagSchema = z.object({ Key: z.string().check(z.minLength(1)), Value: z.string() });

const tagsToRecord = (
  tags: ReadonlyArray<z.infer<typeof AwsTagSchema>> | undefined,
): Record<string, string> => Object.fromEntries((tags ?? []).map((tag) => [tag.Key, tag.Value]));

const AccountStatusSchema = z.enum([
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
]);

/**
 * One `ListAccounts` entry plus `Tags`. Older responses carry `Status`,
 * newer ones `State`; either is accepted and `State` wins.
 */
export const AccountEntrySchema = z.pipe(
  z
    .object({
      Id: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
      Arn: z.string().check(z.minLength(1)),
      Email: z.string().check(z.minLength(1)),
      Name: z.string(),
      Status: z.optional(AccountStatusSchema),
      State: z.optional(AccountStatusSchema),
      JoinedMethod: z.optional(z.enum(['INVITED', 'CREATED'])),
      // The SDK gives a Date, JSON dumps give an ISO string, the CLI may give epoch seconds.
      JoinedTimestamp: z.optional(z.union([z.string(), z.number(), z.date()])),
      Tags: z.optional(z.array(AwsTagSchema)),
    })
    .check(
      z.refine((entry) => entry.State !== undefined || entry.Status !== undefined, {
        message: 'Status or State is required',
        path: ['Status'],
      }),
    ),
  z.transform((entry) => ({
    id: entry.Id,
    arn: entry.Arn,
    email: entry.Email,
    name: entry.Name,
    status: entry.State ?? entry.Status ?? 'ACTIVE',
    joinedMethod: entry.JoinedMethod ?? null,
    joinedTimestamp: entry.JoinedTimestamp === undefined ? null : String(entry.JoinedTimestamp),
    tags: tagsToRecord(entry.Tags),
  })),
);

/** An account of the organization. */
export type Account = z.output<typeof AccountEntrySchema>;

/** One `GetResources` entry, plus the `AccountId`/`Region` a scan adds. */
export const ResourceEntrySchema = z.object({
  ResourceARN: z.string().check(z.minLength(1)),
  Tags: z._default(z.array(AwsTagSchema), []),
  AccountId: z.optional(z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'))),
  Region: z.optional(z.string().check(z.minLength(1))),
});

/** A tagged resource with its account, region and type resolved. */
export interface Resource {
  arn: string;
  accountId: string;
  /** `global` for resources whose ARN has an account but no region (IAM, CloudFront). */
  region: string;
  service: string;
  /** e.g. `ec2:instance`, `s3:bucket`; see {@link parseArn}. */
  resourceType: string;
  tags: Record<string, string>;
}

/** Entries that validated, and one error per entry that was skipped. */
export interface InventoryResult<T> {
  items: T[];
  errors: InputError[];
}

/**
 * Validates an `accounts.json` document (the `ListAccounts` response shape).
 *
 * @param name the file name used in errors.
 * @throws InputError when the document has no `Accounts` array.
 */
export function parseAccountsJson(document: unknown, name: string): InventoryResult<Account> {
  return parseList(document, name, 'Accounts', (entry, path) => {
    const parsed = AccountEntrySchema.safeParse(entry);
    return parsed.success ? parsed.data : zodError(name, path, parsed.error);
  });
}

/**
 * Validates a `resources.json` document (the `GetResources` response shape)
 * and resolves each resource's account, region and type.
 *
 * `AccountId`/`Region` on the entry win over the ARN, and are required where
 * the ARN lacks them (S3 buckets, Route 53). An ARN with an account but no
 * region (IAM) is `global`.
 *
 * @param name the file name used in errors.
 * @throws InputError when the document has no `ResourceTagMappingList` array.
 */
export function parseResourcesJson(document: unknown, name: string): InventoryResult<Resource> {
  return parseList(document, name, 'ResourceTagMappingList', (entry, path) => {
    const parsed = ResourceEntrySchema.safeParse(entry);
    if (!parsed.success) return zodError(name, path, parsed.error);
    return toResource(parsed.data, name, path);
  });
}

/** Reads and validates `accounts.json` from disk. */
export async function readAccountsJson(path: string, name = path): Promise<InventoryResult<Account>> {
  return parseAccountsJson(await readJson(path, name), name);
}

/** Reads and validates `resources.json` from disk. */
export async function readResourcesJson(path: string, name = path): Promise<InventoryResult<Resource>> {
  return parseResourcesJson(await readJson(path, name), name);
}

function toResource(
  entry: z.infer<typeof ResourceEntrySchema>,
  name: string,
  path: string,
): Resource | InputError {
  let arn: ReturnType<typeof parseArn>;
  try {
    arn = parseArn(entry.ResourceARN);
  } catch (cause) {
    const reason = cause instanceof InputError ? cause.message : String(cause);
    return new InputError(name, `${path}.ResourceARN: ${reason}`, { cause });
  }
  const accountId = entry.AccountId ?? arn.accountId;
  if (accountId === null) {
    return new InputError(name, `${path}.AccountId: required because the ARN carries no account`);
  }
  const region = entry.Region ?? arn.region ?? (arn.accountId === null ? null : 'global');
  if (region === null)
    return new InputError(name, `${path}.Region: required because the ARN carries no region`);
  return {
    arn: entry.ResourceARN,
    accountId,
    region,
    service: arn.service,
    resourceType: arn.resourceType,
    tags: tagsToRecord(entry.Tags),
  };
}

function parseList<T>(
  document: unknown,
  name: string,
  listKey: string,
  parseEntry: (entry: unknown, path: string) => T | InputError,
): InventoryResult<T> {
  const list = z.object({ [listKey]: z.array(z.unknown()) }).safeParse(document);
  if (!list.success) throw new InputError(name, `${listKey}: expected an array of entries`);
  const items: T[] = [];
  const errors: InputError[] = [];
  (list.data[listKey] ?? []).forEach((entry, index) => {
    const result = parseEntry(entry, `${listKey}[${index}]`);
    if (result instanceof InputError) errors.push(result);
    else items.push(result);
  });
  return { items, errors };
}

function zodError(name: string, path: string, error: z.core.$ZodError): InputError {
  const issues = error.issues.map((issue) => `${path}${formatPath(issue.path)}: ${issue.message}`);
  return new InputError(name, issues.join('; '), { cause: error });
}

/** `['Tags', 0, 'Key']` -> `.Tags[0].Key`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

async function readJson(path: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError(
      name,
      `cannot read file: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
  return parseJsonText(text, name);
}
