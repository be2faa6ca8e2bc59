import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatArn, parseArn } from '../../../shared/core/arn.js';
import { InputError } from '../../../shared/core/errors.js';

describe('parseArn', () => {
  it.each([
    ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc', 'ec2:instance', 'eu-west-1', '123456789012'],
    ['arn:aws:s3:::my-bucket', 's3:bucket', null, null],
    ['arn:aws:s3:::my-bucket/path/key.txt', 's3:object', null, null],
    ['arn:aws:rds:us-east-1:123456789012:db:orders', 'rds:db', 'us-east-1', '123456789012'],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:resize:3',
      'lambda:function',
      'us-east-1',
      '123456789012',
    ],
    ['arn:aws:route53:::hostedzone/Z0123456789', 'route53:hostedzone', null, null],
    ['arn:aws:iam::123456789012:role/service/deployer', 'iam:role', null, '123456789012'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs', 'sqs:queue', 'us-east-1', '123456789012'],
    ['arn:aws:sns:us-east-1:123456789012:alerts', 'sns:topic', 'us-east-1', '123456789012'],
    ['arn:aws:sns:us-east-1:123456789012:alerts:8a21d249', 'sns:subscription', 'us-east-1', '123456789012'],
    ['arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod', 'apigateway:restapis', 'us-east-1', null],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'dynamodb:table', 'us-east-1', '123456789012'],
    ['arn:aws-cn:ec2:cn-north-1:123456789012:volume/vol-1', 'ec2:volume', 'cn-north-1', '123456789012'],
    [
      'arn:ats:el2:ap-soute-1:365499461711:natgatetal/nat-0ll07',
      'el2:natgatetal',
      'ap-soute-1',
      '365499461711',
    ],
    ['arn:aws:cloudfront::123456789012:distribution/E1', 'cloudfront:distribution', null, '123456789012'],
    ['arn:aws:codecommit:us-east-1:123456789012:repo', 'codecommit', 'us-east-1', '123456789012'],
  ])('parses %s as %s', (arn, resourceType, region, accountId) => {
    expect(parseArn(arn)).toMatchObject({ resourceType, region, accountId });
  });

  it('keeps every colon of the resource part', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:resize:3').resource).toBe(
      'function:resize:3',
    );
  });

  it.each([
    'i-0abc',
    'arn:aws:s3',
    'arn::s3:::bucket',
    'arn:aws::us-east-1:123456789012:thing',
    'arn:aws:ec2:us-east-1:123456789012:',
    'urn:aws:ec2:us-east-1:123456789012:instance/i-1',
  ])('throws an InputError naming %s', (text) => {
    expect(() => parseArn(text)).toThrow(InputError);
    expect(() => parseArn(text)).toThrow(text);
  });

  it('round-trips any ARN built from parts', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    const parts = fc.record({
      partition: token,
      service: token,
      region: fc.option(token, { nil: null }),
      accountId: fc.option(fc.stringMatching(/^\d{12}$/), { nil: null }),
      resource: fc.string({ minLength: 1, maxLength: 40 }),
    });

    fc.assert(
      fc.property(parts, (p) => {
        const arn = formatArn(p);
        const parsed = parseArn(arn);
        expect(parsed).toMatchObject(p);
        expect(formatArn(parsed)).toBe(arn);
        expect(parsed.resourceType.startsWith(p.service)).toBe(true);
      }),
    );
  });
});
