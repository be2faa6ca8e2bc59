import * as z from 'zod';

/**
 * The zod schema of `costPolicy` in `guardrails.config.yaml`: cost rules as
 * data, judged by the pure rule functions under `shared/checks/cost-policy/`
 * on CloudFormation templates (before merge) and on AWS Config items.
 */

/** Globs (`*`, `?`) only: no user regex ever reaches a backtracking engine. */
const glob = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\w.:/*?@+=,-]+$/, 'must be a glob of letters, digits, . : / - _ and the wildcards * and ?')
  .describe('A glob: * matches any run of characters, ? one character.');

const environmentName = z.string().min(1).max(256);

const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (at most 63)');

const cloudFormationType = z
  .string()
  .regex(
    /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/,
    'must be a CloudFormation type such as AWS::EC2::NatGateway',
  );

/** Fields every rule has. */
const ruleBase = {
  id: ruleId,
  description: z.string().min(1).max(1024).optional(),
  severity: z
    .enum(['info', 'warning', 'error', 'critical'])
    .default('error')
    .describe('`check-template` fails on warning and above; `info` is reported only.'),
  environments: z
    .array(environmentName)
    .min(1)
    .optional()
    .describe(
      'Judge only resources whose environment tag has one of these values; absent means every environment. A resource without the tag is judged as if in every environment.',
    ),
};

export const allowedInstanceTypesRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('allowed-instance-types'),
    allow: z
      .array(glob)
      .min(1)
      .describe(
        "Instance types, classes or node types allowed, in each service's own names: t3.*, m7g.large, db.t4g.* (RDS, Aurora, Neptune, DocumentDB, MemoryDB), cache.t4g.*, *.search, ra3.* (Redshift), dms.t3.*, ml.t3.*, mq.m5.*, kafka.m7g.* and express.m7g.* (MSK), stream.standard.* (AppStream), dax.t3.* (DAX), db.influx.* (Timestream for InfluxDB); Batch also takes families (c5) and optimal, default_x86_64, default_arm64",
      ),
    deny: z.array(glob).default([]).describe('Denied even when allowed: db.*.16xlarge'),
    services: z
      .array(
        z.enum([
          'ec2',
          'rds',
          'elasticache',
          'opensearch',
          'memorydb',
          'redshift',
          'dms',
          'sagemaker',
          'mq',
          'msk',
          'appstream',
          'dax',
          'timestream-influxdb',
        ]),
      )
      .min(1)
      .optional()
      .describe(
        'Judge only these services; absent means all. ec2 includes EKS node groups, EMR and Batch; rds includes Aurora, Neptune and DocumentDB.',
      ),
  })
  .strict();

export const logRetentionRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('log-retention'),
    maxDays: z
      .number()
      .int()
      .min(1)
      .max(3653)
      .optional()
      .describe('Longest retention allowed; absent: any retention, as long as one is set.'),
  })
  .strict();

export const s3LifecycleRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('s3-lifecycle'),
    abortIncompleteUploadDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(7)
      .describe('An enabled rule must abort incomplete multipart uploads after at most this many days.'),
    requireExpirationOrTransition: z
      .boolean()
      .default(true)
      .describe('An enabled rule must also expire or transition objects.'),
  })
  .strict();

export const resourceLimitRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('resource-limit'),
    resourceType: cloudFormationType,
    max: z
      .number()
      .int()
      .min(0)
      .describe(
        'At most this many per environment: in one template before deploy, in one account at runtime.',
      ),
  })
  .strict();

export const volumeTypeRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('volume-type'),
    allowedTypes: z
      .array(z.string().min(1).max(32))
      .min(1)
      .describe('EBS volume and RDS storage types: gp3, io2, …'),
    maxSizeGiB: z.number().int().min(1).optional(),
    maxIops: z.number().int().min(1).optional(),
    services: z
      .array(z.enum(['ebs', 'rds']))
      .min(1)
      .optional()
      .describe('Judge only EBS volumes (and block device mappings) or only RDS storage; absent means both.'),
  })
  .strict();

export const egressRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('egress'),
    allowedEnvironments: z
      .array(environmentName)
      .default([])
      .describe('Environments where public egress is allowed; everywhere else it is a violation.'),
    resources: z
      .array(z.enum(['nat-gateway', 'internet-gateway', 'egress-only-internet-gateway', 'security-group']))
      .min(1)
      .optional()
      .describe('What counts as public egress; absent means all four.'),
  })
  .strict();

export const costRuleSchema = z.discriminatedUnion('kind', [
  allowedInstanceTypesRuleSchema,
  logRetentionRuleSchema,
  s3LifecycleRuleSchema,
  resourceLimitRuleSchema,
  volumeTypeRuleSchema,
  egressRuleSchema,
]);

export const costWaiverSchema = z
  .object({
    rule: ruleId.describe('The id of the rule waived.'),
    resource: glob.describe(
      'A logical id (before deploy, and at runtime through the aws:cloudformation:logical-id tag) or an ARN pattern such as arn:aws:ec2:*:123456789012:natgateway/*.',
    ),
    reason: z.string().min(1).max(1024),
    expires: z.iso
      .date('must be a date such as 2027-03-31')
      .describe('The last day the waiver holds (UTC); from the next day the violation is back.'),
  })
  .strict();

export const costPolicySchema = z
  .object({
    environmentTagKey: z
      .string()
      .min(1)
      .max(128)
      .default('environment')
      .describe('The tag whose value names the environment; matched exactly, then ignoring case.'),
    rules: z.array(costRuleSchema).min(1),
    waivers: z.array(costWaiverSchema).default([]),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
    });
  });

export type CostPolicy = z.infer<typeof costPolicySchema>;
export type CostRule = z.infer<typeof costRuleSchema>;
export type CostWaiver = z.infer<typeof costWaiverSchema>;
export type CostRuleKind = CostRule['kind'];
/** The rule of one kind, for the rule functions. */
export type CostRuleOf<K extends CostRuleKind> = Extract<CostRule, { kind: K }>;
