import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { regionAdvice, resolveAwsRegion } from './region.js';

/**
 * What stops `--source aws` before it starts, in one line, or undefined.
 * Without a region every AWS call fails deep inside a check, and the run
 * used to say "Region is missing" and then that nothing had changed.
 */
export async function awsRunProblem(
  config: GuardrailsConfig,
  resolve: typeof resolveAwsRegion = resolveAwsRegion,
): Promise<string | undefined> {
  const region = await resolve();
  if ('region' in region) return undefined;
  return `--source aws needs an AWS region, and the AWS SDK found none (${region.problem}): ${regionAdvice(config.deployment.toolingRegion)}. \`finops-guardrails doctor\` checks the rest.\n`;
}
