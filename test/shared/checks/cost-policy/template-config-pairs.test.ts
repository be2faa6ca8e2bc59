import { describe, expect, it } from 'vitest';
import type { CostRule } from '../../../../shared/config/cost-policy-schema.js';
import { apiItem, configLifecycleRule, notificationItem, queryRow } from './config-items.js';
import { configResource, parseRule, templateResource, verdict } from './helpers.js';

/**
 * The same rule gives the same verdict on a template resource and on the
 * AWS Config item of the resource that template deploys. Each row pairs a
 * template resource with the item Config records for it (shapes and field
 * names: see config-items.ts).
 */
interface Pair {
  readonly name: string;
  readonly rule: CostRule;
  readonly environment?: string;
  readonly template: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly config: unknown;
  readonly logGroups?: Record<string, { retentionInDays?: number }>;
  readonly expected: 'compliant' | 'non-compliant' | 'not-applicable';
}

const sizes = parseRule({ kind: 'allowed-instance-types', allow: ['t3.*', 'db.t4g.*', '*.search'] });
const logs = parseRule({ kind: 'log-retention', maxDays: 30 });
const lifecycle = parseRule({ kind: 's3-lifecycle' });
const noNat = parseRule({ kind: 'resource-limit', resourceType: 'AWS::EC2::NatGateway', max: 0 });
const gp3 = parseRule({ kind: 'volume-type', allowedTypes: ['gp3'], maxSizeGiB: 500 });
const egress = parseRule({ kind: 'egress', allowedEnvironments: ['prod'] });

const pairs: readonly Pair[] = [
  {
    name: 'an allowed EC2 instance',
    rule: sizes,
    template: { R: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't3.large' } } },
    config: notificationItem('AWS::EC2::Instance', 'i-1', { instanceType: 't3.large' }),
    expected: 'compliant',
  },
  {
    name: 'an RDS class outside the allow list',
    rule: sizes,
    template: {
      R: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.xlarge', Engine: 'mysql' } },
    },
    config: apiItem('AWS::RDS::DBInstance', 'db-1', { dBInstanceClass: 'db.r6g.xlarge', engine: 'mysql' }),
    expected: 'non-compliant',
  },
  {
    name: 'an OpenSearch domain (AWS::OpenSearchService::Domain in templates, AWS::OpenSearch::Domain in Config)',
    rule: sizes,
    template: {
      R: {
        Type: 'AWS::OpenSearchService::Domain',
        Properties: { ClusterConfig: { InstanceType: 'r6g.large.search' } },
      },
    },
    config: queryRow('AWS::OpenSearch::Domain', 'search', {
      ClusterConfig: { InstanceType: 'r6g.large.search' },
    }),
    expected: 'compliant',
  },
  {
    name: 'a launch configuration of a disallowed type',
    rule: sizes,
    template: {
      R: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { InstanceType: 'c5.xlarge' } },
    },
    config: apiItem('AWS::AutoScaling::LaunchConfiguration', 'lc', { instanceType: 'c5.xlarge' }),
    expected: 'non-compliant',
  },
  {
    name: 'a function with a 14-day log group',
    rule: logs,
    template: {
      R: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'render', LoggingConfig: { LogGroup: { Ref: 'L' } } },
      },
      L: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: '/aws/lambda/render', RetentionInDays: 14 },
      },
    },
    config: apiItem('AWS::Lambda::Function', 'render', { functionName: 'render' }),
    logGroups: { '/aws/lambda/render': { retentionInDays: 14 } },
    expected: 'compliant',
  },
  {
    name: 'a function whose log group nothing creates',
    rule: logs,
    template: { R: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orphan' } } },
    config: apiItem('AWS::Lambda::Function', 'orphan', { functionName: 'orphan' }),
    logGroups: {},
    expected: 'non-compliant',
  },
  {
    name: 'a bucket with expiry and abort rules',
    rule: lifecycle,
    template: {
      R: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          LifecycleConfiguration: {
            Rules: [
              {
                Status: 'Enabled',
                ExpirationInDays: 90,
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
              },
            ],
          },
        },
      },
    },
    config: apiItem(
      'AWS::S3::Bucket',
      'b',
      { name: 'b' },
      {
        supplementary: {
          BucketLifecycleConfiguration: {
            rules: [
              configLifecycleRule({
                expirationInDays: 90,
                abortIncompleteMultipartUpload: { daysAfterInitiation: 2 },
              }),
            ],
          },
        },
      },
    ),
    expected: 'compliant',
  },
  {
    name: 'a bucket without lifecycle',
    rule: lifecycle,
    template: { R: { Type: 'AWS::S3::Bucket' } },
    config: notificationItem('AWS::S3::Bucket', 'b', { name: 'b' }),
    expected: 'non-compliant',
  },
  {
    name: 'a NAT gateway where none is allowed',
    rule: noNat,
    environment: 'dev',
    template: { R: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 's' } } },
    config: apiItem('AWS::EC2::NatGateway', 'nat-1', { connectivityType: 'public' }),
    expected: 'non-compliant',
  },
  {
    name: 'a gp2 volume',
    rule: gp3,
    template: { R: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp2', Size: 100 } } },
    config: apiItem('AWS::EC2::Volume', 'vol-1', { volumeType: 'gp2', size: 100 }),
    expected: 'non-compliant',
  },
  {
    name: 'a gp3 volume within the size cap',
    rule: gp3,
    template: { R: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp3', Size: 100 } } },
    config: queryRow('AWS::EC2::Volume', 'vol-2', { volumeType: 'gp3', size: 100 }),
    expected: 'compliant',
  },
  {
    name: 'RDS storage that is gp3',
    rule: gp3,
    template: {
      R: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { Engine: 'postgres', StorageType: 'gp3', AllocatedStorage: '50' },
      },
    },
    config: apiItem('AWS::RDS::DBInstance', 'db-2', {
      engine: 'postgres',
      storageType: 'gp3',
      allocatedStorage: 50,
    }),
    expected: 'compliant',
  },
  {
    name: 'a security group left with the default egress rule, in dev',
    rule: egress,
    environment: 'dev',
    template: { R: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } },
    // What EC2 creates: the default rule allowing all outbound IPv4 traffic.
    config: apiItem('AWS::EC2::SecurityGroup', 'sg-1', {
      ipPermissionsEgress: [{ ipProtocol: '-1', ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [] }],
    }),
    expected: 'non-compliant',
  },
  {
    name: 'an attached internet gateway in prod',
    rule: egress,
    environment: 'prod',
    template: {
      R: { Type: 'AWS::EC2::InternetGateway' },
      A: {
        Type: 'AWS::EC2::VPCGatewayAttachment',
        Properties: { VpcId: 'vpc-1', InternetGatewayId: { Ref: 'R' } },
      },
    },
    config: notificationItem('AWS::EC2::InternetGateway', 'igw-1', {
      attachments: [{ state: 'available', vpcId: 'vpc-1' }],
    }),
    expected: 'compliant',
  },
  {
    name: 'a private NAT gateway',
    rule: egress,
    environment: 'dev',
    template: { R: { Type: 'AWS::EC2::NatGateway', Properties: { ConnectivityType: 'private' } } },
    config: apiItem('AWS::EC2::NatGateway', 'nat-2', { connectivityType: 'private' }),
    expected: 'not-applicable',
  },
];

describe('the same rule judges a template resource and the Config item of what it deploys alike', () => {
  for (const pair of pairs) {
    it(`${pair.rule.kind}: ${pair.name} is ${pair.expected} both ways`, () => {
      const context = pair.environment === undefined ? {} : { environment: pair.environment };
      const fromTemplate = verdict(templateResource(pair.template, 'R'), pair.rule, context);
      const groups = pair.logGroups;
      const fromConfig = verdict(
        configResource(pair.config, groups ? { logGroup: (name) => groups[name] } : {}),
        pair.rule,
        context,
      );
      expect(fromTemplate.status).toBe(pair.expected);
      expect(fromConfig.status).toBe(pair.expected);
      if (
        fromTemplate.status === 'non-compliant' &&
        pair.rule.kind !== 'egress' &&
        pair.rule.kind !== 'log-retention'
      )
        expect(fromConfig).toEqual(fromTemplate);
    });
  }
});
