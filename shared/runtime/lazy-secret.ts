import type { SecretReader } from '../checks/probe/header-secrets.js';

/**
 * A secret's value (shared/adapters/aws/secrets.ts), with the Secrets
 * Manager client loaded on first use: a cold start that pages nobody never
 * evaluates it.
 *
 * @example
 * const routingKey = () => lazySecretValue(process.env.PAGERDUTY_SECRET_ARN ?? '');
 */
export async function lazySecretValue(arn: string): Promise<string> {
  const { secretValue } = await import('../adapters/aws/secrets.js');
  return secretValue(arn);
}

/**
 * A reader of probe header secrets with the Secrets Manager client loaded on
 * first use, so a probe without secret headers never loads it.
 */
export function lazySecretReader(): SecretReader {
  return {
    read: async (arn) => {
      const { awsSecretReader } = await import('../adapters/aws/secrets.js');
      return awsSecretReader().read(arn);
    },
  };
}
