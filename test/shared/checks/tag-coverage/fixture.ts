import type {
  AccountInfo,
  AccountSpend,
  TaggedResource,
} from '../../../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../../../shared/config/loader.js';

/** A small org whose coverage numbers are worked out by hand in evaluate.test.ts. */
export const A = '111111111111';
export const B = '222222222222';
export const C = '333333333333';

export const config = parseConfig(`
version: 1
organization:
  regions: [us-east-1]
  defaultOwner: { team: finops }
tagPolicy:
  requiredTags:
    - key: owner
    - key: env
      allowedValues: [prod, dev]
  exemptResourceTypes: [ec2:snapshot]
  gracePeriod: 7d
  escalateAfter: 30d
  coverageObjective: 0.8
`);

export const accounts: AccountInfo[] = [
  { id: A, name: 'alpha-prod', status: 'ACTIVE', tags: { owner: 'alpha' } },
  { id: B, name: 'gamma-prod', status: 'ACTIVE', tags: {} },
  { id: C, name: 'old', status: 'SUSPENDED', tags: {} },
];

const res = (
  accountId: string,
  id: string,
  resourceType: string,
  tags: Record<string, string>,
): TaggedResource => ({
  arn: `arn:aws:${resourceType.split(':')[0]}:us-east-1:${accountId}:${resourceType.split(':')[1]}/${id}`,
  accountId,
  region: 'us-east-1',
  resourceType,
  tags,
});

export const resources: TaggedResource[] = [
  res(A, 'a1', 'ec2:instance', { owner: 'alpha', env: 'prod' }),
  res(A, 'a2', 'ec2:instance', { owner: 'alpha' }),
  res(A, 'a3', 's3:bucket', { owner: 'beta', env: 'dev' }),
  res(A, 'a4', 'ec2:snapshot', {}),
  res(A, 'a5', 'rds:db', { env: 'prod' }),
  res(B, 'b1', 'lambda:function', { owner: 'gamma', env: 'prod' }),
  res(B, 'b2', 'lambda:function', { owner: 'gamma', env: 'test' }),
  res(B, 'b3', 'lambda:function', { owner: 'gamma', env: 'dev' }),
  res(B, 'b4', 'lambda:function', { owner: 'gamma', env: 'prod' }),
  res(B, 'b5', 'lambda:function', { owner: 'gamma', env: 'prod', 'aws:cloudformation:stack-name': 's' }),
];

export const spend: AccountSpend[] = [
  { accountId: A, totalUsd: 1000, untaggedUsdByKey: { owner: 100, env: 300 } },
  { accountId: B, totalUsd: 500, untaggedUsdByKey: { owner: 0, env: 25 } },
];

export const arnOf = (id: string) => resources.find((r) => r.arn.endsWith(`/${id}`))?.arn ?? id;
