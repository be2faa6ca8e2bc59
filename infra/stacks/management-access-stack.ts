import { Annotations, Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import {
  allManagementReads,
  managementReadAcknowledgements,
  managementReadStatements,
  readsManagementWithOwnRole,
} from '../iam/management-reads.js';
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
  /**
   * Absent when the checks read the management account with their own role
   * ({@link readsManagementWithOwnRole}): nothing would assume it.
   */
  readonly role?: Role;
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

    if (!readsManagementWithOwnRole(props.config)) {
      this.role = new Role(this, 'ManagementReadRole', {
        roleName: organization.managementRoleName,
        description:
          'finops-guardrails: read-only Cost Explorer, Budgets and Organizations access for the tooling account',
        assumedBy: toolingTrust(trust),
        // Role chaining caps the session at one hour anyway.
        maxSessionDuration: Duration.hours(1),
        inlinePolicies: { ReadCostsBudgetsAccounts: managementReadPolicy(props.config) },
      });
      Validations.of(this.role).acknowledge(
        ...managementReadAcknowledgements(props.config, allManagementReads(props.config)),
      );
      new CfnOutput(this, 'ManagementReadRoleArn', { value: this.role.roleArn });
    }

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
  }
}

/**
 * Exactly the calls the checks make through the management role: the
 * account directory, Cost Explorer series and anomalies, and budgets, as
 * the config enables them ({@link allManagementReads}).
 */
export function managementReadPolicy(config: GuardrailsConfig): PolicyDocument {
  return new PolicyDocument({ statements: managementReadStatements(config, allManagementReads(config)) });
}
