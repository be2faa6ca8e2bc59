import type { Arn } from './arn.js';

/**
 * The region Resource Explorer and AWS Config report for resources of
 * global services (IAM, CloudFront, Route 53), and the scope
 * `<account>/global` that tag-coverage counts them in.
 */
export const GLOBAL_REGION = 'global';

/**
 * The region a resource lives in, as its ARN says: the ARN's region, or
 * {@link GLOBAL_REGION} when it has none (IAM, CloudFront, Route 53, WAF
 * Classic); `null` for S3 buckets, which are regional although their ARN
 * names no region, so the scanned region applies.
 *
 * @example
 * regionOfArn(parseArn('arn:aws:cloudfront::123456789012:distribution/E1')); // 'global'
 * regionOfArn(parseArn('arn:aws:s3:::logs')); // null
 */
export function regionOfArn(arn: Pick<Arn, 'region' | 'service'>): string | null {
  if (arn.region !== null) return arn.region;
  return arn.service === 's3' ? null : GLOBAL_REGION;
}
