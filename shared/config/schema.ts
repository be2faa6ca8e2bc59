import * as z from 'zod';
import { probeTargetSchema } from '../checks/probe/types.js';
import { costPolicySchema } from './cost-policy-schema.js';
import { MAX_DURATION_DAYS, withinDurationLimit } from './duration.js';
import { inventorySchema } from './inventory.js';
import { metricPeriodIssues } from './metric-retention.js';
import { patternProblem, tagValuePatternOptions } from './pattern.js';

/**
 * The schema of `guardrails.config.yaml`. It is the single source of truth:
 * CDK, the CLI and the handlers all receive the object this parses to, and
 * `schemas/guardrails-config.schema.json` is generated from it.
 */

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const region = z
  .string()
  .regex(/^([a-z]{2}(-gov|-iso[a-z]*)?|eusc-[a-z]{2})-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name');
const duration = z
  .string()
  .regex(/^\d+[smhd]$/, 'must be a duration such as 90s, 15m, 24h or 7d')
  // A larger duration would put deadlines and retention past what a date can hold (a RangeError at run time).
  .refine(withinDurationLimit, `must be at most ${MAX_DURATION_DAYS}d (10 years)`)
  .describe(`A duration: a number followed by s, m, h or d, at most ${MAX_DURATION_DAYS}d.`);

export const ownerSchema = z
  .object({
    team: z.string().min(1),
    contact: z.string().min(1).optional().describe('E-mail, Slack channel or PagerDuty service of the team.'),
  })
  .strict();

export const organizationSchema = z
  .object({
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-abc1234567')
      .optional()
      .describe('Cross-account trust is conditioned on this id (aws:PrincipalOrgID).'),
    managementAccountId: accountId.optional(),
    toolingAccountId: accountId.optional(),
    accounts: z
      .union([z.literal('auto'), z.array(accountId).min(1)])
      .default('auto')
      .describe('`auto` lists ACTIVE accounts through AWS Organizations; or a fixed list of ids.'),
    excludeAccounts: z.array(accountId).default([]),
    regions: z.array(region).min(1).default(['us-east-1']),
    memberRoleName: roleName.default('FinopsGuardrailsMemberRead'),
    managementRoleName: roleName.default('FinopsGuardrailsManagementRead'),
    externalId: z.string().min(2).max(1224).optional().describe('Passed to sts:AssumeRole when set.'),
    ownerTagKeys: z
      .array(z.string().min(1))
      .min(1)
      .default(['owner', 'team'])
      .describe('Tag keys that name an owner, first match wins, on the resource and then on the account.'),
    contactTagKeys: z.array(z.string().min(1)).default(['owner-email', 'contact']),
    defaultOwner: ownerSchema.default({ team: 'finops' }),
    scanConcurrency: z.number().int().min(1).max(64).default(8),
    fanOutAboveAccounts: z.number().int().min(1).max(100_000).default(50),
    fanOutMaxConcurrency: z.number().int().min(1).max(10_000).default(40),
    stackSetTargetOus: z
      .array(z.string().regex(/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/))
      .default([]),
    inventory: inventorySchema
      .default(inventorySchema.parse({}))
      .describe('Which services list the resources tag-coverage judges.'),
  })
  .strict();

export const requiredTagSchema = z
  .object({
    key: z.string().min(1).max(128),
    allowedValues: z.array(z.string().min(1)).min(1).optional(),
    pattern: z
      .string()
      .optional()
      .describe('A regular expression (RE2 syntax, matched in linear time) the whole value must match.'),
    keyCase: z
      .enum(['exact', 'insensitive'])
      .default('exact')
      .describe('`insensitive` accepts CostCenter for costcenter but still suggests the canonical spelling.'),
    valueCase: z.enum(['exact', 'insensitive']).default('exact'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    // Compiled exactly as the run compiles it (same engine, same flags), so what validates runs.
    const problem =
      rule.pattern === undefined ? undefined : patternProblem(rule.pattern, tagValuePatternOptions(rule));
    if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
  });

export const tagPolicySchema = z
  .object({
    requiredTags: z.array(requiredTagSchema).min(1),
    exemptResourceTypes: z
      .array(z.string().min(1))
      .default([])
      .describe('Resource types such as ec2:snapshot, or CloudFormation types such as AWS::EC2::Snapshot.'),
    exemptAccounts: z.array(accountId).default([]),
    gracePeriod: duration.default('7d'),
    escalateAfter: duration
      .default('30d')
      .describe('After first seen plus this, an overdue violation is an error.'),
    coverageObjective: z.number().min(0).max(1).default(0.95),
    useCostExplorerTags: z.boolean().default(true),
    spendMetric: z
      .enum(['AmortizedCost', 'NetAmortizedCost'])
      .default('AmortizedCost')
      .describe(
        'Cost Explorer metric of spend coverage. Amortized, so usage covered by Reserved Instances or Savings Plans counts at its share of the commitment (unblended, it costs 0 or the On-Demand price).',
      ),
  })
  .strict();

/** A metric query, shaped like a CloudWatch GetMetricData MetricDataQuery. `id` also names the series in metrics.csv. */
export const metricQuerySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9_]{0,254}$/, 'must start with a lower-case letter (GetMetricData Id rules)'),
    namespace: z.string().min(1).optional(),
    metricName: z.string().min(1).optional(),
    dimensions: z.record(z.string(), z.string()).default({}),
    stat: z.string().default('Sum').describe('Sum, Average, p99, …'),
    period: z
      .number()
      .int()
      .min(60)
      .max(86_400, 'must be at most 86400 (one point a day or more)')
      .multipleOf(60, 'must be a multiple of 60 seconds')
      .default(86_400),
    expression: z.string().min(1).optional().describe('A metric math expression instead of a metric.'),
    accountId: accountId.optional(),
    region: region.optional(),
  })
  .strict()
  .refine((q) => Boolean(q.expression) !== Boolean(q.namespace && q.metricName), {
    message: 'give either namespace and metricName, or expression',
  });

export const sloSchema = z
  .object({
    name: z.string().min(1),
    metric: metricQuerySchema,
    objective: z
      .object({ comparison: z.enum(['<=', '>=']), threshold: z.number().min(-1e15).max(1e15) })
      .strict()
      .describe('The SLO is met on a day when the metric compares so to the threshold.'),
    kind: z.enum(['latency', 'error-rate', 'availability', 'saturation']).default('latency'),
    target: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.99)
      .describe('Share of days that must meet the objective; the rest is the error budget.'),
  })
  .strict();

export const workloadSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
    owner: ownerSchema.optional(),
    costFilter: z
      .object({
        accounts: z.array(accountId).default([]),
        services: z.array(z.string().min(1)).default([]),
        tags: z.record(z.string(), z.array(z.string())).default({}),
      })
      .strict()
      .refine((f) => f.accounts.length + f.services.length + Object.keys(f.tags).length > 0, {
        message: 'a cost filter needs at least one of accounts, services or tags',
      }),
    demand: z
      .object({ metric: metricQuerySchema, unit: z.string().default('requests') })
      .strict()
      .optional(),
    slos: z.array(sloSchema).default([]),
  })
  .strict();

export const anomalySchema = z
  .object({
    lookbackDays: z.number().int().min(21).max(395).default(90).describe('Cost Explorer keeps 13 months.'),
    minImpactUsd: z
      .number()
      .min(0)
      .max(1e9)
      .default(25)
      .describe('Daily dollar impact below which nothing pages.'),
    relativeThreshold: z.number().min(0).max(100).default(0.2),
    zThreshold: z.number().min(0.1).max(1000).default(4),
    includeRecordTypes: z
      .array(z.enum(['Credit', 'Refund', 'Tax']))
      .default([])
      .describe(
        'Credits, refunds and tax are left out of the cost series unless listed here; support, upfront and recurring fees are always in.',
      ),
    unsafeSavingWindowDays: z.number().int().min(0).max(30).default(3),
    wasteErrorAboveUsdPerMonth: z.number().min(0).max(1e12).default(1000),
    costMetric: z
      .enum(['UnblendedCost', 'AmortizedCost', 'NetAmortizedCost', 'NetUnblendedCost'])
      .default('UnblendedCost'),
    useAwsAnomalies: z.boolean().default(true),
    useBudgets: z.boolean().default(true),
  })
  .strict();

export const sinksSchema = z
  .object({
    sqs: z
      .object({
        queueArn: z
          .string()
          .regex(/^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/, 'must be an SQS queue ARN')
          .optional()
          .describe('Import an existing incident queue. Without it, the stack creates one.'),
        kmsKeyArn: z
          .string()
          .regex(/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/, 'must be a KMS key ARN (not an alias)')
          .optional()
          .describe(
            "The customer-managed key of an imported queue's SSE-KMS. Senders get kms:GenerateDataKey and kms:Decrypt on it through SQS; `finops-guardrails queue-policy` prints what the key's owner must allow.",
          ),
        fifo: z.boolean().default(false),
      })
      .strict()
      .refine((sqs) => sqs.kmsKeyArn === undefined || sqs.queueArn !== undefined, {
        message:
          'kmsKeyArn is the key of an imported queue: set queueArn too (a created queue uses the stack key)',
        path: ['kmsKeyArn'],
      })
      .refine(
        (sqs) => sqs.kmsKeyArn === undefined || sqs.queueArn?.split(':')[3] === sqs.kmsKeyArn.split(':')[3],
        { message: "must be in the queue's region: SQS uses a key of its own region", path: ['kmsKeyArn'] },
      )
      .default({ fifo: false }),
    jsonl: z
      .object({ path: z.string().min(1) })
      .strict()
      .optional(),
    pagerduty: z
      .object({
        routingKeySecretArn: z
          .string()
          .startsWith('arn:')
          .describe('Secrets Manager secret holding the routing key.'),
        observerSecretName: z
          .string()
          .regex(/^[\w/+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')
          .refine(
            (name) => !/-[A-Za-z0-9]{6}$/.test(name),
            'must not end in a hyphen and six characters, which Secrets Manager reads as the suffix of an ARN',
          )
          .optional()
          .describe(
            'A secret of this name in every observer region of the observer account holds the same routing key: the probe pages PagerDuty without reaching into the tooling account. Required when the observer account is another account.',
          ),
        minSeverity: z.enum(['info', 'warning', 'error', 'critical']).default('error'),
      })
      .strict()
      .optional(),
    sns: z
      .object({
        topicArn: z
          .string()
          .regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/, 'must be an SNS topic ARN'),
        minSeverity: z.enum(['info', 'warning', 'error', 'critical']).default('error'),
      })
      .strict()
      .optional()
      .describe(
        "The probe's own paging topic, independent of the incident queue. ProbeStack creates one when absent.",
      ),
    slack: z
      .object({ webhookSecretArn: z.string().startsWith('arn:') })
      .strict()
      .optional(),
    eventbridge: z
      .object({ eventBusArn: z.string().startsWith('arn:') })
      .strict()
      .optional(),
  })
  .strict();

const schedule = z
  .string()
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, 'must be rate(...) or cron(...)');

export const schedulesSchema = z
  .object({
    tagCoverage: schedule.default('cron(0 6 * * ? *)'),
    costAnomaly: schedule.default('cron(0 14 * * ? *)').describe('After Cost Explorer has refreshed.'),
    probe: schedule.default('rate(1 minute)'),
    timezone: z.string().default('UTC'),
  })
  .strict();

export const stateSchema = z
  .object({
    renotifyAfter: duration.default('24h'),
    resolvedRetention: duration.default('90d'),
  })
  .strict();

/** Placement of the stacks. Missing accounts mean "the account you deploy to". */
export const deploymentSchema = z
  .object({
    toolingRegion: region.default('us-east-1'),
    observer: z
      .object({
        accountId: accountId.optional(),
        region: region
          .default('us-west-2')
          .describe('The primary observer region: it holds the probe state table.'),
        regions: z
          .array(region)
          .optional()
          .describe(
            'More observer regions besides `region`, each with its own probe, schedule, paging topic and heartbeat alarm, and a replica of the state table, so probes can judge a quorum across regions.',
          ),
      })
      .strict()
      .superRefine((observer, ctx) => {
        const seen = new Set([observer.region]);
        observer.regions?.forEach((r, j) => {
          if (seen.has(r)) {
            ctx.addIssue({
              code: 'custom',
              path: ['regions', j],
              message: `${r} is already an observer region`,
            });
          }
          seen.add(r);
        });
      })
      .default({ region: 'us-west-2' }),
    alarmEmail: z.email().optional(),
    logRetentionDays: z.number().int().min(1).max(3653).default(30),
    tags: z
      .record(z.string().min(1).max(128), z.string().max(256))
      .default({})
      .describe(
        'Tags on every resource of the deployed stacks; they should meet tagPolicy, which check-template verifies.',
      ),
  })
  .strict();

/** Secrets in URLs shown by events, logs and summaries. */
export const redactionSchema = z
  .object({
    queryParams: z
      .array(z.string().min(1).max(128))
      .max(100)
      .default([])
      .describe(
        'Query (and fragment) parameter names whose values are redacted wherever a URL is shown, case-insensitive, besides the built-in list (token, key, apikey, api_key, access_token, signature, X-Amz-Signature, X-Amz-Credential, sig, password, secret, code, …). User and password in a URL are always redacted.',
      ),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1),
    organization: organizationSchema.default(organizationSchema.parse({})),
    tagPolicy: tagPolicySchema.optional(),
    costPolicy: costPolicySchema.optional(),
    workloads: z.array(workloadSchema).default([]),
    anomaly: anomalySchema.default(anomalySchema.parse({})),
    probes: z.array(probeTargetSchema).default([]),
    sinks: sinksSchema.default(sinksSchema.parse({})),
    schedules: schedulesSchema.default(schedulesSchema.parse({})),
    state: stateSchema.default(stateSchema.parse({})),
    deployment: deploymentSchema.default(deploymentSchema.parse({})),
    redaction: redactionSchema.default(redactionSchema.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    const unique = (items: ReadonlyArray<{ name: string }>, section: 'workloads' | 'probes') => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [section, i, 'name'],
            message: `duplicate name ${item.name}`,
          });
        }
        seen.add(item.name);
      });
    };
    unique(config.workloads, 'workloads');
    unique(config.probes, 'probes');
    // A probe runs only where an observer is deployed: a location nobody deploys never reports, so its quorum is unreachable.
    const observers = observerRegions(config.deployment);
    config.probes.forEach((probe, i) => {
      probe.regions?.forEach((r, j) => {
        if (!observers.includes(r)) {
          ctx.addIssue({
            code: 'custom',
            path: ['probes', i, 'regions', j],
            message: `${r} is not an observer region (deployment.observer.region or .regions: ${observers.join(', ')})`,
          });
        }
      });
    });
    for (const issue of metricPeriodIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    // A metric id names one query (as in GetMetricData and metrics.csv): the same id may not mean two metrics.
    const byId = new Map<string, string>();
    config.workloads.forEach((w, i) => {
      const queries: Array<[MetricQuery, PropertyKey[]]> = [
        ...(w.demand
          ? [[w.demand.metric, ['workloads', i, 'demand', 'metric', 'id']] as [MetricQuery, PropertyKey[]]]
          : []),
        ...w.slos.map(
          (slo, j) =>
            [slo.metric, ['workloads', i, 'slos', j, 'metric', 'id']] as [MetricQuery, PropertyKey[]],
        ),
      ];
      for (const [query, path] of queries) {
        const spelled = JSON.stringify(query);
        const seen = byId.get(query.id);
        if (seen !== undefined && seen !== spelled) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `metric id ${query.id} already names a different query`,
          });
        }
        byId.set(query.id, seen ?? spelled);
      }
    });
  });

/**
 * Every observer region, the primary (`deployment.observer.region`) first.
 * @example observerRegions({ observer: { region: 'us-west-2', regions: ['eu-central-1'] } }) // ['us-west-2', 'eu-central-1']
 */
export function observerRegions(deployment: {
  readonly observer: { readonly region: string; readonly regions?: readonly string[] | undefined };
}): string[] {
  return [deployment.observer.region, ...(deployment.observer.regions ?? [])];
}

export type GuardrailsConfig = z.infer<typeof configSchema>;
export type GuardrailsConfigInput = z.input<typeof configSchema>;
export type TagPolicy = z.infer<typeof tagPolicySchema>;
export type Workload = z.infer<typeof workloadSchema>;
export type MetricQuery = z.infer<typeof metricQuerySchema>;
export type Owner = z.infer<typeof ownerSchema>;
