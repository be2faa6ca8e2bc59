import type { GuardrailsConfig } from '../shared/config/schema.js';
import type { ProgressLog } from '../shared/core/ports.js';
import { resolveAwsRegion } from './aws/region.js';

/**
 * The region the CLI's AWS mode calls STS and CloudWatch in: `--region`,
 * else the SDK's own resolution (`AWS_REGION`, then the profile's `region`
 * in ~/.aws/config), else `deployment.toolingRegion` with a warning that
 * names what to set. Organizations, Cost Explorer, the Tagging API and the
 * inventory name their own regions, so they never depend on this one.
 *
 * @example
 * const region = await cliAwsRegion(options.region, config, log);
 */
export async function cliAwsRegion(
  flag: string | undefined,
  config: GuardrailsConfig,
  log: ProgressLog,
  sdkRegion: () => Promise<string | undefined> = resolveSdkRegion,
): Promise<string> {
  if (flag) return flag;
  const resolved = await sdkRegion();
  if (resolved) return resolved;
  const fallback = config.deployment.toolingRegion;
  log.warn(
    `no AWS region set (set AWS_REGION, a region in your AWS profile, or pass --region): using deployment.toolingRegion ${fallback} for STS and CloudWatch`,
  );
  return fallback;
}

/** The region the SDK resolves from the environment and the shared config files, or undefined. */
async function resolveSdkRegion(): Promise<string | undefined> {
  const resolved = await resolveAwsRegion();
  return 'region' in resolved ? resolved.region : undefined;
}
