import { ArnFormat, type CfnElement, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assumeRoles, wildcardRoleAcknowledgements } from '../iam/assume-roles.js';
import {
  grantKeyVia,
  grantStateTable,
  OBJECT_READ_KEY_ACTIONS,
  OBJECT_WRITE_KEY_ACTIONS,
} from '../iam/function-grants.js';
import { managementAccessFor } from '../iam/management-reads.js';
import { memberRoleArns } from '../iam/role-arns.js';
import { markTransparent } from '../logical-id.js';
import { type CheckFunctionContext, checkFunction } from './check-function.js';
import type { GuardrailFunction } from './guardrail-function.js';
import type { IncidentQueue } from './incident-queue.js';
import { RESULTS_PREFIX } from './results-bucket.js';
import { TagCoverageFanOut } from './tag-coverage-fan-out.js';

export { RESULTS_EXPIRATION, RESULTS_PREFIX } from './results-bucket.js';

/** Props of {@link FanOutWorkers}. */
export interface FanOutWorkersProps extends CheckFunctionContext {
  /** The scheduled tag-coverage function, which plans the run and starts the state machine. */
  readonly tagCoverage: GuardrailFunction;
  readonly stateTable: ITable;
  readonly incidentQueue: IncidentQueue;
  /** Encrypts the results bucket's objects. */
  readonly dataKey: Key;
  /** The results bucket (infra/constructs/results-bucket.ts). */
  readonly bucket: Bucket;
  /** The checks' table and queue environment, which the aggregator shares. */
  readonly environment: Readonly<Record<string, string>>;
  readonly scanAccountEntry: string;
  readonly aggregateEntry: string;
}

/**
 * The tag-coverage fan-out (DESIGN §4, "Scale"): the results bucket, the
 * scan-account worker, the aggregator, the Distributed Map between them,
 * and the tag-coverage function's right to plan a run and start it.
 */
export class FanOutWorkers extends Construct {
  readonly bucket: Bucket;
  readonly scanAccount: GuardrailFunction;
  readonly aggregate: GuardrailFunction;
  readonly fanOut: TagCoverageFanOut;

  constructor(scope: Construct, id: string, props: FanOutWorkersProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    this.bucket = props.bucket;
    const bucket = this.bucket;
    const runsObjects = bucket.arnForObjects(`${RESULTS_PREFIX}runs/*`);
    const putRuns = new PolicyStatement({ actions: ['s3:PutObject'], resources: [runsObjects] });
    const runsAck = {
      id: `AwsSolutions-IAM5[Resource::<ResultsBucket.Arn>/${RESULTS_PREFIX}runs/*]`,
      reason:
        'Plans and scans are written under run-specific keys (tag-coverage/runs/<runId>/…) that exist only at run time; the prefix is the narrowest fixed scope.',
    };
    const resultsEnvironment = { RESULTS_BUCKET: bucket.bucketName };

    const memberRoles = memberRoleArns(config);
    const scanManagement = managementAccessFor('scan-account', config);
    const scanRoles = [...memberRoles, ...scanManagement.roleArns];
    this.scanAccount = checkFunction(
      this,
      {
        name: 'scan-account',
        entry: props.scanAccountEntry,
        // Five accounts per batch, each region paged at GetResources' 15 req/s; an hour-long account would be an outlier.
        timeout: Duration.minutes(15),
        policyStatements: [assumeRoles(config, scanRoles), ...scanManagement.statements, putRuns],
        acknowledgements: [
          ...wildcardRoleAcknowledgements(scanRoles),
          ...scanManagement.acknowledgements,
          runsAck,
        ],
      },
      resultsEnvironment,
      props,
    );
    grantKeyVia(this.scanAccount, props.dataKey, OBJECT_WRITE_KEY_ACTIONS, 's3');

    const management = managementAccessFor('aggregate', config);
    this.aggregate = checkFunction(
      this,
      {
        name: 'aggregate',
        entry: props.aggregateEntry,
        timeout: Duration.minutes(15),
        // Holds every account's scan of the run in memory; CPU scales with memory too.
        memorySize: 3008,
        policyStatements: [
          ...(management.roleArns.length > 0 ? [assumeRoles(config, management.roleArns)] : []),
          ...management.statements,
          new PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [bucket.arnForObjects(`${RESULTS_PREFIX}*`)],
          }),
        ],
        acknowledgements: [
          ...wildcardRoleAcknowledgements(management.roleArns),
          ...management.acknowledgements,
          {
            id: `AwsSolutions-IAM5[Resource::<ResultsBucket.Arn>/${RESULTS_PREFIX}*]`,
            reason:
              'The aggregator reads the Map run manifest, its result files and every scan of the run, all under run-specific keys below tag-coverage/; read-only.',
          },
        ],
      },
      { ...props.environment, ...resultsEnvironment },
      props,
    );
    grantStateTable(this.aggregate, props.stateTable, props.dataKey);
    props.incidentQueue.grantSend(this.aggregate);
    grantKeyVia(this.aggregate, props.dataKey, OBJECT_READ_KEY_ACTIONS, 's3');

    this.fanOut = new TagCoverageFanOut(this, 'TagCoverageFanOut', {
      bucket,
      bucketKey: props.dataKey,
      scanAccount: this.scanAccount,
      aggregate: this.aggregate,
      maxConcurrency: config.organization.fanOutMaxConcurrency,
      logRetentionDays: config.deployment.logRetentionDays,
      tracing: props.tracing,
    });
    props.alarms.whenPositive('TagCoverageFanOutFailed', this.fanOut.stateMachine.metricFailed(), {
      description:
        'A tag-coverage fan-out execution failed: the run was not aggregated, so no findings were raised or resolved.',
      statistic: 'Sum',
    });

    const { tagCoverage } = props;
    tagCoverage.addEnvironment('FAN_OUT_STATE_MACHINE_ARN', this.fanOut.stateMachine.stateMachineArn);
    tagCoverage.addEnvironment('RESULTS_BUCKET', bucket.bucketName);
    tagCoverage.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.fanOut.stateMachine.stateMachineArn],
      }),
    );
    // A run's name taken by a closed execution is looked up before a rerun takes the next one.
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.fanOut.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    tagCoverage.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
    );
    tagCoverage.addToRolePolicy(putRuns);
    grantKeyVia(tagCoverage, props.dataKey, OBJECT_WRITE_KEY_ACTIONS, 's3');
    Validations.of(tagCoverage.executionRole).acknowledge(runsAck, {
      id: `AwsSolutions-IAM5[Resource::${this.executionsNagResource()}]`,
      reason:
        'Executions of the fan-out state machine are named per run at run time; DescribeExecution is read-only and limited to this one state machine.',
    });
  }

  /** The executions' ARN pattern as cdk-nag renders it: unresolved pseudo parameters as `<AWS::…>`. */
  private executionsNagResource(): string {
    const stack = Stack.of(this);
    const rendered = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const machine = stack.getLogicalId(this.fanOut.stateMachine.node.defaultChild as CfnElement);
    return `arn:${rendered(stack.partition, 'AWS::Partition')}:states:${rendered(stack.region, 'AWS::Region')}:${rendered(stack.account, 'AWS::AccountId')}:execution:<${machine}.Name>:*`;
  }
}
