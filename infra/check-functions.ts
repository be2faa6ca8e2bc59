import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { GuardrailsConfig } from '../shared/config/schema.js';
import type { CheckFunctionSpec } from './constructs/check-function.js';
import { assumeRoles, wildcardRoleAcknowledgements } from './iam/assume-roles.js';
import { managementRoleArn, memberRoleArns } from './iam/role-arns.js';

/** `functions/<name>/handler.ts`, absolute. */
export function handlerEntry(name: string): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}

/**
 * The checks the tooling account runs, with the permissions the design gives
 * them: everything outside the tooling account is read through roles
 * (DESIGN §4): member accounts through `memberRoleName`, Organizations, Cost
 * Explorer and Budgets through `managementRoleName`.
 */
export function defaultCheckFunctions(config: GuardrailsConfig): CheckFunctionSpec[] {
  const crossAccountRoles = [...memberRoleArns(config), managementRoleArn(config)];
  const specs: CheckFunctionSpec[] = [];
  // Without a tag policy there is nothing for tag-coverage to judge.
  if (config.tagPolicy) {
    specs.push({
      name: 'tag-coverage',
      entry: handlerEntry('tag-coverage'),
      schedule: config.schedules.tagCoverage,
      // Scans every account and region with bounded concurrency; GetResources allows 15 req/s per account.
      timeout: Duration.minutes(15),
      policyStatements: [assumeRoles(config, crossAccountRoles)],
      acknowledgements: wildcardRoleAcknowledgements(crossAccountRoles),
    });
  }
  specs.push({
    name: 'cost-anomaly',
    entry: handlerEntry('cost-anomaly'),
    schedule: config.schedules.costAnomaly,
    timeout: Duration.minutes(10),
    policyStatements: [
      assumeRoles(config, crossAccountRoles),
      // Workload metrics without an accountId live in the tooling account itself.
      new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    ],
    acknowledgements: [
      ...wildcardRoleAcknowledgements(crossAccountRoles),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:GetMetricData supports no resource-level permissions; it is read-only.',
      },
    ],
  });
  return specs;
}
