import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClient, clearAwsClients, DEFAULT_MAX_ATTEMPTS } from '../../../../shared/adapters/aws/clients.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('awsClient', () => {
  afterEach(() => clearAwsClients());

  it('sets adaptive retries and the default attempt budget', async () => {
    const client = awsClient(SQSClient, { region: 'eu-west-1' });

    expect(client.config.retryMode).toBe('adaptive');
    expect(await client.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('points the client at an injected endpoint', async () => {
    const client = awsClient(DynamoDBClient, {
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:8000',
      credentials,
    });

    expect(await client.config.endpoint?.()).toMatchObject({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8000,
    });
    expect(await client.config.credentials()).toMatchObject(credentials);
  });

  it('creates each client once per class, region, credentials and endpoint', () => {
    const sqs = awsClient(SQSClient, { region: 'us-east-1' });

    expect(awsClient(SQSClient, { region: 'us-east-1' })).toBe(sqs);
    expect(awsClient(SQSClient, { region: 'eu-west-1' })).not.toBe(sqs);
    expect(awsClient(SQSClient, { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' })).not.toBe(sqs);
    expect(awsClient(DynamoDBClient, { region: 'us-east-1' })).not.toBe(sqs);
  });

  it('tells credentials apart by identity, or by the key the caller gives', () => {
    const provider = async () => credentials;
    const viaProvider = awsClient(SQSClient, { region: 'us-east-1', credentials: provider });

    expect(awsClient(SQSClient, { region: 'us-east-1', credentials: provider })).toBe(viaProvider);
    expect(awsClient(SQSClient, { region: 'us-east-1', credentials: async () => credentials })).not.toBe(
      viaProvider,
    );
    const keyed = awsClient(SQSClient, { credentials: async () => credentials, credentialsKey: 'role/a' });
    expect(awsClient(SQSClient, { credentials: async () => credentials, credentialsKey: 'role/a' })).toBe(
      keyed,
    );
  });

  it('makes a new client after the cache is cleared', () => {
    const before = awsClient(SQSClient, { region: 'us-east-1' });

    clearAwsClients();

    expect(awsClient(SQSClient, { region: 'us-east-1' })).not.toBe(before);
  });
});

describe('awsClient under aws-sdk-client-mock', () => {
  // Mocking the class also catches clients the factory made, so handler tests need no injection.
  const sqs = mockClient(SQSClient);
  afterEach(() => {
    sqs.reset();
    clearAwsClients();
  });

  it('is intercepted by a class-level mock', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' });

    const out = await awsClient(SQSClient, { region: 'us-east-1' }).send(
      new GetQueueUrlCommand({ QueueName: 'q' }),
    );

    expect(out.QueueUrl).toMatch(/\/q$/);
    expect(sqs).toReceiveCommandWith(GetQueueUrlCommand, { QueueName: 'q' });
  });
});
