/**
 * Writes the example organization's files: accounts.json, resources.json,
 * costs.csv (FOCUS), metrics.csv and baseline-state.json. Deterministic (a
 * seeded generator), so the committed files can be regenerated exactly:
 *
 *   npx tsx examples/demo-org/generate.ts
 *
 * The story it tells, as of DEMO_NOW (2026-11-20):
 * - payments-prod (checkout): traffic ramps up 60% over 12 days and cost follows: demand growth.
 * - search-prod (search-api): a rightsizing cut cost 35% on 11-14, p99 latency breaches from 11-15: an unsafe saving.
 * - data-platform (nightly-etl): EMR cost x2.6 for 3 days with flat rows processed: waste.
 * - sandbox-legacy: GPU instances left running for 2 days, no workload maps it: cost-only.
 * - shared-services: a Support fee on the 1st of each month: recurring, not an anomaly.
 * - tags: sandbox-legacy is far below the coverage objective; a wrong-case key, a resource in its
 *   grace period and overdue ones are spread over payments, search (two owners) and data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEMO_NOW = '2026-11-20T06:00:00Z';
const DAYS = 90;
const DAY = 86_400_000;
const end = Date.parse('2026-11-20T00:00:00Z');
const start = end - DAYS * DAY;
const out = import.meta.dirname;

// mulberry32: a tiny seeded PRNG, so the files are reproducible.
let seed = 20261120;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

interface DemoAccount {
  id: string;
  name: string;
  status: 'ACTIVE' | 'SUSPENDED';
  tags: Record<string, string>;
  env: string;
  owner: string;
  costCenter: string;
  region: string;
  count: number;
}

const accounts: DemoAccount[] = [
  {
    id: '210987654321',
    name: 'payments-prod',
    status: 'ACTIVE',
    tags: { owner: 'payments', 'owner-email': 'payments-oncall@example.com', environment: 'prod' },
    env: 'prod',
    owner: 'payments',
    costCenter: 'cc-1001',
    region: 'us-east-1',
    count: 70,
  },
  {
    id: '210987654322',
    name: 'payments-staging',
    status: 'ACTIVE',
    tags: { owner: 'payments', 'owner-email': 'payments-oncall@example.com', environment: 'staging' },
    env: 'staging',
    owner: 'payments',
    costCenter: 'cc-1001',
    region: 'us-east-1',
    count: 40,
  },
  {
    id: '345678901234',
    name: 'search-prod',
    status: 'ACTIVE',
    tags: { owner: 'search', 'owner-email': 'search-oncall@example.com', environment: 'prod' },
    env: 'prod',
    owner: 'search',
    costCenter: 'cc-2040',
    region: 'eu-west-1',
    count: 60,
  },
  {
    id: '456789012345',
    name: 'data-platform',
    status: 'ACTIVE',
    tags: { owner: 'data', 'owner-email': 'data-eng@example.com', environment: 'prod' },
    env: 'prod',
    owner: 'data',
    costCenter: 'cc-3100',
    region: 'us-east-1',
    count: 55,
  },
  {
    id: '567890123456',
    name: 'sandbox-legacy',
    status: 'ACTIVE',
    tags: { environment: 'sandbox' },
    env: 'sandbox',
    owner: 'finops',
    costCenter: 'cc-9000',
    region: 'us-east-1',
    count: 35,
  },
  {
    id: '678901234567',
    name: 'shared-services',
    status: 'ACTIVE',
    tags: { owner: 'platform', 'owner-email': 'platform@example.com', environment: 'prod' },
    env: 'prod',
    owner: 'platform',
    costCenter: 'cc-0100',
    region: 'us-east-1',
    count: 40,
  },
  {
    id: '789012345678',
    name: 'acquired-closed',
    status: 'SUSPENDED',
    tags: { owner: 'legacy' },
    env: 'prod',
    owner: 'legacy',
    costCenter: 'cc-0000',
    region: 'us-east-1',
    count: 0,
  },
];

interface Kind {
  type: string;
  service: string;
  serviceName: string;
  usage: string;
  weight: number;
  arn: (a: DemoAccount) => string;
  global?: boolean;
}
const kinds: Record<string, Kind> = {
  instance: {
    type: 'ec2:instance',
    service: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud',
    usage: 'BoxUsage:m7g.large',
    weight: 6,
    arn: (a) => `arn:aws:ec2:${a.region}:${a.id}:instance/i-0${hex(16)}`,
  },
  volume: {
    type: 'ec2:volume',
    service: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud',
    usage: 'EBS:VolumeUsage.gp3',
    weight: 1,
    arn: (a) => `arn:aws:ec2:${a.region}:${a.id}:volume/vol-0${hex(16)}`,
  },
  db: {
    type: 'rds:db',
    service: 'rds',
    serviceName: 'Amazon Relational Database Service',
    usage: 'InstanceUsage:db.r7g.large',
    weight: 8,
    arn: (a) =>
      `arn:aws:rds:${a.region}:${a.id}:db:${pick(['orders', 'ledger', 'catalog', 'users'])}-${hex(4)}`,
  },
  fn: {
    type: 'lambda:function',
    service: 'lambda',
    serviceName: 'AWS Lambda',
    usage: 'Lambda-GB-Second-ARM',
    weight: 1,
    arn: (a) =>
      `arn:aws:lambda:${a.region}:${a.id}:function:${pick(['api', 'worker', 'cron', 'webhook'])}-${hex(6)}`,
  },
  table: {
    type: 'dynamodb:table',
    service: 'dynamodb',
    serviceName: 'Amazon DynamoDB',
    usage: 'TimedStorage-ByteHrs',
    weight: 2,
    arn: (a) =>
      `arn:aws:dynamodb:${a.region}:${a.id}:table/${pick(['sessions', 'carts', 'events'])}-${hex(4)}`,
  },
  bucket: {
    type: 's3:bucket',
    service: 's3',
    serviceName: 'Amazon Simple Storage Service',
    usage: 'TimedStorage-ByteHrs',
    weight: 1,
    arn: (a) => `arn:aws:s3:::${a.name}-${pick(['assets', 'logs', 'exports', 'backups'])}-${hex(6)}`,
    global: true,
  },
  queue: {
    type: 'sqs:queue',
    service: 'sqs',
    serviceName: 'Amazon Simple Queue Service',
    usage: 'Requests-Tier1',
    weight: 0.3,
    arn: (a) => `arn:aws:sqs:${a.region}:${a.id}:${pick(['jobs', 'events', 'dlq'])}-${hex(4)}`,
  },
  lb: {
    type: 'elasticloadbalancing:loadbalancer',
    service: 'elasticloadbalancing',
    serviceName: 'Elastic Load Balancing',
    usage: 'LoadBalancerUsage',
    weight: 2,
    arn: (a) =>
      `arn:aws:elasticloadbalancing:${a.region}:${a.id}:loadbalancer/app/${pick(['web', 'api'])}-${hex(4)}/${hex(16)}`,
  },
  role: {
    type: 'iam:role',
    service: 'iam',
    serviceName: 'AWS Identity and Access Management',
    usage: 'None',
    weight: 0,
    arn: (a) => `arn:aws:iam::${a.id}:role/${pick(['deploy', 'app', 'ci', 'readonly'])}-${hex(4)}`,
  },
  snapshot: {
    type: 'ec2:snapshot',
    service: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud',
    usage: 'EBS:SnapshotUsage',
    weight: 0.2,
    arn: (a) => `arn:aws:ec2:${a.region}:${a.id}:snapshot/snap-0${hex(16)}`,
  },
  search: {
    type: 'es:domain',
    service: 'es',
    serviceName: 'Amazon OpenSearch Service',
    usage: 'ESInstance:r7g.xlarge',
    weight: 14,
    arn: (a) => `arn:aws:es:${a.region}:${a.id}:domain/search-${hex(4)}`,
  },
  emr: {
    type: 'elasticmapreduce:cluster',
    service: 'elasticmapreduce',
    serviceName: 'Amazon Elastic MapReduce',
    usage: 'BoxUsage:r7g.2xlarge',
    weight: 10,
    arn: (a) => `arn:aws:elasticmapreduce:${a.region}:${a.id}:cluster/j-${hex(13).toUpperCase()}`,
  },
  gpu: {
    type: 'ec2:instance',
    service: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud',
    usage: 'BoxUsage:g5.12xlarge',
    weight: 0,
    arn: (a) => `arn:aws:ec2:${a.region}:${a.id}:instance/i-0${hex(16)}`,
  },
};
const mixByAccount: Record<string, string[]> = {
  'payments-prod': [
    'instance',
    'instance',
    'volume',
    'db',
    'fn',
    'fn',
    'table',
    'bucket',
    'queue',
    'lb',
    'role',
    'snapshot',
  ],
  'payments-staging': ['instance', 'volume', 'db', 'fn', 'table', 'bucket', 'queue', 'role', 'snapshot'],
  'search-prod': ['search', 'instance', 'instance', 'volume', 'fn', 'bucket', 'lb', 'role', 'snapshot'],
  'data-platform': ['emr', 'instance', 'volume', 'fn', 'bucket', 'bucket', 'table', 'queue', 'role'],
  'sandbox-legacy': ['instance', 'volume', 'fn', 'bucket', 'role', 'snapshot'],
  'shared-services': ['instance', 'volume', 'fn', 'bucket', 'lb', 'role', 'queue', 'table'],
};

interface DemoResource {
  account: DemoAccount;
  kind: Kind;
  arn: string;
  tags: Record<string, string>;
}
const resources: DemoResource[] = [];
const firstSeenDaysAgo = new Map<string, number>();

for (const account of accounts) {
  const mix = mixByAccount[account.name] ?? [];
  for (let i = 0; i < account.count; i += 1) {
    const kind = kinds[mix[i % mix.length] ?? 'instance'] as Kind;
    const tags: Record<string, string> = {
      owner: account.owner,
      environment: account.env,
      'cost-center': account.costCenter,
    };
    if (kind.type === 'ec2:instance' || kind.type === 'lambda:function') tags.Name = `${account.name}-${i}`;
    if (random() < 0.3) tags['aws:cloudformation:stack-name'] = `${account.name}-stack`;
    resources.push({ account, kind, arn: kind.arn(account), tags });
  }
}
const inAccount = (name: string) =>
  resources.filter((r) => r.account.name === name && r.kind.type !== 'ec2:snapshot');
// Cheap resources: the tagging slips in the well-run accounts are small, so only sandbox-legacy misses by spend.
const cheapIn = (name: string) => inAccount(name).filter((r) => r.kind.weight > 0 && r.kind.weight <= 1);
function breakTags(
  list: DemoResource[],
  count: number,
  change: (tags: Record<string, string>) => void,
  daysAgo?: number,
): void {
  for (const r of list.slice(0, count)) {
    change(r.tags);
    if (daysAgo !== undefined) firstSeenDaysAgo.set(r.arn, daysAgo);
  }
}
// Exempt types carry no tags at all and are not counted.
for (const r of resources)
  if (r.kind.type === 'ec2:snapshot') for (const k of Object.keys(r.tags)) delete r.tags[k];

const payments = cheapIn('payments-prod');
breakTags(
  payments.slice(0, 1),
  1,
  (t) => {
    t['Cost-Center'] = t['cost-center'] ?? '';
    delete t['cost-center'];
  },
  3,
);
breakTags(payments.slice(1, 2), 1, (t) => delete t['cost-center'], 12);
breakTags(payments.slice(2, 3), 1, (t) => {
  t.environment = 'production';
});
breakTags(cheapIn('payments-staging'), 1, (t) => delete t.environment);
const search = cheapIn('search-prod');
breakTags(search.slice(0, 1), 1, (t) => delete t.environment, 9);
breakTags(
  search.slice(2, 3),
  1,
  (t) => {
    t.owner = 'ml-research';
    delete t['cost-center'];
  },
  2,
);
breakTags(
  cheapIn('data-platform'),
  2,
  (t) => {
    t['cost-center'] = 'data';
  },
  40,
);
const sandbox = inAccount('sandbox-legacy');
breakTags(
  sandbox.slice(0, 14),
  14,
  (t) => {
    delete t.owner;
    delete t['cost-center'];
  },
  45,
);
breakTags(sandbox.slice(14, 20), 6, (t) => {
  for (const k of Object.keys(t)) delete t[k];
});
// The GPU instances that will run up the sandbox bill: launched untagged two days before DEMO_NOW.
const sandboxAccount = accounts.find((a) => a.name === 'sandbox-legacy') as DemoAccount;
const gpus = [0, 1].map(() => ({
  account: sandboxAccount,
  kind: kinds.gpu as Kind,
  arn: (kinds.gpu as Kind).arn(sandboxAccount),
  tags: { Name: 'llm-experiment' },
}));
resources.push(...gpus);

const awsTags = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
writeFileSync(
  join(out, 'accounts.json'),
  `${JSON.stringify(
    {
      Accounts: accounts.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::100000000001:account/o-demo1234567/${a.id}`,
        Email: `aws+${a.name}@example.com`,
        Name: a.name,
        Status: a.status,
        State: a.status,
        JoinedMethod: 'CREATED',
        JoinedTimestamp: '2023-03-01T09:00:00Z',
        Tags: awsTags(a.tags),
      })),
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(out, 'resources.json'),
  `${JSON.stringify(
    {
      ResourceTagMappingList: resources.map((r) => ({
        ResourceARN: r.arn,
        Tags: awsTags(r.tags),
        ...(r.kind.global && { AccountId: r.account.id, Region: r.account.region }),
      })),
    },
    null,
    2,
  )}\n`,
);

// Daily cost of each account, and the demand and SLO series of the workloads.
const dayCount = DAYS;
const dayOf = (i: number) => new Date(start + i * DAY);
const weekday = (i: number) => dayOf(i).getUTCDay();
const weekly = (i: number, weekend: number) => (weekday(i) === 0 || weekday(i) === 6 ? weekend : 1);
const daysBeforeEnd = (i: number) => dayCount - i; // 1 = the last day (11-19)
const noise = (sd: number) => Math.max(0.5, 1 + sd * normal());

const checkoutDemand: number[] = [];
const searchDemand: number[] = [];
const etlRows: number[] = [];
const costByAccount = new Map<string, number[]>();
for (let i = 0; i < dayCount; i += 1) {
  const growth = daysBeforeEnd(i) <= 12 ? 1 + 0.6 * ((13 - daysBeforeEnd(i)) / 12) : 1;
  const trend = 1 + 0.0015 * i;
  checkoutDemand.push(Math.round(2_000_000 * weekly(i, 0.7) * trend * growth * noise(0.03)));
  searchDemand.push(Math.round(5_000_000 * weekly(i, 0.8) * noise(0.03)));
  etlRows.push(Math.round(1_200_000_000 * noise(0.02)));
  const set = (name: string, value: number) => {
    const list = costByAccount.get(name) ?? [];
    list.push(value);
    costByAccount.set(name, list);
  };
  set('payments-prod', 900 * weekly(i, 0.75) * trend * (1 + 0.92 * (growth - 1)) * noise(0.03));
  set('payments-staging', 150 * weekly(i, 0.6) * noise(0.04));
  set('search-prod', 650 * weekly(i, 0.9) * (daysBeforeEnd(i) <= 6 ? 0.65 : 1) * noise(0.03));
  set('data-platform', 400 * (daysBeforeEnd(i) <= 3 ? 2.6 : 1) * noise(0.03));
  set('sandbox-legacy', 60 * noise(0.05));
  set('shared-services', 120 * noise(0.03));
}

// The FOCUS columns local mode reads, plus a few that make the rows readable.
const header = [
  'BilledCost',
  'BillingCurrency',
  'ChargeCategory',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'EffectiveCost',
  'ProviderName',
  'RegionId',
  'ResourceId',
  'ServiceName',
  'SkuId',
  'SubAccountId',
  'SubAccountName',
  'Tags',
];
const csvField = (value: string | number | null) => {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return value.toFixed(4);
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
};
const lines = [header.join(',')];
const row = (
  i: number,
  a: DemoAccount,
  r: { arn: string | null; kind: Kind | null; tags: Record<string, string> },
  cost: number,
  extra?: { category: string; service: string; frequency: string; sku: string },
) => {
  const day = dayOf(i).toISOString().slice(0, 10);
  const next = new Date(start + (i + 1) * DAY).toISOString().slice(0, 10);
  const kind = r.kind;
  lines.push(
    [
      cost,
      'USD',
      extra?.category ?? 'Usage',
      extra?.frequency ?? 'Usage-Based',
      `${next} 00:00:00`,
      `${day} 00:00:00`,
      cost,
      'AWS',
      a.region,
      r.arn,
      extra?.service ?? kind?.serviceName ?? null,
      extra?.sku ?? kind?.usage ?? null,
      a.id,
      a.name,
      Object.keys(r.tags).length ? JSON.stringify(r.tags) : null,
    ]
      .map((v) => csvField(v as string | number | null))
      .join(','),
  );
};
// Resource-level rows for the last 30 days (tag spend and digest ranking use them); older days are
// summed per service and usage type, as a cost export aggregated for storage would be.
const RESOURCE_LEVEL_DAYS = 30;
for (const account of accounts.filter((a) => a.status === 'ACTIVE')) {
  const costly = resources.filter((r) => r.account === account && r.kind.weight > 0);
  const totalWeight = costly.reduce((sum, r) => sum + r.kind.weight, 0);
  const daily = costByAccount.get(account.name) ?? [];
  for (let i = 0; i < dayCount; i += 1) {
    const total = daily[i] ?? 0;
    const summed = new Map<Kind, number>();
    for (const r of costly) {
      let share = (total * r.kind.weight) / totalWeight;
      // The data-platform waste is EMR only.
      if (
        account.name === 'data-platform' &&
        r.kind.type !== 'elasticmapreduce:cluster' &&
        daysBeforeEnd(i) <= 3
      )
        share /= 2.6;
      const cost = share * noise(0.02);
      if (daysBeforeEnd(i) <= RESOURCE_LEVEL_DAYS) row(i, account, r, cost);
      else summed.set(r.kind, (summed.get(r.kind) ?? 0) + cost);
    }
    for (const [kind, cost] of summed) row(i, account, { arn: null, kind, tags: {} }, cost);
    if (account.name === 'sandbox-legacy' && daysBeforeEnd(i) <= 2)
      for (const g of gpus) row(i, account, g, 130 * noise(0.02));
    if (account.name === 'shared-services' && dayOf(i).getUTCDate() === 1) {
      row(i, account, { arn: null, kind: null, tags: {} }, 1500, {
        category: 'Purchase',
        service: 'AWS Support (Business)',
        frequency: 'Recurring',
        sku: 'Support-Business',
      });
    }
  }
}
writeFileSync(join(out, 'costs.csv'), `${lines.join('\n')}\n`);

const metricLines = ['Timestamp,Id,Value'];
for (let i = 0; i < dayCount; i += 1) {
  const t = dayOf(i).toISOString();
  const breach = daysBeforeEnd(i) <= 5;
  const series: Array<[string, number]> = [
    ['checkout_requests', checkoutDemand[i] ?? 0],
    ['checkout_p99', Math.round(310 * noise(0.05))],
    ['search_requests', searchDemand[i] ?? 0],
    ['search_p99', Number(((breach ? 0.95 : 0.45) * noise(0.04)).toFixed(3))],
    ['etl_rows', etlRows[i] ?? 0],
    ['etl_error_rate', Number((0.002 * noise(0.1)).toFixed(5))],
  ];
  for (const [id, value] of series) metricLines.push(`${t},${id},${value}`);
}
writeFileSync(join(out, 'metrics.csv'), `${metricLines.join('\n')}\n`);

// What earlier runs would have remembered: when each violation was first seen, and the report's history.
const now = Date.parse(DEMO_NOW);
const memory: Record<string, unknown> = Object.fromEntries(
  [...firstSeenDaysAgo].map(([arn, days]) => {
    const r = resources.find((x) => x.arn === arn) as DemoResource;
    return [`first:${arn}`, { firstSeen: new Date(now - days * DAY).toISOString(), accountId: r.account.id }];
  }),
);

// Daily coverage of the past HISTORY_DAYS days, as the daily tag-coverage runs would have kept it
// (report:daily:… in shared/core/report-memory.ts). A violation counts from the day it was first
// seen; one with no first-seen date (and the GPUs, launched two days ago) first shows in this run.
// By spend is approximated by each resource's share of its account's cost (its kind's weight).
const HISTORY_DAYS = 60;
const taggable = resources.filter(
  (r) =>
    r.account.status === 'ACTIVE' &&
    !['ec2:snapshot', 'logs:log-group'].includes(r.kind.type) &&
    !gpus.includes(r as (typeof gpus)[number]),
);
const brokenOn = (r: DemoResource, daysAgo: number) => {
  const since = firstSeenDaysAgo.get(r.arn);
  return since !== undefined && since >= daysAgo;
};
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const coveragePoints = new Map<string, Array<[string, [number, number, number]]>>();
for (let daysAgo = HISTORY_DAYS; daysAgo >= 1; daysAgo -= 1) {
  const day = new Date(now - daysAgo * DAY).toISOString().slice(0, 10);
  const org = { count: 0, compliant: 0, spend: 0, untagged: 0 };
  for (const account of accounts.filter((a) => a.status === 'ACTIVE')) {
    const list = taggable.filter((r) => r.account === account);
    const weight = list.reduce((sum, r) => sum + r.kind.weight, 0);
    const broken = list.filter((r) => brokenOn(r, daysAgo));
    const brokenWeight = broken.reduce((sum, r) => sum + r.kind.weight, 0);
    // The 30 days of spend before that day, as the spend window of a run on it.
    const daily = costByAccount.get(account.name) ?? [];
    const endIndex = dayCount - daysAgo;
    const spend = daily.slice(Math.max(0, endIndex - 30), endIndex).reduce((sum, x) => sum + x, 0);
    const untagged = weight > 0 ? (spend * brokenWeight) / weight : 0;
    const byCount = list.length ? 1 - broken.length / list.length : 1;
    const bySpend = spend > 0 ? 1 - untagged / spend : 1;
    const key = `report:daily:coverage/account/${account.id}`;
    coveragePoints.set(key, [
      ...(coveragePoints.get(key) ?? []),
      [day, [round4(byCount), round4(bySpend), Math.round(untagged * 100) / 100]],
    ]);
    org.count += list.length;
    org.compliant += list.length - broken.length;
    org.spend += spend;
    org.untagged += untagged;
  }
  const key = 'report:daily:coverage/org';
  coveragePoints.set(key, [
    ...(coveragePoints.get(key) ?? []),
    [
      day,
      [
        round4(org.compliant / org.count),
        round4(1 - org.untagged / org.spend),
        Math.round(org.untagged * 100) / 100,
      ],
    ],
  ]);
}
for (const [key, points] of coveragePoints) memory[key] = { points };

// The last 30 one-minute probe rounds before DEMO_NOW (report:round:… ring slots): demo-healthy and
// demo-failing passed every one (demo-failing goes down in this run); demo-cert-expiring is new.
const probeMemory: Record<string, unknown> = {};
for (const name of ['demo-healthy', 'demo-failing']) {
  for (let slot = 0; slot < 30; slot += 1) {
    const at = new Date(now - (30 - slot) * 60_000).toISOString();
    const dnsMs = 0.2 + random() * 0.3;
    const connectMs = 0.4 + random() * 0.6;
    const ttfbMs = dnsMs + connectMs + 1.5 + random() * 4 + (slot === 17 ? 38 : 0);
    const r1 = (x: number) => Math.round(x * 10) / 10;
    probeMemory[`report:round:probe/${name}#${slot}`] = {
      at,
      value: {
        ok: true,
        status: 200,
        totalMs: r1(ttfbMs + 0.3 + random() * 0.4),
        dnsMs: r1(dnsMs),
        connectMs: r1(connectMs),
        ttfbMs: r1(ttfbMs),
      },
    };
  }
}
writeFileSync(
  join(out, 'baseline-state.json'),
  `${JSON.stringify(
    {
      format: 'finops-guardrails/state@1',
      checks: {
        'tag-coverage': { incidents: {}, memory },
        probe: { incidents: {}, memory: probeMemory },
      },
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `wrote ${resources.length} resources, ${lines.length - 1} cost rows, ${metricLines.length - 1} metric points\n`,
);
