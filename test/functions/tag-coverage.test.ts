import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  ListCostAllocationTagsCommand,
} from '@aws-sdk/client-cost-explorer';
import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../shared/config/schema.js';
import type { Envelope } from '../../shared/core/envelope.js';
import {
  awsError,
  bodies,
  expectStagedThenApplied,
  recordDeliveryAndState,
  lambdaContext as supportContext,
} from '../support/lambda.js';

const MANAGEMENT = '111111111111';
const TOOLING = '222222222222';
const PAYMENTS = '333333333333';
const DENIED = '444444444444';
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${TOOLING}/incidents`;

const CONFIG = configSchema.parse({
  version: 1,
  organization: { managementAccountId: MANAGEMENT, toolingAccountId: TOOLING, regions: ['us-east-1'] },
  tagPolicy: { requiredTags: [{ key: 'owner' }] },
});

/** The input the GuardrailsStack's Scheduler schedule sends. */
const SCHEDULED_EVENT = {
  source: 'finops-guardrails.schedule',
  check: 'tag-coverage',
  scheduledTime: '2026-05-04T06:00:00Z',
  executionId: 'schedule-execution-1',
};

function lambdaContext(): Context {
  return supportContext({
    functionName: 'finops-guardrails-tag-coverage',
    region: 'us-east-1',
    accountId: TOOLING,
    memoryMb: 1024,
  });
}

const ACCOUNTS = [
  { Id: MANAGEMENT, Name: 'management', Status: 'ACTIVE', State: 'ACTIVE' },
  { Id: PAYMENTS, Name: 'payments-prod', Status: 'ACTIVE', State: 'ACTIVE' },
  { Id: DENIED, Name: 'sandbox', Status: 'ACTIVE', State: 'ACTIVE' },
] as const;

/** Tagging API resources per account; the account comes from the assumed role's access key. */
const RESOURCES: Readonly<
  Record<string, ReadonlyArray<{ ResourceARN: string; Tags: { Key: string; Value: string }[] }>>
> = {
  [MANAGEMENT]: [
    { ResourceARN: `arn:aws:sns:us-east-1:${MANAGEMENT}:billing`, Tags: [{ Key: 'owner', Value: 'finops' }] },
  ],
  [PAYMENTS]: [
    {
      ResourceARN: `arn:aws:ec2:us-east-1:${PAYMENTS}:instance/i-0tagged`,
      Tags: [{ Key: 'owner', Value: 'payments' }],
    },
    {
      ResourceARN: `arn:aws:ec2:us-east-1:${PAYMENTS}:instance/i-0untagged`,
      Tags: [{ Key: 'Name', Value: 'x' }],
    },
  ],
};

describe('tag-coverage handler', () => {
  const sts = mockClient(STSClient);
  const organizations = mockClient(OrganizationsClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const costExplorer = mockClient(CostExplorerClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  const sqs = mockClient(SQSClient);
  /** The order of the calls that matter: deliveries and state writes. */
  let calls: string[] = [];
  let clearAwsClients: () => void = () => {};

  beforeEach(() => {
    calls = [];
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('STATE_TABLE_NAME', 'guardrails-state');
    vi.stubEnv('INCIDENT_QUEUE_URL', QUEUE_URL);
    vi.stubEnv('GUARDRAILS_CONFIG', JSON.stringify(CONFIG));
    // Powertools writes logs and EMF to stdout and stderr; keep the test output readable.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    sts.on(GetCallerIdentityCommand).resolves({
      Account: TOOLING,
      Arn: `arn:aws:sts::${TOOLING}:assumed-role/tag-coverage/fn`,
    });
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
      const account = /::(\d{12}):role\//.exec(input.RoleArn ?? '')?.[1] ?? '';
      if (account === DENIED) throw awsError('AccessDenied', `not authorized to assume ${input.RoleArn}`);
      return {
        Credentials: {
          AccessKeyId: `AKIA${account}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
    organizations.on(ListAccountsCommand).resolves({ Accounts: [...ACCOUNTS] });
    organizations.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => ({
      Tags: input.ResourceId === PAYMENTS ? [{ Key: 'owner', Value: 'payments' }] : [],
    }));
    tagging.on(GetResourcesCommand).callsFake(async (_input, getClient) => {
      const provider = getClient().config.credentials as () => Promise<{ accessKeyId: string }>;
      const { accessKeyId } = await provider();
      return { ResourceTagMappingList: RESOURCES[accessKeyId.slice(4)] ?? [], PaginationToken: '' };
    });
    costExplorer.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [{ TagKey: 'owner', Type: 'UserDefined', Status: 'Active' }],
    });
    costExplorer.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [
        {
          Groups: [
            { Keys: [PAYMENTS, 'owner$'], Metrics: { AmortizedCost: { Amount: '40', Unit: 'USD' } } },
            { Keys: [PAYMENTS, 'owner$payments'], Metrics: { AmortizedCost: { Amount: '60', Unit: 'USD' } } },
          ],
        },
      ],
    });
    recordDeliveryAndState({ dynamo, sqs }, calls);
  });

  afterEach(() => {
    clearAwsClients();
    sts.reset();
    organizations.reset();
    tagging.reset();
    costExplorer.reset();
    dynamo.reset();
    sqs.reset();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Imports the handler afresh, after the environment is set, as a cold start would. */
  async function coldStart() {
    vi.resetModules();
    const clients = await import('../../shared/adapters/aws/clients.js');
    clearAwsClients = clients.clearAwsClients;
    return (await import('../../functions/tag-coverage/handler.js')).handler;
  }

  function sentEvents(): Envelope[] {
    return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => bodies(call.args[0].input));
  }

  it('delivers a digest per account and owner to the incident queue, then commits state', async () => {
    const handler = await coldStart();

    const summary = await handler(SCHEDULED_EVENT, lambdaContext());

    const events = sentEvents();
    expect(summary).toMatchObject({
      mode: 'in-process',
      accounts: 3,
      // The denied account's region and its global scope.
      summary: { check: 'tag-coverage', events: events.length, scanGaps: 2 },
    });
    const violations = events.filter((e) => e.type === 'finops-guardrails.tag.violation');
    expect(violations.map((e) => e.dedupkey)).toEqual([`tag-coverage:required-tags:${PAYMENTS}:payments`]);
    expect(violations[0]).toMatchObject({ action: 'trigger', severity: 'info', sequence: 1 });
    expect(events.every((e) => e.specversion === '1.0' && e.action === 'trigger')).toBe(true);
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, { QueueUrl: QUEUE_URL });
    expect(dynamo).toReceiveCommandWith(PutCommand, {
      TableName: 'guardrails-state',
      Item: expect.objectContaining({ sk: `INC#tag-coverage:required-tags:${PAYMENTS}:payments` }),
    });
    // Spend coverage is amortized usage, covered usage included (tagPolicy.spendMetric's default).
    expect(costExplorer).toReceiveCommandWith(GetCostAndUsageCommand, {
      Metrics: ['AmortizedCost'],
      Filter: {
        Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'] },
      },
    });
  });

  it('stages its outbox before sending and applies state only after the queue accepted every event', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    expectStagedThenApplied(calls);
    expect(calls).toContain('memory');
  });

  it('raises a scan gap for the account whose role cannot be assumed, and for no other', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    const gaps = sentEvents().filter((e) => e.type === 'finops-guardrails.guardrail.scan-gap');
    expect(gaps.map((e) => e.dedupkey)).toEqual([
      `tag-coverage:scan-gap:${DENIED}/us-east-1`,
      `tag-coverage:scan-gap:${DENIED}/global`,
    ]);
    expect(gaps[0]?.data.summary).toContain('AccessDenied');
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${DENIED}:role/FinopsGuardrailsMemberRead`,
    });
    // Each readable account in us-east-1, and again for its global resources.
    expect(tagging).toReceiveCommandTimes(GetResourcesCommand, 4);
  });

  it('throws and applies no state when the incident queue refuses the events, leaving the outbox staged', async () => {
    sqs.on(SendMessageBatchCommand).rejects(awsError('AccessDenied', 'not allowed to send'));
    const handler = await coldStart();

    await expect(handler(SCHEDULED_EVENT, lambdaContext())).rejects.toThrow(/state not committed/);

    expect(sqs).toHaveReceivedCommand(SendMessageBatchCommand);
    expect(calls.filter((c) => c !== 'SendMessageBatch')).toEqual([
      'lease',
      'stage-parts',
      'stage-marker',
      'release',
    ]);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });

  it('rejects an event whose clock override is not a date, before any AWS call', async () => {
    const handler = await coldStart();

    await expect(handler({ ...SCHEDULED_EVENT, now: 'yesterday' }, lambdaContext())).rejects.toThrow(/now/);

    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });
});
