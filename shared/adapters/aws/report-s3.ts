import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsClientOptions, awsClient } from './clients.js';

export interface S3ReportStoreOptions {
  /** The private, KMS-encrypted results bucket (env REPORTS_BUCKET). */
  readonly bucket: string;
  /** Default: {@link awsClient}(S3Client). */
  readonly client?: S3Client;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * Writes report files to S3. No ACL and no encryption header: the bucket
 * blocks public access and encrypts with its default KMS key (S3 Bucket
 * Key), so the writer needs `s3:PutObject` on its prefix and
 * `kms:GenerateDataKey` and `kms:Decrypt` on that key.
 */
export class S3ReportStore {
  readonly bucket: string;
  readonly #client: S3Client;

  constructor(options: S3ReportStoreOptions) {
    this.bucket = options.bucket;
    this.#client = options.client ?? awsClient(S3Client, options.clientOptions);
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        // The latest report is replaced every run: a browser must not show yesterday's.
        CacheControl: 'no-cache',
      }),
    );
  }
}

export { s3ConsoleUrl } from './s3-console-url.js';
