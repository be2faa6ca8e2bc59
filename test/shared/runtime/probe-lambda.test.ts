import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../../shared/adapters/aws/clients.js';
import { parseConfig } from '../../../shared/config/loader.js';
import { probeLambdaFromEnv } from '../../../shared/runtime/probe-lambda.js';

const config = parseConfig(
  'version: 1\ndeployment: { observer: { region: us-west-2, regions: [eu-central-1] } }\n',
);
const env = (location: string) => ({
  GUARDRAILS_CONFIG: JSON.stringify(config),
  STATE_TABLE_NAME: 'finops-guardrails-probe-state',
  INCIDENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/100000000002/finops-guardrails-incidents',
  PAGING_TOPIC_ARN: `arn:aws:sns:${location}:100000000003:paging`,
  PROBE_LOCATION: location,
  AWS_REGION: location,
});

describe('probe state partitions', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => {
    dynamo.reset();
    clearAwsClients();
  });

  it('keeps the plain partition in the primary region and a per-location one elsewhere', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await (await probeLambdaFromEnv(env('us-west-2'))).state.load('probe');
    await (await probeLambdaFromEnv(env('eu-central-1'))).state.load('probe');

    const partitions = dynamo
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(partitions).toEqual(['probe', 'probe@eu-central-1']);
  });
});
