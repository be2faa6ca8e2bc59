import type { Acknowledgment } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { nagResource } from './role-arns.js';

/** `sts:AssumeRole` on the given roles, limited to the organization's when `organizationId` is set. */
export function assumeRoles(config: GuardrailsConfig, roleArns: readonly string[]): PolicyStatement {
  const { organizationId } = config.organization;
  return new PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [...roleArns],
    // Even with a wildcard account, only roles inside our own organization can be assumed.
    ...(organizationId ? { conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } } } : {}),
  });
}

/** The cdk-nag acknowledgement of each wildcard-account role ARN, with its reason. */
export function wildcardRoleAcknowledgements(roleArns: readonly string[]): Acknowledgment[] {
  return roleArns
    .filter((arn) => arn.includes(':iam::*:'))
    .map((arn) => ({
      id: `AwsSolutions-IAM5[Resource::${nagResource(arn)}]`,
      reason:
        'The read-only role has one name in every account of the organization and accounts join after deploy, so the account part is a wildcard; aws:ResourceOrgID limits it to the organization when organizationId is set.',
    }));
}
