/** Static credentials, shaped like the SDK's `AwsCredentialIdentity`. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A credentials provider, e.g. `fromTemporaryCredentials(...)` from `@aws-sdk/credential-providers`. */
export type CredentialsProvider = () => Promise<StaticCredentials>;

export interface AwsClientOptions {
  /** Default: the SDK's own resolution (`AWS_REGION` in Lambda). */
  readonly region?: string;
  /** Default: the SDK's default chain (the Lambda role). */
  readonly credentials?: StaticCredentials | CredentialsProvider;
  /**
   * What makes two credentials the same for caching, e.g. the role ARN a
   * provider assumes. Default: the credentials object itself, so pass the
   * same provider instance to get the same client.
   */
  readonly credentialsKey?: string;
  /** Override the service endpoint: local emulators in tests. */
  readonly endpoint?: string;
  /** Default {@link DEFAULT_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number;
}

/** The settings every client gets; a subset of each SDK client's config. */
export interface AwsClientConfig {
  region?: string;
  credentials?: StaticCredentials | CredentialsProvider;
  endpoint?: string;
  retryMode?: string;
  maxAttempts?: number;
}

/** Any SDK v3 client class, e.g. `SQSClient`, `DynamoDBClient`. */
export type AwsClientClass<T> = new (config: AwsClientConfig) => T;

/** Attempts per call (first try included). Guardrails run on schedules, so patience beats a failed run. */
export const DEFAULT_MAX_ATTEMPTS = 8;

const clients = new Map<AwsClientClass<unknown>, Map<string, unknown>>();
const credentialIds = new WeakMap<object, number>();
let nextCredentialId = 0;

function credentialsIdentity(options: AwsClientOptions): string {
  if (options.credentialsKey !== undefined) return `key:${options.credentialsKey}`;
  if (options.credentials === undefined) return 'default-chain';
  let id = credentialIds.get(options.credentials);
  if (id === undefined) {
    id = nextCredentialId++;
    credentialIds.set(options.credentials, id);
  }
  return `object:${id}`;
}

/**
 * The one place SDK clients are made. Every client gets adaptive retries
 * (client-side rate limiting on throttling, which matters for the 15 req/s
 * Tagging API and Cost Explorer) and {@link DEFAULT_MAX_ATTEMPTS} attempts.
 * Clients are cached per class, region, credentials and endpoint, so a Lambda
 * container creates each once and reuses its connections across invocations.
 *
 * @example
 * const sqs = awsClient(SQSClient, { region: 'eu-west-1' });
 * awsClient(SQSClient, { region: 'eu-west-1' }) === sqs; // true
 * // In tests: awsClient(SQSClient, { endpoint: 'http://127.0.0.1:4566', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
 */
export function awsClient<T>(ClientClass: AwsClientClass<T>, options: AwsClientOptions = {}): T {
  const key = [
    options.region ?? '',
    credentialsIdentity(options),
    options.endpoint ?? '',
    options.maxAttempts ?? '',
  ].join('|');
  let byKey = clients.get(ClientClass);
  if (byKey === undefined) {
    byKey = new Map();
    clients.set(ClientClass, byKey);
  }
  const cached = byKey.get(key);
  if (cached !== undefined) return cached as T;
  const config: AwsClientConfig = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  // Unset keys are left out rather than set to undefined, so the SDK's own defaults apply.
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  const client = new ClientClass(config);
  byKey.set(key, client);
  return client;
}

/**
 * Forgets every cached client (destroying its connection pool). For tests,
 * and for a process that must drop clients whose credentials were revoked.
 *
 * @example
 * afterAll(() => clearAwsClients());
 */
export function clearAwsClients(): void {
  for (const byKey of clients.values()) {
    for (const client of byKey.values()) {
      (client as { destroy?: () => void }).destroy?.();
    }
  }
  clients.clear();
}
