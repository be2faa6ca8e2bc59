import { Aws } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';

/**
 * The grants of the functions' own roles, written out action by action
 * instead of CDK's grant helpers (which add Scan, DeleteItem, UpdateItem,
 * kms:Encrypt, kms:ReEncrypt* and SQS attribute reads the code never sends).
 * Each list holds what the code sends, one action a line: a new call is a
 * new line here, and test/infra/iam catches a call without its line.
 */

/**
 * DynamoDbStateStore and DynamoDbQuorumStore (lib-dynamodb commands): state
 * and verdicts, the run lease and outbox (conditional UpdateItem, GetItem).
 */
export const STATE_TABLE_ACTIONS: readonly string[] = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
];

/**
 * DynamoDB decrypts a table's key with the caller's permissions (and caches
 * it per connection for minutes): reads and writes of a table under a
 * customer-managed key need kms:Decrypt on it, through DynamoDB.
 */
export const STATE_TABLE_KEY_ACTIONS: readonly string[] = ['kms:Decrypt'];

/** SqsSink (SendMessageBatch is authorized by sqs:SendMessage). */
export const QUEUE_SEND_ACTIONS: readonly string[] = ['sqs:SendMessage'];
/** A sender to an SSE-KMS queue generates and decrypts the data key through SQS. */
export const QUEUE_SEND_KEY_ACTIONS: readonly string[] = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** A Lambda event source mapping polls the queue with the function's role (AWSLambdaSQSQueueExecutionRole's SQS actions). */
export const QUEUE_CONSUME_ACTIONS: readonly string[] = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];
/** Reading messages of an SSE-KMS queue decrypts their data key. */
export const QUEUE_CONSUME_KEY_ACTIONS: readonly string[] = ['kms:Decrypt'];

/** SnsSink publishing to an SSE-KMS topic generates and decrypts the data key through SNS. */
export const TOPIC_PUBLISH_KEY_ACTIONS: readonly string[] = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * An SSE-KMS object written (PutObject) or read (GetObject). Writers get
 * kms:Decrypt beside kms:GenerateDataKey: revisions of the S3 User Guide's
 * SSE-KMS page disagree on whether a single-part upload needs it, its
 * directory-bucket page and AWS's own troubleshooting answer list both, and a
 * missing one would fail every scan write in a real account.
 */
export const OBJECT_WRITE_KEY_ACTIONS: readonly string[] = ['kms:GenerateDataKey', 'kms:Decrypt'];
export const OBJECT_READ_KEY_ACTIONS: readonly string[] = ['kms:Decrypt'];

/** The `kms:ViaService` value of a service in a region: `sqs.eu-west-1.amazonaws.com`. */
export function viaService(service: string, region: string = Aws.REGION): string {
  return `${service}.${region}.${Aws.URL_SUFFIX}`;
}

/** A KMS key in this stack, or the ARN (or ARN pattern) of one elsewhere. */
export type KeyReference = IKey | string;

function keyArn(key: KeyReference): string {
  return typeof key === 'string' ? key : key.keyArn;
}

/** `actions` on `key`, only when `service` in `region` uses the key on the grantee's behalf. */
export function grantKeyVia(
  grantee: IGrantable,
  key: KeyReference,
  actions: readonly string[],
  service: string,
  region?: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...actions],
      resources: [keyArn(key)],
      conditions: { StringEquals: { 'kms:ViaService': viaService(service, region) } },
    }),
  );
}

/** The state table's item operations, and its key through DynamoDB. */
export function grantStateTable(
  grantee: IGrantable,
  table: { readonly tableArn: string },
  key: KeyReference | undefined,
  region?: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...STATE_TABLE_ACTIONS], resources: [table.tableArn] }),
  );
  if (key) grantKeyVia(grantee, key, STATE_TABLE_KEY_ACTIONS, 'dynamodb', region);
}

/** Sending to the incident queue, and its key through SQS in the queue's region. */
export function grantSendToQueue(
  grantee: IGrantable,
  queueArn: string,
  key: KeyReference | undefined,
  queueRegion?: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...QUEUE_SEND_ACTIONS], resources: [queueArn] }),
  );
  if (key) grantKeyVia(grantee, key, QUEUE_SEND_KEY_ACTIONS, 'sqs', queueRegion);
}

/** What a Lambda event source mapping needs to poll the queue for the function. */
export function grantConsumeQueue(
  grantee: IGrantable,
  queueArn: string,
  key: KeyReference | undefined,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...QUEUE_CONSUME_ACTIONS], resources: [queueArn] }),
  );
  if (key) grantKeyVia(grantee, key, QUEUE_CONSUME_KEY_ACTIONS, 'sqs');
}
