import { Aws } from 'aws-cdk-lib';
import type { GuardrailsConfig } from '../../shared/config/schema.js';

/**
 * The member-account role ARNs a check assumes. A fixed account list gives
 * exact ARNs; `auto` needs a wildcard account, since accounts join the
 * organization after deploy.
 */
export function memberRoleArns(config: GuardrailsConfig): string[] {
  const { accounts, excludeAccounts, memberRoleName } = config.organization;
  if (accounts === 'auto') return [`arn:${Aws.PARTITION}:iam::*:role/${memberRoleName}`];
  return accounts
    .filter((account) => !excludeAccounts.includes(account))
    .map((account) => `arn:${Aws.PARTITION}:iam::${account}:role/${memberRoleName}`);
}

/** The management account's read role, or none: without `managementAccountId` the checks use their own role. */
export function managementRoleArn(config: GuardrailsConfig): string {
  const { managementAccountId, managementRoleName } = config.organization;
  return `arn:${Aws.PARTITION}:iam::${managementAccountId ?? '*'}:role/${managementRoleName}`;
}

/** The nag resource id cdk-nag gives an ARN built with pseudo parameters. */
export function nagResource(arn: string): string {
  return arn
    .replace(Aws.PARTITION, '<AWS::Partition>')
    .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>')
    .replace(Aws.REGION, '<AWS::Region>');
}

/**
 * A complete secret ARN ends in `-` and six random characters. A partial ARN
 * (no suffix) must be granted with `-??????`, which matches the suffix exactly.
 */
export function secretResource(arn: string): string {
  return /-[A-Za-z0-9]{6}$/.test(arn) ? arn : `${arn}-??????`;
}
