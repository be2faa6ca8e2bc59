import { describe, expect, it } from 'vitest';
import { apiItem, notificationItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const rule = parseRule({ kind: 'volume-type', allowedTypes: ['gp3'], maxSizeGiB: 500, maxIops: 10000 });

describe('volume-type', () => {
  describe('from templates', () => {
    it('accepts a gp3 volume within the caps', () => {
      const v = templateResource(
        { V: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp3', Size: 100 } } },
        'V',
      );
      expect(verdict(v, rule)).toEqual({ status: 'compliant' });
    });

    it('rejects another type and sizes above the caps, with each property named', () => {
      const v = templateResource(
        { V: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'io1', Size: 1000, Iops: 20000 } } },
        'V',
      );
      expect(verdict(v, rule)).toEqual({
        status: 'non-compliant',
        reason:
          'VolumeType io1 is not an allowed type (gp3); Size 1000 GiB is more than 500; Iops 20000 IOPS is more than 10000',
        fix: 'set VolumeType to gp3',
      });
    });

    it('reads EC2’s gp2 default, block device mappings and RDS storage', () => {
      const resources = {
        Default: { Type: 'AWS::EC2::Volume', Properties: { Size: 10 } },
        Host: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            InstanceType: 't3.micro',
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'st1' } }],
          },
        },
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { Engine: 'mysql', StorageType: 'gp2', AllocatedStorage: '100' },
        },
        Aurora: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { Engine: 'aurora-postgresql', DBClusterIdentifier: 'c' },
        },
      };
      const judged = (id: string) => verdict(templateResource(resources, id), rule);
      expect(judged('Default')).toMatchObject({ reason: 'VolumeType gp2 is not an allowed type (gp3)' });
      expect(judged('Host')).toMatchObject({
        reason: 'BlockDeviceMappings[0].Ebs.VolumeType st1 is not an allowed type (gp3)',
      });
      expect(judged('Db')).toMatchObject({ reason: 'StorageType gp2 is not an allowed type (gp3)' });
      expect(judged('Aurora').status).toBe('not-applicable');
    });

    it('reports RDS’s unset StorageType as unresolved between gp2 and gp3, never guessed', () => {
      const db = templateResource(
        { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres' } } },
        'Db',
      );
      expect(verdict(db, rule)).toMatchObject({
        status: 'unresolved',
        candidates: [
          { value: 'gp2', status: 'non-compliant', reason: 'StorageType gp2 is not an allowed type (gp3)' },
          { value: 'gp3', status: 'compliant' },
        ],
      });
    });

    it('does not apply to a bucket, nor to EBS when the rule covers RDS only', () => {
      expect(verdict(templateResource({ B: { Type: 'AWS::S3::Bucket' } }, 'B'), rule).status).toBe(
        'not-applicable',
      );
      const rdsOnly = parseRule({ kind: 'volume-type', allowedTypes: ['gp3'], services: ['rds'] });
      const v = templateResource({ V: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp2' } } }, 'V');
      expect(verdict(v, rdsOnly).status).toBe('not-applicable');
    });
  });

  describe('from AWS Config items', () => {
    it('accepts a gp3 EBS volume (notification shape)', () => {
      const item = notificationItem('AWS::EC2::Volume', 'vol-0123456789abcdef0', {
        volumeType: 'gp3',
        size: 100,
        iops: 3000,
      });
      expect(verdict(configResource(item), rule)).toEqual({ status: 'compliant' });
    });

    it('rejects gp2 RDS storage (API shape) and an io1 launch-template mapping (query row)', () => {
      const db = apiItem('AWS::RDS::DBInstance', 'db-1', {
        dBInstanceClass: 'db.t4g.micro',
        engine: 'mysql',
        storageType: 'gp2',
        allocatedStorage: 20,
      });
      expect(verdict(configResource(db), rule)).toMatchObject({
        reason: 'StorageType gp2 is not an allowed type (gp3)',
      });
      const lt = queryRow('AWS::EC2::LaunchTemplate', 'lt-1', {
        LaunchTemplateData: {
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'io1', VolumeSize: 8 } }],
        },
      });
      expect(verdict(configResource(lt), rule)).toMatchObject({
        reason: 'LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeType io1 is not an allowed type (gp3)',
      });
    });

    it('does not apply to an Aurora instance or an EC2 instance (its volumes are items of their own)', () => {
      const aurora = apiItem('AWS::RDS::DBInstance', 'db-2', {
        engine: 'aurora-mysql',
        dBClusterIdentifier: 'c1',
        storageType: 'aurora',
      });
      expect(verdict(configResource(aurora), rule).status).toBe('not-applicable');
      const host = apiItem('AWS::EC2::Instance', 'i-1', { instanceType: 't3.micro' });
      expect(verdict(configResource(host), rule).status).toBe('not-applicable');
    });
  });
});
