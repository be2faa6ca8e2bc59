import {
  App,
  Aws,
  CfnParameter,
  DefaultStackSynthesizer,
  Duration,
  Stack,
  type StackProps,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import {
  AccountPrincipal,
  type IPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';

/** The StackSet's name in the management account. */
export const MEMBER_READ_ROLE_STACK_SET_NAME = 'finops-guardrails-member-read';
/** The member template's parameter that carries the tooling account, so the template itself names no account. */
export const TOOLING_ACCOUNT_PARAMETER = 'ToolingAccountId';
/** Role chaining caps a session at one hour anyway (shared/adapters/aws/assume-role.ts). */
const MAX_SESSION = Duration.hours(1);

/** What the trust of a cross-account read role needs from the config, and who may assume it. */
export interface ReadRoleTrust {
  /** The tooling account. @default - this stack's own account (single-account mode) */
  readonly toolingAccountId?: string;
  /** Roles of the tooling account that may assume, by name pattern, such as `GuardrailsStack-*`. */
  readonly toolingRoleNamePattern: string;
  /** `aws:PrincipalOrgID` the caller must belong to. */
  readonly organizationId?: string;
  /** `sts:ExternalId` the caller must pass. */
  readonly externalId?: string;
}

/**
 * The trust policy of the read-only roles: the tooling account, narrowed by
 * `aws:PrincipalArn` to the guardrails stack's roles, inside the organization
 * and with the external id when configured.
 *
 * The account is the principal, not the function roles' ARNs, because IAM
 * refuses a trust policy naming a role that does not exist (so the tooling
 * stack would have to come first), and turns a named role into its unique id,
 * so a replaced function role would silently lose access.
 */
export function toolingTrust(trust: ReadRoleTrust): IPrincipal {
  const account = trust.toolingAccountId ?? Aws.ACCOUNT_ID;
  return new AccountPrincipal(account).withConditions({
    ArnLike: {
      'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${account}:role/${trust.toolingRoleNamePattern}`,
    },
    ...(trust.organizationId || trust.externalId
      ? {
          StringEquals: {
            ...(trust.organizationId && { 'aws:PrincipalOrgID': trust.organizationId }),
            ...(trust.externalId && { 'sts:ExternalId': trust.externalId }),
          },
        }
      : {}),
  });
}

/** Props of the {@link MemberReadRoleStack}. */
export interface MemberReadRoleStackProps extends StackProps {
  /** `organization.memberRoleName`. */
  readonly roleName: string;
  /** Who may assume the role. */
  readonly trust: ReadRoleTrust;
  /**
   * Take the tooling account from the `ToolingAccountId` parameter instead of
   * `trust.toolingAccountId`: the StackSet passes it, so one template names no
   * account and serves every member account. @default false
   */
  readonly toolingAccountAsParameter?: boolean;
}

/**
 * The read-only role of every member account (DESIGN §4): `tag:GetResources`
 * for tag coverage and `cloudwatch:GetMetricData` for workload demand and
 * SLO metrics. The StackSet deploys this stack's template org-wide; the app
 * also deploys it as a plain stack into the management account, which a
 * service-managed StackSet never reaches, and into the one account of
 * single-account mode.
 */
export class MemberReadRoleStack extends Stack {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: MemberReadRoleStackProps) {
    super(scope, id, props);
    const toolingAccountId = props.toolingAccountAsParameter
      ? new CfnParameter(this, TOOLING_ACCOUNT_PARAMETER, {
          type: 'String',
          allowedPattern: '^\\d{12}$',
          description: 'The finops-guardrails tooling account, whose functions assume this role',
        }).valueAsString
      : props.trust.toolingAccountId;

    this.role = new Role(this, 'MemberReadRole', {
      roleName: props.roleName,
      description:
        'finops-guardrails: read-only tag inventory and CloudWatch metrics for the tooling account',
      assumedBy: toolingTrust({ ...props.trust, toolingAccountId }),
      maxSessionDuration: MAX_SESSION,
      inlinePolicies: {
        ReadTagsAndMetrics: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'TagInventory',
              actions: ['tag:GetResources'],
              resources: ['*'],
            }),
            new PolicyStatement({
              sid: 'WorkloadMetrics',
              actions: ['cloudwatch:GetMetricData'],
              resources: ['*'],
            }),
            // The runtime cost policy's log-retention rules: AWS Config does not record log groups.
            new PolicyStatement({
              sid: 'LogGroupRetention',
              actions: ['logs:DescribeLogGroups'],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'tag:GetResources and cloudwatch:GetMetricData support no resource-level permissions (Service Authorization Reference); logs:DescribeLogGroups lists every log group of the account. All are read-only.',
    });
  }
}

/**
 * The {@link MemberReadRoleStack} as a template string for a StackSet: built
 * in an App of its own, without the bootstrap version rule (member accounts
 * are not bootstrapped) nor CDK metadata, checked by cdk-nag like the main
 * app, with the tooling account as the `ToolingAccountId` parameter.
 */
export function memberReadRoleTemplate(
  roleName: string,
  trust: Omit<ReadRoleTrust, 'toolingAccountId'>,
  tags: Readonly<Record<string, string>> = {},
): string {
  const app = new App({ analyticsReporting: false });
  const stack = new MemberReadRoleStack(app, 'MemberReadRole', {
    roleName,
    trust,
    toolingAccountAsParameter: true,
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  for (const [key, value] of Object.entries(tags)) Tags.of(app).add(key, value);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const template: unknown = app.synth().getStackByName(stack.stackName).template;
  return JSON.stringify(template);
}

/** Props of the {@link MemberReadRoleStackSet}. */
export interface MemberReadRoleStackSetProps {
  readonly config: GuardrailsConfig;
  /** Passed as the `ToolingAccountId` parameter. */
  readonly toolingAccountId: string;
  /** Tooling roles that may assume the member role, such as `GuardrailsStack-*`. */
  readonly toolingRoleNamePattern: string;
  /** The organizational units (or root) whose accounts, present and future, get the role. */
  readonly targetOus: readonly string[];
  /**
   * The one region of the stack instances. IAM is global: one instance per
   * account creates the role, and a second region would collide on its name.
   */
  readonly region: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A service-managed StackSet that deploys the member read role to every
 * account of the target OUs, and to accounts that join them later
 * (AutoDeployment). It must live in the management account (or a delegated
 * administrator, with `CallAs: DELEGATED_ADMIN`), with trusted access for
 * CloudFormation StackSets enabled in Organizations.
 */
export class MemberReadRoleStackSet extends Construct {
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberReadRoleStackSetProps) {
    super(scope, id);
    const { organization } = props.config;
    const templateBody = memberReadRoleTemplate(
      organization.memberRoleName,
      {
        toolingRoleNamePattern: props.toolingRoleNamePattern,
        ...(organization.organizationId && { organizationId: organization.organizationId }),
        ...(organization.externalId && { externalId: organization.externalId }),
      },
      props.tags,
    );
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: MEMBER_READ_ROLE_STACK_SET_NAME,
      description: 'finops-guardrails: read-only role of every member account',
      permissionModel: 'SERVICE_MANAGED',
      callAs: 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      // The role has a fixed name, which the tooling account relies on.
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      parameters: [{ parameterKey: TOOLING_ACCOUNT_PARAMETER, parameterValue: props.toolingAccountId }],
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.targetOus] },
          regions: [props.region],
        },
      ],
      templateBody,
    });
  }
}
