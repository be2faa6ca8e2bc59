import { InputError } from './errors.js';

/** The parts of an Amazon Resource Name. */
export interface Arn {
  /** `aws`, `aws-cn`, `aws-us-gov`, or anything else (anonymised data uses made-up ones). */
  partition: string;
  service: string;
  /** `null` for global resources (S3 buckets, IAM, Route 53). */
  region: string | null;
  /** `null` where the ARN carries no account (S3 buckets, Route 53). */
  accountId: string | null;
  /** Everything after the fifth colon: `type/id`, `type:id` or `id`. */
  resource: string;
  /** `service:type`, e.g. `ec2:instance`, `s3:bucket`; just `service` when the type is unknown. */
  resourceType: string;
}

// Services whose resource part is a bare id (or whose separators would mislead).
const TYPE_BY_SERVICE: Record<string, (resource: string) => string> = {
  s3: (resource) => (resource.includes('/') ? 'object' : 'bucket'),
  sqs: () => 'queue',
  sns: (resource) => (resource.includes(':') ? 'subscription' : 'topic'),
};

/**
 * Splits an ARN (`arn:partition:service:region:account:resource`) into its
 * parts and derives a resource type. Pure: no lookups.
 *
 * @throws InputError (location = the ARN) when the text is not an ARN.
 * @example
 * parseArn('arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc').resourceType // 'ec2:instance'
 */
export function parseArn(arn: string): Arn {
  const parts = arn.split(':');
  const [prefix, partition, service, region, accountId] = parts;
  const resource = parts.slice(5).join(':');
  if (prefix !== 'arn' || parts.length < 6) {
    throw new InputError(arn, 'not an ARN (expected arn:partition:service:region:account:resource)');
  }
  if (!partition || !service || resource === '') {
    throw new InputError(arn, 'ARN has an empty partition, service or resource');
  }
  return {
    partition,
    service,
    region: region || null,
    accountId: accountId || null,
    resource,
    resourceType: resourceTypeOf(service, resource),
  };
}

/** Builds an ARN string from its parts; the inverse of {@link parseArn}. */
export function formatArn(parts: Omit<Arn, 'resourceType'>): string {
  const { partition, service, region, accountId, resource } = parts;
  return `arn:${partition}:${service}:${region ?? ''}:${accountId ?? ''}:${resource}`;
}

function resourceTypeOf(service: string, resource: string): string {
  const special = TYPE_BY_SERVICE[service];
  if (special !== undefined) return `${service}:${special(resource)}`;
  // API Gateway paths start with a slash: `/restapis/abc/stages/prod`.
  const path = resource.startsWith('/') ? resource.slice(1) : resource;
  const end = path.search(/[/:]/);
  return end > 0 ? `${service}:${path.slice(0, end)}` : service;
}
