import { Annotations, Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { MemberReadRoleStackSet, toolingTrust } from './member-read-role.js';

/** Props of the {@link ManagementAccessStack}. */
export interface ManagementAccessStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  /** The tooling account. @default - this stack's own account (single-account mode) */
  readonly toolingAccountId?: string;
  /** Roles of the tooling account allowed to assume, by name pattern: `<GuardrailsStack name>-*`. */
  readonly toolingRoleNamePattern: string;
  /** Tags the StackSet's member template carries. @default - none */
  readonly memberTags?: Readonly<Record<string, string>>;
}

/**
 * The management (payer) account stack (DESIGN §4): the read-only role
 * through which the tooling account reads Cost Explorer, Budgets and
 * Organizations, and the service-managed StackSet that gives every member
 * account its read role. Both can only come from the management account:
 * Cost Explorer and Organizations answer for the whole organization there,
 * and a service-managed StackSet is created there (or by a delegated admin).
 *
 * @example
 * new ManagementAccessStack(app, 'ManagementAccessStack', {
 *   config, toolingAccountId: '222222222222', toolingRoleNamePattern: 'GuardrailsStack-*',
 *   env: { account: '111111111111', region: 'us-east-1' },
 * });
 */
export class ManagementAccessStack extends Stack {
  readonly role: Role;
  /** Absent when the config names no `stackSetTargetOus`. */
  readonly memberRoleStackSet?: MemberReadRoleStackSet;

  constructor(scope: Construct, id: string, props: ManagementAccessStackProps) {
    super(scope, id, props);
    const { organization } = props.config;
    const trust = {
      toolingRoleNamePattern: props.toolingRoleNamePattern,
      ...(props.toolingAccountId && { toolingAccountId: props.toolingAccountId }),
      ...(organization.organizationId && { organizationId: organization.organizationId }),
      ...(organization.externalId && { externalId: organization.externalId }),
    };

    this.role = new Role(this, 'ManagementReadRole', {
      roleName: organization.managementRoleName,
      description:
        'finops-guardrails: read-only Cost Explorer, Budgets and Organizations access for the tooling account',
      assumedBy: toolingTrust(trust),
      // Role chaining caps the session at one hour anyway.
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: { ReadCostsBudgetsAccounts: managementReadPolicy(props.config) },
    });
    Validations.of(this.role).acknowledge(...managementReadAcknowledgements(props.config));

    if (organization.stackSetTargetOus.length > 0) {
      this.memberRoleStackSet = new MemberReadRoleStackSet(this, 'MemberReadRole', {
        config: props.config,
        toolingAccountId: props.toolingAccountId ?? Aws.ACCOUNT_ID,
        toolingRoleNamePattern: props.toolingRoleNamePattern,
        targetOus: organization.stackSetTargetOus,
        region: this.region,
        ...(props.memberTags && { tags: props.memberTags }),
      });
    } else {
      // Info, not a warning: single-account mode rightly has no OUs, and `cdk synth --strict` must pass.
      Annotations.of(this).addInfoV2(
        'finops-guardrails:NoStackSetTargets',
        `No organization.stackSetTargetOus configured: the member read role (${organization.memberRoleName}) is not deployed org-wide. ` +
          'List OU ids (or the root id r-...) to deploy it to every member account through a service-managed StackSet.',
      );
    }

    new CfnOutput(this, 'ManagementReadRoleArn', { value: this.role.roleArn });
  }
}

/**
 * Exactly the calls the checks make through the management role: Cost
 * Explorer series and anomalies, budgets, and the account directory.
 */
export function managementReadPolicy(config: GuardrailsConfig): PolicyDocument {
  const { organizationId } = config.organization;
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'CostExplorer',
        actions: ['ce:GetCostAndUsage', 'ce:GetAnomalies'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'Budgets',
        // DescribeBudgets and DescribeBudget are authorized by budgets:ViewBudget.
        actions: ['budgets:ViewBudget'],
        resources: [`arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:budget/*`],
      }),
      new PolicyStatement({
        sid: 'ListAccounts',
        actions: ['organizations:ListAccounts'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'AccountTags',
        actions: ['organizations:ListTagsForResource'],
        resources: [organizationAccountsArn(organizationId)],
      }),
    ],
  });
}

/** Every account of the organization: `arn:aws:organizations::<management>:account/<o-id>/*`. */
function organizationAccountsArn(organizationId: string | undefined): string {
  return `arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/${organizationId ?? 'o-*'}/*`;
}

function managementReadAcknowledgements(config: GuardrailsConfig) {
  const nagArn = (arn: string) =>
    arn.replace(Aws.PARTITION, '<AWS::Partition>').replace(Aws.ACCOUNT_ID, '<AWS::AccountId>');
  return [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ce:GetCostAndUsage, ce:GetAnomalies and organizations:ListAccounts support no resource-level permissions; all three are read-only.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${nagArn(`arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:budget/*`)}]`,
      reason:
        'The budget checks read every budget of the management account, including budgets created after deploy; budgets:ViewBudget is read-only.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${nagArn(organizationAccountsArn(config.organization.organizationId))}]`,
      reason:
        'Owners come from the tags of every account of the organization, including accounts that join after deploy; scoped to this organization when organizationId is set.',
    },
  ];
}
