import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../../checks/probe/header-secrets.js';
import { GuardrailError } from '../../core/errors.js';
import { type AwsClientOptions, awsClient } from './clients.js';

const cache = new Map<string, Promise<string>>();

export interface SecretValueOptions {
  /** Default: {@link awsClient}(SecretsManagerClient) in the secret's region. */
  readonly client?: SecretsManagerClient;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * A secret's string value, read once per container and cached (a failed
 * read is not cached, so the next invocation tries again). The value never
 * appears in an error message or a log.
 *
 * @example
 * const routingKey = await secretValue(process.env.PAGERDUTY_SECRET_ARN ?? '');
 */
export function secretValue(arn: string, options: SecretValueOptions = {}): Promise<string> {
  const cached = cache.get(arn);
  if (cached) return cached;
  const pending = readSecret(arn, options);
  cache.set(arn, pending);
  pending.catch(() => cache.delete(arn));
  return pending;
}

/** Forgets cached secrets: tests, and a process that learns a secret was rotated. */
export function clearSecretCache(): void {
  cache.clear();
}

/**
 * Reads a Secrets Manager secret's string, uncached: probe headers cache it
 * per invocation instead (see `cachedSecretReader`).
 *
 * @example
 * const secrets = cachedSecretReader(awsSecretReader());
 */
export function awsSecretReader(options: SecretValueOptions = {}): SecretReader {
  return { read: (arn) => readSecret(arn, options) };
}

async function readSecret(arn: string, options: SecretValueOptions): Promise<string> {
  const region = /^arn:[\w-]+:secretsmanager:([\w-]+):/.exec(arn)?.[1];
  const client =
    options.client ??
    awsClient(SecretsManagerClient, { ...options.clientOptions, ...(region && { region }) });
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new GuardrailError(`cannot read secret ${arn}: ${name}`, { cause: error });
  }
  const trimmed = value?.trim();
  if (!trimmed) throw new GuardrailError(`secret ${arn} has no string value`);
  return trimmed;
}
