import { describe, expect, it } from 'vitest';
import { apiItem, configLifecycleRule, notificationItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const rule = parseRule({ kind: 's3-lifecycle', abortIncompleteUploadDays: 7 });
const bucket = (LifecycleConfiguration?: unknown) =>
  templateResource(
    {
      Data: {
        Type: 'AWS::S3::Bucket',
        ...(LifecycleConfiguration !== undefined && { Properties: { LifecycleConfiguration } }),
      },
    },
    'Data',
  );

describe('s3-lifecycle', () => {
  describe('from templates', () => {
    it('accepts an enabled rule that expires objects and aborts uploads within the limit', () => {
      const b = bucket({
        Rules: [
          {
            Status: 'Enabled',
            ExpirationInDays: 30,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
          },
        ],
      });
      expect(verdict(b, rule)).toEqual({ status: 'compliant' });
    });

    it('counts transitions and separate rules, filtered or not', () => {
      const b = bucket({
        Rules: [
          {
            Status: 'Enabled',
            Prefix: 'logs/',
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 30 }],
          },
          { Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
        ],
      });
      expect(verdict(b, rule)).toEqual({ status: 'compliant' });
    });

    it('rejects a bucket without lifecycle configuration, with the fix', () => {
      expect(verdict(bucket(), rule)).toEqual({
        status: 'non-compliant',
        reason: 'has no lifecycle configuration',
        fix: 'add an enabled LifecycleConfiguration rule that expires or transitions objects and sets AbortIncompleteMultipartUpload.DaysAfterInitiation to at most 7',
      });
    });

    it('names each missing part: disabled rules, no expiry, a late or absent abort', () => {
      expect(verdict(bucket({ Rules: [{ Status: 'Disabled', ExpirationInDays: 1 }] }), rule)).toMatchObject({
        reason: 'has no enabled lifecycle rule',
      });
      expect(
        verdict(
          bucket({
            Rules: [{ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 30 } }],
          }),
          rule,
        ),
      ).toMatchObject({
        reason:
          'no enabled rule expires or transitions objects; aborts incomplete multipart uploads after 30 days, more than 7',
      });
      expect(verdict(bucket({ Rules: [{ Status: 'Enabled', ExpirationInDays: 30 }] }), rule)).toMatchObject({
        reason: 'never aborts incomplete multipart uploads',
      });
    });

    it('does not apply to other resources', () => {
      expect(verdict(templateResource({ Q: { Type: 'AWS::SQS::Queue' } }, 'Q'), rule).status).toBe(
        'not-applicable',
      );
    });
  });

  describe('from AWS Config items', () => {
    it('accepts a bucket whose recorded lifecycle expires objects and aborts uploads (API shape)', () => {
      const item = apiItem(
        'AWS::S3::Bucket',
        'data-bucket',
        { name: 'data-bucket' },
        {
          supplementary: {
            BucketLifecycleConfiguration: {
              rules: [
                configLifecycleRule({
                  expirationInDays: 30,
                  abortIncompleteMultipartUpload: { daysAfterInitiation: 3 },
                }),
              ],
            },
          },
        },
      );
      expect(verdict(configResource(item), rule)).toEqual({ status: 'compliant' });
    });

    it('rejects a bucket with no BucketLifecycleConfiguration, and one whose -1 day counts mean unset', () => {
      const bare = notificationItem('AWS::S3::Bucket', 'bare-bucket', { name: 'bare-bucket' });
      expect(verdict(configResource(bare), rule)).toMatchObject({ reason: 'has no lifecycle configuration' });
      const unset = queryRow(
        'AWS::S3::Bucket',
        'logs-bucket',
        {},
        {
          supplementary: { BucketLifecycleConfiguration: { rules: [configLifecycleRule({})] } },
        },
      );
      expect(verdict(configResource(unset), rule)).toMatchObject({
        reason: 'no enabled rule expires or transitions objects; never aborts incomplete multipart uploads',
      });
    });

    it('does not apply to a NAT gateway', () => {
      const nat = apiItem('AWS::EC2::NatGateway', 'nat-1', { connectivityType: 'public' });
      expect(verdict(configResource(nat), rule).status).toBe('not-applicable');
    });
  });
});
