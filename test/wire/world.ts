/**
 * The organization the wire fake serves: three accounts, resources tagged,
 * once tagged and never tagged, regional and global. Built in code so each
 * test can say what it expects from it.
 */

export const MANAGEMENT = '111111111111';
export const TOOLING = '222222222222';
export const PAYMENTS = '333333333333';
export const ORGANIZATION_ID = 'o-exampleorgid';
export const VIEW_ARN = `arn:aws:resource-explorer-2:us-east-1:${MANAGEMENT}:view/org-inventory/2a2b5c1e-0000-4000-8000-000000000001`;
export const AGGREGATOR = 'org-aggregator';

export interface FakeResource {
  readonly arn: string;
  readonly accountId: string;
  /** `global` for IAM, CloudFront, Route 53, as Resource Explorer and Config report them. */
  readonly region: string;
  /** Resource Explorer's `ResourceType` and Config's `resourceType`. */
  readonly type: { readonly explorer: string; readonly config: string };
  readonly tags: Readonly<Record<string, string>>;
  /** False for a resource that never carried a tag: the Tagging API never lists it. */
  readonly everTagged: boolean;
}

export interface FakeAccount {
  readonly id: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface World {
  readonly accounts: readonly FakeAccount[];
  readonly resources: readonly FakeResource[];
  /** Where Resource Explorer has an index, as `<account>/<region>`; default: every account in {@link WORLD_REGIONS}. */
  readonly explorerIndexes?: readonly string[];
  /** Regions the Config aggregator holds; default: {@link WORLD_REGIONS}. */
  readonly configRegions?: readonly string[];
}

/** The Regions the world's resources live in, and the configs scan. */
export const WORLD_REGIONS = ['us-east-1', 'eu-west-1'] as const;

const instance = (
  account: string,
  region: string,
  id: string,
  tags: Record<string, string>,
  everTagged = true,
): FakeResource => ({
  arn: `arn:aws:ec2:${region}:${account}:instance/${id}`,
  accountId: account,
  region,
  type: { explorer: 'ec2:instance', config: 'AWS::EC2::Instance' },
  tags,
  everTagged,
});

/** How many instances of each kind the payments account holds in us-east-1. */
export const PAYMENTS_TAGGED = 230;
export const PAYMENTS_NEVER_TAGGED = 20;

/**
 * The default world. Payments, us-east-1: 230 instances tagged owner=payments
 * (three Tagging API pages of 100), 20 never tagged, 1 whose tags were all
 * removed; eu-west-1: 3 tagged volumes. Global: a tagged CloudFront
 * distribution and an IAM role tagged owner=payments. Management: one tagged topic.
 */
export function defaultWorld(): World {
  const resources: FakeResource[] = [];
  for (let i = 0; i < PAYMENTS_TAGGED; i++)
    resources.push(
      instance(PAYMENTS, 'us-east-1', `i-tagged${String(i).padStart(4, '0')}`, { owner: 'payments' }),
    );
  for (let i = 0; i < PAYMENTS_NEVER_TAGGED; i++)
    resources.push(instance(PAYMENTS, 'us-east-1', `i-never${String(i).padStart(4, '0')}`, {}, false));
  resources.push(instance(PAYMENTS, 'us-east-1', 'i-untaggedlater', {}));
  for (let i = 0; i < 3; i++) {
    resources.push({
      arn: `arn:aws:ec2:eu-west-1:${PAYMENTS}:volume/vol-${i}`,
      accountId: PAYMENTS,
      region: 'eu-west-1',
      type: { explorer: 'ec2:volume', config: 'AWS::EC2::Volume' },
      tags: { owner: 'payments' },
      everTagged: true,
    });
  }
  resources.push({
    arn: `arn:aws:cloudfront::${PAYMENTS}:distribution/E2QWRUHEXAMPLE`,
    accountId: PAYMENTS,
    region: 'global',
    type: { explorer: 'cloudfront:distribution', config: 'AWS::CloudFront::Distribution' },
    tags: { owner: 'payments' },
    everTagged: true,
  });
  resources.push({
    arn: `arn:aws:iam::${PAYMENTS}:role/payments-deploy`,
    accountId: PAYMENTS,
    region: 'global',
    type: { explorer: 'iam:role', config: 'AWS::IAM::Role' },
    tags: { owner: 'payments' },
    everTagged: true,
  });
  resources.push({
    arn: `arn:aws:sns:us-east-1:${MANAGEMENT}:billing-alerts`,
    accountId: MANAGEMENT,
    region: 'us-east-1',
    type: { explorer: 'sns:topic', config: 'AWS::SNS::Topic' },
    tags: { owner: 'finops' },
    everTagged: true,
  });
  return {
    accounts: [
      { id: MANAGEMENT, name: 'management', tags: { owner: 'finops' } },
      { id: TOOLING, name: 'tooling', tags: { owner: 'platform' } },
      { id: PAYMENTS, name: 'payments-prod', tags: { owner: 'payments' } },
    ],
    resources,
  };
}

/** The opaque page token the fakes hand out: an offset, as good as any for a client that must not read it. */
export function page<T>(items: readonly T[], token: unknown, size: number): { items: T[]; next?: string } {
  const start =
    typeof token === 'string' && token !== '' ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length && { next: Buffer.from(String(end)).toString('base64url') }),
  };
}
