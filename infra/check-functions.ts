import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { GuardrailsConfig } from '../shared/config/schema.js';
import type { CheckFunctionSpec } from './constructs/check-function.js';
import { assumeRoles, wildcardRoleAcknowledgements } from './iam/assume-roles.js';
import { managementAccessFor } from './iam/management-reads.js';
import { memberRoleArns } from './iam/role-arns.js';

/** `functions/<name>/handler.ts`, absolute. */
export function handlerEntry(name: string): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}

/**
 * The checks the tooling account runs, with the permissions the design gives
 * them: member accounts are read through `memberRoleName` (DESIGN §4), and
 * Organizations, Cost Explorer and Budgets through `managementRoleName`, or
 * with the function's own role when no other management account is named.
 */
export function defaultCheckFunctions(config: GuardrailsConfig): CheckFunctionSpec[] {
  const memberRoles = memberRoleArns(config);
  const specs: CheckFunctionSpec[] = [];
  // Without a tag policy there is nothing for tag-coverage to judge.
  if (config.tagPolicy) {
    const management = managementAccessFor('tag-coverage', config);
    const roles = [...memberRoles, ...management.roleArns];
    specs.push({
      name: 'tag-coverage',
      entry: handlerEntry('tag-coverage'),
      schedule: config.schedules.tagCoverage,
      // Scans every account and region with bounded concurrency; GetResources allows 15 req/s per account.
      timeout: Duration.minutes(15),
      policyStatements: [assumeRoles(config, roles), ...management.statements],
      acknowledgements: [...wildcardRoleAcknowledgements(roles), ...management.acknowledgements],
    });
  }
  // Runtime cost guardrails: on the tag-coverage schedule, one Config query per rule kind and
  // DescribeLogGroups per member account and region through the member role.
  if (config.costPolicy) {
    const policyAccess = managementAccessFor('cost-policy', config);
    const policyRoles = [...memberRoles, ...policyAccess.roleArns];
    specs.push({
      name: 'cost-policy',
      entry: handlerEntry('cost-policy'),
      schedule: config.schedules.tagCoverage,
      timeout: Duration.minutes(15),
      policyStatements: [assumeRoles(config, policyRoles), ...policyAccess.statements],
      acknowledgements: [...wildcardRoleAcknowledgements(policyRoles), ...policyAccess.acknowledgements],
    });
  }
  const management = managementAccessFor('cost-anomaly', config);
  const roles = [...memberRoles, ...management.roleArns];
  specs.push({
    name: 'cost-anomaly',
    entry: handlerEntry('cost-anomaly'),
    schedule: config.schedules.costAnomaly,
    timeout: Duration.minutes(10),
    policyStatements: [
      assumeRoles(config, roles),
      ...management.statements,
      // Workload metrics without an accountId live in the tooling account itself.
      new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    ],
    acknowledgements: [
      ...wildcardRoleAcknowledgements(roles),
      ...management.acknowledgements,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:GetMetricData supports no resource-level permissions; it is read-only.',
      },
    ],
  });
  return specs;
}
