import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JsonPath,
  LogLevel,
  ResultWriterV2,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';
import { FAN_OUT_ITEMS_PER_BATCH } from '../deployment-plan.js';
import { toRetentionDays } from './guardrail-function.js';

/**
 * Failed batches never fail the run: the aggregator turns every account
 * without a result into a scan gap (its findings held open), which is louder
 * and more precise than a failed execution whose aggregator never runs.
 */
export const FAN_OUT_TOLERATED_FAILURE_PERCENTAGE = 100;
/** Where the Map's ResultWriter puts its manifest and result files; under the lifecycle-expired prefix. */
export const MAP_RESULTS_PREFIX = 'tag-coverage/map';

/** Props of a {@link TagCoverageFanOut}. */
export interface TagCoverageFanOutProps {
  /** The results bucket: the plan is read from it, the Map writes its results to it. */
  readonly bucket: IBucket;
  /** The bucket's KMS key, which reading the plan and writing results need. */
  readonly bucketKey: IKey;
  /** `functions/scan-account`: one ItemBatcher batch of accounts per invocation. */
  readonly scanAccount: IFunction;
  /** `functions/aggregate`: reads the Map run's results and finishes the run. */
  readonly aggregate: IFunction;
  /** `organization.fanOutMaxConcurrency`: child executions at once. */
  readonly maxConcurrency: number;
  readonly logRetentionDays: number;
  /** Active X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /** @default Duration.hours(2) */
  readonly timeout?: Duration;
}

/**
 * The tag-coverage fan-out (DESIGN §4, "Scale"): a Step Functions Distributed
 * Map that reads the run's plan (`[{accountId}]`) from S3, hands batches of
 * accounts to the scan-account worker, writes the workers' pointers through
 * its ResultWriter, and then invokes the aggregator with the manifest's
 * location under `$.map`.
 *
 * The execution input is the tag-coverage function's `FanOutInput`
 * (`runId`, `now`, `regions`, `plan`).
 */
export class TagCoverageFanOut extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: TagCoverageFanOutProps) {
    super(scope, id);
    const tracing = props.tracing ?? false;

    const scan = new LambdaInvoke(this, 'ScanAccounts', {
      lambdaFunction: props.scanAccount,
      // The child's output must be the worker's pointer list itself: the aggregator parses it from the result files.
      outputPath: '$.Payload',
    });
    // Throttling and a worker's own failure are worth one more try each; the Map tolerates the rest.
    scan.addRetry({
      errors: ['Lambda.TooManyRequestsException'],
      interval: Duration.seconds(5),
      maxAttempts: 6,
      backoffRate: 2,
    });

    const map = new DistributedMap(this, 'ScanEveryAccount', {
      // The plan lives in the results bucket; a fixed bucket keeps the ItemReader's s3:GetObject on it alone.
      itemReader: new S3JsonItemReader({ bucket: props.bucket, key: JsonPath.stringAt('$.plan.Key') }),
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: FAN_OUT_ITEMS_PER_BATCH,
        batchInput: { 'runId.$': '$.runId', 'regions.$': '$.regions' },
      }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: FAN_OUT_TOLERATED_FAILURE_PERCENTAGE,
      mapExecutionType: StateMachineType.STANDARD,
      resultWriterV2: new ResultWriterV2({ bucket: props.bucket, prefix: MAP_RESULTS_PREFIX }),
      resultPath: '$.map',
      label: 'ScanEveryAccount',
    });
    map.itemProcessor(scan);

    const aggregate = new LambdaInvoke(this, 'Aggregate', {
      lambdaFunction: props.aggregate,
      outputPath: '$.Payload',
    });

    this.logGroup = new LogGroup(this, 'LogGroup', {
      // The vendedlogs prefix keeps the account's CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-tag-coverage-fan-out`,
      retention: toRetentionDays('TagCoverageFanOut', props.logRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'finops-guardrails: tag-coverage scan of every account, then one aggregation',
      definitionBody: DefinitionBody.fromChainable(map.next(aggregate)),
      stateMachineType: StateMachineType.STANDARD,
      timeout: props.timeout ?? Duration.hours(2),
      tracingEnabled: tracing,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    // Reading a KMS-encrypted plan and writing KMS-encrypted results.
    props.bucketKey.grant(this.stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.acknowledge(props, tracing);
  }

  /**
   * The execution ARN pattern CDK grants the Distributed Map on, as cdk-nag
   * renders it: `arn:<partition>:states:<region>:<account>:execution:<name>`,
   * the name being split out of the state machine's ARN.
   */
  private executionArnPattern(): string {
    const stack = Stack.of(this);
    const rendered = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const name = JSON.stringify({
      'Fn::Select': [
        6,
        {
          'Fn::Split': [':', { Ref: stack.getLogicalId(this.stateMachine.node.defaultChild as CfnElement) }],
        },
      ],
    });
    return `arn:${rendered(stack.partition, 'AWS::Partition')}:states:${rendered(stack.region, 'AWS::Region')}:${rendered(stack.account, 'AWS::AccountId')}:execution:${name}`;
  }

  private acknowledge(props: TagCoverageFanOutProps, tracing: boolean): void {
    const stack = Stack.of(this);
    const logicalId = (c: IConstruct): string => stack.resolve((c.node.defaultChild as CfnElement).logicalId);
    const fnArn = (fn: IFunction) => `<${logicalId(fn)}.Arn>:*`;
    const acknowledgements = [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The log delivery actions (logs:CreateLogDelivery, logs:PutResourcePolicy, …)' +
          (tracing ? ' and xray:PutTraceSegments/PutTelemetryRecords/GetSampling*' : '') +
          ' that Step Functions logging needs support no resource-level permissions.',
      },
      ...[props.scanAccount, props.aggregate].map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::${fnArn(fn)}]`,
        reason:
          'The LambdaInvoke task grants lambda:InvokeFunction on the function and its versions (ARN:*); the wildcard covers only qualifiers of this one function.',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${logicalId(props.bucket)}>/*]`,
        reason:
          'The ItemReader reads the plan and the ResultWriter writes result files under run-specific keys of the one results bucket, which holds only fan-out intermediates.',
      },
      ...['', '/ScanEveryAccount'].map((suffix) => ({
        id: `AwsSolutions-IAM5[Resource::${this.executionArnPattern()}${suffix}:*]`,
        reason:
          'A Distributed Map starts, describes and stops its own child executions (and its map runs), whose names are generated at run time; CDK scopes this to executions of this one state machine.',
      })),
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'The ResultWriter grant on the SSE-KMS results bucket; scoped to the one data key of this stack.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason:
          'The ResultWriter grant on the SSE-KMS results bucket; scoped to the one data key of this stack.',
      },
    ];
    if (!tracing) {
      acknowledgements.push({
        id: 'AwsSolutions-SF2',
        reason:
          'X-Ray tracing is optional (GuardrailsStack tracing prop); every state transition is already logged at level ALL.',
      });
    }
    Validations.of(this.stateMachine).acknowledge(...acknowledgements);
  }
}

export { FAN_OUT_ITEMS_PER_BATCH };
