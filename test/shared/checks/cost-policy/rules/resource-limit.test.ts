import { describe, expect, it } from 'vitest';
import { apiItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const none = parseRule({ kind: 'resource-limit', resourceType: 'AWS::EC2::NatGateway', max: 0 });
const one = parseRule({ kind: 'resource-limit', resourceType: 'AWS::EC2::NatGateway', max: 1 });
const nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } };

describe('resource-limit', () => {
  describe('from templates', () => {
    it('rejects a resource of a type allowed 0 times in its environment', () => {
      const resource = templateResource({ Nat: nat }, 'Nat');
      expect(verdict(resource, none, { environment: 'dev' })).toEqual({
        status: 'non-compliant',
        reason: 'AWS::EC2::NatGateway is not allowed in dev',
        fix: 'remove it, or deploy it to an environment the rule resource-limit-rule does not cover',
      });
    });

    it('counts peers: within the limit complies, above it names every one', () => {
      const a = templateResource({ A: nat }, 'A');
      const b = templateResource({ B: nat }, 'B');
      expect(verdict(a, one, { environment: 'dev', peers: [a] })).toEqual({ status: 'compliant' });
      expect(verdict(a, one, { environment: 'dev', peers: [a, b] })).toMatchObject({
        status: 'non-compliant',
        reason: '2 AWS::EC2::NatGateway in dev, at most 1 allowed: A, B',
        fix: 'remove 1 of them, or share one',
      });
    });

    it('does not apply to other types', () => {
      expect(verdict(templateResource({ I: { Type: 'AWS::EC2::InternetGateway' } }, 'I'), none).status).toBe(
        'not-applicable',
      );
    });
  });

  describe('from AWS Config items', () => {
    it('rejects a NAT gateway where none is allowed, and accepts one within the limit', () => {
      const item = configResource(
        apiItem('AWS::EC2::NatGateway', 'nat-0a1b2c3d', { connectivityType: 'public' }),
      );
      expect(verdict(item, none, { environment: 'dev' }).status).toBe('non-compliant');
      expect(verdict(item, one, { environment: 'dev' }).status).toBe('compliant');
    });

    it('does not apply to other types', () => {
      const vol = configResource(queryRow('AWS::EC2::Volume', 'vol-1', { volumeType: 'gp3' }));
      expect(verdict(vol, none).status).toBe('not-applicable');
    });
  });
});
