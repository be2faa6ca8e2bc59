import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { REPORT_KEYS } from '../../shared/runtime/report-publisher-env.js';
import { grantKeyVia, OBJECT_WRITE_KEY_ACTIONS } from '../iam/function-grants.js';
import { stableLogicalId } from '../logical-id.js';
import type { GuardrailFunction } from './guardrail-function.js';

/** Fan-out intermediates (plan, scans, Map results) live under this prefix and expire after this long. */
export const RESULTS_PREFIX = 'tag-coverage/';
export const RESULTS_EXPIRATION = Duration.days(14);
/** The latest report (HTML and JSON), replaced by every run of a tooling function. */
export const REPORTS_PREFIX = REPORT_KEYS.html.slice(0, REPORT_KEYS.html.indexOf('/') + 1);

/**
 * The tooling account's results bucket: the fan-out's intermediates under
 * `tag-coverage/`, and the latest report under `reports/`. SSE-KMS with the
 * data key (an S3 Bucket Key keeps the KMS calls to a few per run), TLS
 * only, no public access; intermediates expire after 14 days, the report is
 * overwritten by every run. Retained on stack deletion rather than emptied
 * by an auto-delete custom resource: that would add a CDK-managed Lambda
 * function outside GuardrailFunction (its own runtime, untagged by the tag
 * policy). Its logical id stays `ResultsBucket`, where the fan-out created
 * it before the report needed it in every deployment.
 */
export function resultsBucket(scope: Construct, dataKey: Key): Bucket {
  const bucket = new Bucket(scope, 'ResultsBucket', {
    encryption: BucketEncryption.KMS,
    encryptionKey: dataKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [
      {
        id: 'ExpireFanOutIntermediates',
        prefix: RESULTS_PREFIX,
        expiration: RESULTS_EXPIRATION,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  stableLogicalId(bucket, 'ResultsBucket');
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'Holds transient fan-out intermediates (expired after 14 days) and the latest report, written and read by roles of this stack; server access logs would need a second bucket for no audit value. CloudTrail records the bucket management events.',
  });
  return bucket;
}

/** The right to replace the report: s3:PutObject under `reports/` only, and the data key through S3. */
export function grantReportWrite(grantee: GuardrailFunction, bucket: Bucket, dataKey: Key): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${REPORTS_PREFIX}*`)],
    }),
  );
  grantKeyVia(grantee, dataKey, OBJECT_WRITE_KEY_ACTIONS, 's3');
  Validations.of(grantee.executionRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<ResultsBucket.Arn>/${REPORTS_PREFIX}*]`,
    reason:
      'The report is written as reports/latest.html and reports/latest.json; the prefix holds nothing else.',
  });
}

/**
 * The console page of the latest report. Written as a template, not with
 * s3ConsoleUrl(): the bucket name is a token at synth, and encoding it would
 * break the substitution.
 */
export function reportConsoleUrl(bucketName: string, region: string): string {
  return `https://console.aws.amazon.com/s3/object/${bucketName}?region=${region}&bucketType=general&prefix=${REPORT_KEYS.html}`;
}
