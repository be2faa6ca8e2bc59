import { STSClient } from '@aws-sdk/client-sts';

/**
 * The region the AWS SDK resolves here, by its own chain: `AWS_REGION`,
 * then `region` in the profile (~/.aws/config), then the EC2 instance
 * metadata (unless `AWS_EC2_METADATA_DISABLED`); or the SDK's reason when
 * it finds none. The CLI's `AWS_DEFAULT_REGION` is not read by the SDK.
 */
export async function resolveAwsRegion(): Promise<{ region: string } | { problem: string }> {
  const client = new STSClient({});
  try {
    return { region: await client.config.region() };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    client.destroy();
  }
}

/** What to do when no region is set; `suggested` is the config's tooling region. */
export function regionAdvice(suggested: string): string {
  return `set one: export AWS_REGION=${suggested}, or add region = ${suggested} to your profile in ~/.aws/config (aws configure set region ${suggested})`;
}
