import { describe, expect, it } from 'vitest';
import { apiItem, notificationItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const rule = parseRule({
  kind: 'allowed-instance-types',
  allow: ['t3.*', 'm7g.*', 'db.t4g.*', 'cache.t4g.*', '*.search'],
  deny: ['*.16xlarge'],
});

describe('allowed-instance-types', () => {
  describe('from templates', () => {
    it('accepts an instance type the allow list matches', () => {
      const instance = templateResource(
        { Host: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm7g.large' } } },
        'Host',
      );
      expect(verdict(instance, rule)).toEqual({ status: 'compliant' });
    });

    it('rejects a denied type even when the allow list matches, naming the pattern and the fix', () => {
      const db = templateResource(
        { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.t4g.16xlarge' } } },
        'Db',
      );
      expect(verdict(db, rule)).toEqual({
        status: 'non-compliant',
        reason: 'DBInstanceClass db.t4g.16xlarge matches the denied *.16xlarge',
        fix: 'set DBInstanceClass to a type the policy allows (db.t4g.*, *.search)',
      });
    });

    it('judges launch templates, launch configurations, mixed-instances overrides, ElastiCache and OpenSearch', () => {
      const resources = {
        Lt: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'c5.large' } },
        },
        Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { InstanceType: 't3.micro' } },
        Asg: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MixedInstancesPolicy: {
              LaunchTemplate: { Overrides: [{ InstanceType: 't3.large' }, { InstanceType: 'p4d.24xlarge' }] },
            },
          },
        },
        Cache: { Type: 'AWS::ElastiCache::CacheCluster', Properties: { CacheNodeType: 'cache.r6g.large' } },
        Search: {
          Type: 'AWS::OpenSearchService::Domain',
          Properties: {
            ClusterConfig: { InstanceType: 'r6g.large.search', DedicatedMasterType: 'm6g.large' },
          },
        },
      };
      const status = (id: string) => verdict(templateResource(resources, id), rule).status;
      expect(['Lt', 'Lc', 'Asg', 'Cache', 'Search'].map(status)).toEqual([
        'non-compliant',
        'compliant',
        'non-compliant',
        'non-compliant',
        'non-compliant',
      ]);
    });

    it('uses CloudFormation’s default m1.small for an instance without InstanceType or launch template', () => {
      const instance = templateResource({ Host: { Type: 'AWS::EC2::Instance' } }, 'Host');
      expect(verdict(instance, rule)).toMatchObject({
        status: 'non-compliant',
        reason: expect.stringContaining('m1.small'),
      });
    });

    it('does not apply to resources without an instance type, nor to services the rule leaves out', () => {
      const bucket = templateResource({ B: { Type: 'AWS::S3::Bucket' } }, 'B');
      expect(verdict(bucket, rule).status).toBe('not-applicable');
      const ec2Only = parseRule({ kind: 'allowed-instance-types', allow: ['t3.*'], services: ['ec2'] });
      const db = templateResource(
        { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r5.large' } } },
        'Db',
      );
      expect(verdict(db, ec2Only).status).toBe('not-applicable');
    });
  });

  describe('from AWS Config items', () => {
    it('accepts an EC2 instance of an allowed type (change-notification shape)', () => {
      const item = notificationItem('AWS::EC2::Instance', 'i-0a1b2c3d4e5f60718', {
        instanceType: 't3.small',
      });
      expect(verdict(configResource(item), rule)).toEqual({ status: 'compliant' });
    });

    it('rejects an RDS class outside the allow list (API shape) and an Elasticsearch type (query row)', () => {
      const db = apiItem('AWS::RDS::DBInstance', 'db-ABCDEFGHIJKL', {
        dBInstanceClass: 'db.r5.4xlarge',
        engine: 'postgres',
      });
      expect(verdict(configResource(db), rule)).toMatchObject({
        status: 'non-compliant',
        reason: 'DBInstanceClass db.r5.4xlarge is not an allowed type',
      });
      const es = queryRow('AWS::Elasticsearch::Domain', 'logs', {
        elasticsearchClusterConfig: { instanceType: 'm5.large.elasticsearch' },
      });
      expect(verdict(configResource(es), rule).status).toBe('non-compliant');
    });

    it('does not apply to an EBS volume', () => {
      const item = apiItem('AWS::EC2::Volume', 'vol-0abc', { volumeType: 'gp3', size: 8 });
      expect(verdict(configResource(item), rule).status).toBe('not-applicable');
    });
  });
});
