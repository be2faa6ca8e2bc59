import type { AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { parseArn } from '../../core/arn.js';
import { GuardrailError } from '../../core/errors.js';
import { loadOnce } from '../../core/load-once.js';
import {
  type AwsClientOptions,
  awsClient,
  type CredentialsProvider,
  type StaticCredentials,
} from './clients.js';

/**
 * The STS client module, imported on the first AssumeRole or
 * GetCallerIdentity rather than at a Lambda init (issue 10); a failed import
 * is retried by the next call.
 */
const loadSts = loadOnce(() => import('@aws-sdk/client-sts'));

/** Role chaining (a Lambda role assuming another role) caps a session at one hour; AssumeRole fails above it. */
export const ASSUME_ROLE_DURATION_SECONDS = 3600;
/** Credentials are renewed this long before they expire, so a page request never signs with dying ones. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;
const SESSION_NAME_PREFIX = 'finops-guardrails-';
/** STS limit on RoleSessionName. */
const SESSION_NAME_MAX = 64;

/** AssumeRole failed; the message names the role, so a scan gap says which trust or deployment is missing. */
export class AssumeRoleError extends GuardrailError {
  readonly roleArn: string;
  constructor(roleArn: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot assume ${roleArn}: ${reason}`, options);
    this.name = 'AssumeRoleError';
    this.roleArn = roleArn;
  }
}

/** Credentials for one role, ready for {@link awsClient}: `credentialsKey` makes one client per role and region. */
export interface AssumedRole {
  readonly roleArn: string;
  readonly credentials: CredentialsProvider;
  readonly credentialsKey: string;
}

export interface RoleAssumerOptions {
  /** Ends the session name, `finops-guardrails-<purpose>`, so CloudTrail shows which guardrail acted. */
  readonly purpose: string;
  /** Sent as ExternalId when set (`organization.externalId`). */
  readonly externalId?: string;
  /** Default {@link ASSUME_ROLE_DURATION_SECONDS}. */
  readonly durationSeconds?: number;
  /** The STS client's region and source credentials. Default: the SDK's own (`AWS_REGION`, the Lambda role). */
  readonly sts?: AwsClientOptions;
  /** Partition when the caller's is unknown. Default `aws`. */
  readonly partition?: string;
  /** Injectable clock (epoch ms) for expiry tests. */
  readonly now?: () => number;
}

/** Assumes roles in other accounts and caches their credentials until shortly before they expire. */
export interface RoleAssumer {
  /** The same {@link AssumedRole} (and provider) for the same role, so callers share one cache entry. */
  assume(accountId: string, roleName: string, partition?: string): AssumedRole;
  /** Account and partition of the source credentials (GetCallerIdentity, called once). */
  callerIdentity(): Promise<{ accountId: string; partition: string }>;
  /** Options for clients that should use the source credentials themselves. */
  readonly source: Pick<AwsClientOptions, 'credentials'>;
  readonly defaultPartition: string;
  /** AssumeRole calls made so far. */
  readonly calls: number;
}

/**
 * `arn:<partition>:iam::<account>:role/<roleName>`.
 *
 * @example
 * roleArn('123456789012', 'FinopsGuardrailsMemberRead'); // 'arn:aws:iam::123456789012:role/FinopsGuardrailsMemberRead'
 */
export function roleArn(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * `finops-guardrails-<purpose>`, with characters STS rejects replaced and cut to 64 characters.
 *
 * @example
 * roleSessionName('tag coverage'); // 'finops-guardrails-tag-coverage'
 */
export function roleSessionName(purpose: string): string {
  return `${SESSION_NAME_PREFIX}${purpose}`.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX);
}

/**
 * The region patterns of the partitions other than `aws`, as the SDK's
 * partitions table has them (`regionRegex` in `@aws-sdk/core`
 * util-endpoints `partitions.json`, 3.981): the European Sovereign Cloud
 * (`aws-eusc`, eusc-de-east-1) and the ISO partitions included.
 */
const PARTITION_REGIONS: ReadonlyArray<readonly [partition: string, regions: RegExp]> = [
  ['aws-cn', /^cn-\w+-\d+$/],
  ['aws-us-gov', /^us-gov-\w+-\d+$/],
  ['aws-eusc', /^eusc-de-\w+-\d+$/],
  ['aws-iso', /^us-iso-\w+-\d+$/],
  ['aws-iso-b', /^us-isob-\w+-\d+$/],
  ['aws-iso-e', /^eu-isoe-\w+-\d+$/],
  ['aws-iso-f', /^us-isof-\w+-\d+$/],
];

/**
 * The partition a region belongs to, for role ARNs in member accounts.
 *
 * @example
 * partitionOfRegion('cn-north-1'); // 'aws-cn'
 * partitionOfRegion('eusc-de-east-1'); // 'aws-eusc'
 */
export function partitionOfRegion(region: string): string {
  return PARTITION_REGIONS.find(([, regions]) => regions.test(region))?.[0] ?? 'aws';
}

/**
 * A {@link RoleAssumer} over STS AssumeRole (made through {@link awsClient}).
 * Concurrent requests for one role share one AssumeRole call: scanning four
 * regions of an account at once assumes its role once.
 *
 * @example
 * const assumer = roleAssumer({ purpose: 'tag-coverage', externalId: config.organization.externalId });
 * const role = assumer.assume('123456789012', config.organization.memberRoleName);
 * const tagging = awsClient(ResourceGroupsTaggingAPIClient, { region: 'eu-west-1', ...role });
 */
export function roleAssumer(options: RoleAssumerOptions): RoleAssumer {
  const now = options.now ?? Date.now;
  const roles = new Map<string, AssumedRole>();
  let calls = 0;
  let identity: Promise<{ accountId: string; partition: string }> | undefined;
  const sts = async () => {
    const { STSClient } = await loadSts();
    return awsClient(STSClient, options.sts ?? {});
  };

  const fetchCredentials = async (arn: string): Promise<StaticCredentials> => {
    calls++;
    let out: AssumeRoleCommandOutput;
    try {
      const { AssumeRoleCommand } = await loadSts();
      out = await (await sts()).send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: roleSessionName(options.purpose),
          DurationSeconds: options.durationSeconds ?? ASSUME_ROLE_DURATION_SECONDS,
          ...(options.externalId !== undefined && { ExternalId: options.externalId }),
        }),
      );
    } catch (cause) {
      throw new AssumeRoleError(arn, explain(cause, options.externalId !== undefined), { cause });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) {
      throw new AssumeRoleError(arn, 'STS returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken !== undefined && { sessionToken: c.SessionToken }),
      expiration: c.Expiration,
    };
  };

  return {
    assume(accountId, roleName, partition = options.partition ?? 'aws') {
      const arn = roleArn(accountId, roleName, partition);
      let role = roles.get(arn);
      if (role === undefined) {
        role = {
          roleArn: arn,
          credentials: cachedUntilExpiry(() => fetchCredentials(arn), now),
          credentialsKey: arn,
        };
        roles.set(arn, role);
      }
      return role;
    },
    callerIdentity() {
      identity ??= loadSts()
        .then(async ({ GetCallerIdentityCommand }) => (await sts()).send(new GetCallerIdentityCommand({})))
        .then((out) => {
          if (!out.Account || !out.Arn) throw new GuardrailError('STS GetCallerIdentity returned no account');
          return { accountId: out.Account, partition: parseArn(out.Arn).partition };
        })
        .catch((error: unknown) => {
          identity = undefined; // a failed lookup is retried by the next caller, not cached
          throw error;
        });
      return identity;
    },
    source: options.sts?.credentials !== undefined ? { credentials: options.sts.credentials } : {},
    defaultPartition: options.partition ?? 'aws',
    get calls() {
      return calls;
    },
  };
}

/** Where the management account's read role lives (`organization` in the config). */
export interface ManagementAccount {
  readonly managementAccountId?: string;
  readonly managementRoleName: string;
}

/**
 * Client options for calls that must run in the management (payer) account,
 * Organizations and Cost Explorer: the assumed `managementRoleName` when a
 * management account is configured and the caller is elsewhere (the tooling
 * account); the caller's own credentials otherwise (one-account setups, a
 * delegated administrator, the CLI run from the payer).
 *
 * @example
 * const access = await managementAccess(assumer, config.organization);
 * const ce = awsClient(CostExplorerClient, { region: 'us-east-1', ...access });
 */
export async function managementAccess(
  assumer: RoleAssumer,
  management: ManagementAccount,
): Promise<Pick<AwsClientOptions, 'credentials' | 'credentialsKey'>> {
  const { managementAccountId, managementRoleName } = management;
  if (managementAccountId === undefined) return assumer.source;
  const caller = await assumer.callerIdentity();
  if (caller.accountId === managementAccountId) return assumer.source;
  const role = assumer.assume(managementAccountId, managementRoleName, caller.partition);
  return { credentials: role.credentials, credentialsKey: role.credentialsKey };
}

/** Keeps the last credentials until {@link CREDENTIALS_REFRESH_MARGIN_MS} before expiry; one fetch at a time. */
function cachedUntilExpiry(fetch: () => Promise<StaticCredentials>, now: () => number): CredentialsProvider {
  let current: StaticCredentials | undefined;
  let pending: Promise<StaticCredentials> | undefined;
  return async () => {
    const expiresAt = current?.expiration?.getTime() ?? 0;
    if (current && expiresAt - CREDENTIALS_REFRESH_MARGIN_MS > now()) return current;
    pending ??= fetch()
      .then((fresh) => {
        current = fresh;
        return fresh;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

function explain(error: unknown, withExternalId: boolean): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const externalId = withExternalId ? ', with the configured ExternalId' : '';
    return `${name}: ${message} (is the role deployed in that account, and does it trust this principal${externalId}?)`;
  }
  return `${name}: ${message}`;
}
