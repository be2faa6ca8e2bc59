import type { GuardrailsConfig } from '../shared/config/schema.js';
import { needsFanOut } from './deployment-plan.js';
import { PROBE_FUNCTION_ID, probeStackName, roleNamePattern, STACK_NAMES } from './stack-names.js';

/**
 * What the owner of an imported incident queue (`sinks.sqs.queueArn`) must
 * allow, worked out without CDK for the CLI: the roles that send to it, the
 * queue policy statement that lets them, and, with `sinks.sqs.kmsKeyArn`, the
 * key policy statement that lets them use the key through SQS. The stacks
 * grant the same roles the same actions on their side.
 */

/** One account's sending roles, by ARN pattern. */
export interface QueueSender {
  readonly account: string;
  readonly roleArnPatterns: readonly string[];
}

/** A policy statement, as JSON. */
export type PolicyStatementJson = Readonly<Record<string, unknown>>;

export interface ImportedQueueAccess {
  readonly queueArn: string;
  readonly senders: readonly QueueSender[];
  /** For the queue's access policy. */
  readonly queuePolicyStatement: PolicyStatementJson;
  /** `sinks.sqs.kmsKeyArn`, when the queue uses a customer-managed key. */
  readonly keyArn?: string;
  /** For the key policy of {@link keyArn}; absent without a customer-managed key. */
  readonly keyPolicyStatement?: PolicyStatementJson;
}

/** The accounts the stacks deploy to. */
export interface SenderAccounts {
  readonly tooling: string;
  /** @default the tooling account */
  readonly observer?: string;
}

/** The construct ids of the tooling functions that send to the queue, as the config deploys them. */
function toolingSenders(config: GuardrailsConfig): string[] {
  return [
    ...(config.tagPolicy ? ['TagCoverage'] : []),
    'CostAnomaly',
    ...(config.costPolicy ? ['CostPolicy'] : []),
    ...(config.tagPolicy && needsFanOut(config) ? ['Aggregate'] : []),
  ];
}

/**
 * The statements an imported queue's owner adds. Principals are accounts,
 * narrowed by `aws:PrincipalArn` to the sending roles' name patterns (a
 * policy naming a role that does not exist yet is refused, and a replaced
 * role keeps matching), and to the organization when it is configured.
 *
 * @throws Error when the config imports no queue.
 */
export function importedQueueAccess(config: GuardrailsConfig, accounts: SenderAccounts): ImportedQueueAccess {
  const { queueArn, kmsKeyArn } = config.sinks.sqs;
  if (!queueArn)
    throw new Error('sinks.sqs.queueArn: no imported queue; the stack creates and grants its own');
  const [, partition = 'aws', , region = ''] = queueArn.split(':');
  const iam = (account: string, pattern: string) => `arn:${partition}:iam::${account}:role/${pattern}`;
  const observer = accounts.observer ?? accounts.tooling;
  const probePatterns = [
    config.deployment.observer.region,
    ...(config.deployment.observer.regions ?? []),
  ].map((r) => iam(observer, roleNamePattern(probeStackName(config, r), PROBE_FUNCTION_ID)));
  const toolingPatterns = toolingSenders(config).map((id) =>
    iam(accounts.tooling, roleNamePattern(STACK_NAMES.guardrails, id)),
  );
  const senders: QueueSender[] =
    observer === accounts.tooling
      ? [{ account: accounts.tooling, roleArnPatterns: [...toolingPatterns, ...probePatterns] }]
      : [
          { account: accounts.tooling, roleArnPatterns: toolingPatterns },
          { account: observer, roleArnPatterns: probePatterns },
        ];
  const principal = { AWS: senders.map((s) => `arn:${partition}:iam::${s.account}:root`) };
  const fromSenders = {
    ArnLike: { 'aws:PrincipalArn': senders.flatMap((s) => s.roleArnPatterns) },
    ...(config.organization.organizationId && {
      StringEquals: { 'aws:PrincipalOrgID': config.organization.organizationId },
    }),
  };
  const urlSuffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return {
    queueArn,
    senders,
    queuePolicyStatement: {
      Sid: 'FinopsGuardrailsSendIncidents',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: fromSenders,
    },
    ...(kmsKeyArn && {
      keyArn: kmsKeyArn,
      keyPolicyStatement: {
        Sid: 'FinopsGuardrailsEncryptIncidents',
        Effect: 'Allow',
        Principal: principal,
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        // In a key policy, "*" is the key itself.
        Resource: '*',
        Condition: {
          ...fromSenders,
          StringEquals: {
            ...fromSenders.StringEquals,
            'kms:ViaService': `sqs.${region}.${urlSuffix}`,
          },
        },
      },
    }),
  };
}
