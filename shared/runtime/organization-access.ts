import {
  type ManagementAccount,
  partitionOfRegion,
  type RoleAssumer,
  roleAssumer,
} from '../adapters/aws/assume-role.js';
import type { GuardrailsConfig } from '../config/schema.js';

/** How a check reaches the organization: one role assumer, and the management account's read role. */
export interface OrganizationAccess {
  readonly assumer: RoleAssumer;
  readonly management: ManagementAccount & { readonly assumer: RoleAssumer };
}

/**
 * The role assumer of one check (its purpose names the STS session, so
 * CloudTrail shows which guardrail acted) and the management-account access
 * its Organizations, Cost Explorer and Budgets reads go through.
 * `region` is where STS is called; without it, the SDK's own resolution
 * (`AWS_REGION`, always set in Lambda).
 */
export function organizationAccess(
  config: GuardrailsConfig,
  purpose: string,
  options: { readonly region?: string | undefined } = {},
): OrganizationAccess {
  const { organization } = config;
  const assumer = roleAssumer({
    purpose,
    // STS needs a region: the CLI's (--region, AWS_REGION or the profile's); in Lambda, AWS_REGION.
    ...(options.region !== undefined && { sts: { region: options.region } }),
    // Role ARNs without a region to go by (member metrics) take the tooling region's partition.
    partition: partitionOfRegion(config.deployment.toolingRegion),
    ...(organization.externalId && { externalId: organization.externalId }),
  });
  return {
    assumer,
    management: {
      ...(organization.managementAccountId && { managementAccountId: organization.managementAccountId }),
      managementRoleName: organization.managementRoleName,
      assumer,
    },
  };
}
