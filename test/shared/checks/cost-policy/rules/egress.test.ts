import { describe, expect, it } from 'vitest';
import { apiItem, notificationItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const rule = parseRule({ kind: 'egress', allowedEnvironments: ['prod'] });

describe('egress', () => {
  describe('from templates', () => {
    it('accepts a NAT gateway in an allowed environment', () => {
      const nat = templateResource({ Nat: { Type: 'AWS::EC2::NatGateway' } }, 'Nat');
      expect(verdict(nat, rule, { environment: 'prod' })).toEqual({ status: 'compliant' });
    });

    it('rejects public egress elsewhere, and where the environment is not tagged', () => {
      const nat = templateResource({ Nat: { Type: 'AWS::EC2::NatGateway' } }, 'Nat');
      expect(verdict(nat, rule, { environment: 'dev' })).toMatchObject({
        status: 'non-compliant',
        reason: 'a public NAT gateway in dev: public egress is allowed only in prod',
      });
      expect(verdict(nat, rule)).toMatchObject({
        reason: expect.stringContaining('with no environment tag'),
      });
    });

    it('sees EC2’s default allow-all egress on a security group without egress rules, and open CIDRs', () => {
      const resources = {
        Default: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'd' } },
        Open6: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { SecurityGroupEgress: [{ IpProtocol: '-1', CidrIpv6: '::/0' }] },
        },
        Closed: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { SecurityGroupEgress: [{ IpProtocol: 'tcp', CidrIp: '10.0.0.0/16' }] },
        },
        Split: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { SecurityGroupEgress: [{ IpProtocol: 'tcp', CidrIp: '10.0.0.0/8' }] },
        },
        SplitRule: {
          Type: 'AWS::EC2::SecurityGroupEgress',
          Properties: {
            GroupId: { 'Fn::GetAtt': ['Split', 'GroupId'] },
            IpProtocol: '-1',
            CidrIp: '0.0.0.0/0',
          },
        },
      };
      const judged = (id: string) =>
        verdict(templateResource(resources, id), rule, { environment: 'dev' }).status;
      expect(['Default', 'Open6', 'Closed', 'Split', 'SplitRule'].map(judged)).toEqual([
        'non-compliant',
        'non-compliant',
        'not-applicable',
        'non-compliant',
        'not-applicable',
      ]);
    });

    it('judges internet gateways only when a VPCGatewayAttachment attaches them, and private NAT gateways not at all', () => {
      const resources = {
        Attached: { Type: 'AWS::EC2::InternetGateway' },
        Loose: { Type: 'AWS::EC2::InternetGateway' },
        Attachment: {
          Type: 'AWS::EC2::VPCGatewayAttachment',
          Properties: { VpcId: 'vpc-1', InternetGatewayId: { Ref: 'Attached' } },
        },
        Private: { Type: 'AWS::EC2::NatGateway', Properties: { ConnectivityType: 'private' } },
      };
      const judged = (id: string) =>
        verdict(templateResource(resources, id), rule, { environment: 'dev' }).status;
      expect(['Attached', 'Loose', 'Private'].map(judged)).toEqual([
        'non-compliant',
        'not-applicable',
        'not-applicable',
      ]);
    });
  });

  describe('from AWS Config items', () => {
    it('rejects a security group whose recorded egress reaches 0.0.0.0/0 outside prod (API shape)', () => {
      // DescribeSecurityGroups' IpPermissionsEgress, as Config records it: ipv4Ranges[].cidrIp.
      const sg = apiItem('AWS::EC2::SecurityGroup', 'sg-0abc', {
        groupId: 'sg-0abc',
        ipPermissionsEgress: [
          {
            ipProtocol: '-1',
            ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }],
            ipv6Ranges: [],
            ipRanges: ['0.0.0.0/0'],
          },
        ],
      });
      expect(verdict(configResource(sg), rule, { environment: 'dev' })).toMatchObject({
        status: 'non-compliant',
        reason: expect.stringContaining('to 0.0.0.0/0 (SecurityGroupEgress[0].CidrIp) in dev'),
      });
    });

    it('accepts an attached internet gateway in prod (notification shape)', () => {
      const igw = notificationItem('AWS::EC2::InternetGateway', 'igw-1', {
        attachments: [{ state: 'available', vpcId: 'vpc-1' }],
      });
      expect(verdict(configResource(igw), rule, { environment: 'prod' })).toEqual({ status: 'compliant' });
    });

    it('does not apply to a private NAT gateway nor to a closed security group (query rows)', () => {
      const nat = queryRow('AWS::EC2::NatGateway', 'nat-1', { connectivityType: 'private' });
      expect(verdict(configResource(nat), rule, { environment: 'dev' }).status).toBe('not-applicable');
      const sg = queryRow('AWS::EC2::SecurityGroup', 'sg-2', {
        ipPermissionsEgress: [{ ipProtocol: 'tcp', ipv4Ranges: [{ cidrIp: '10.0.0.0/8' }] }],
      });
      expect(verdict(configResource(sg), rule, { environment: 'dev' }).status).toBe('not-applicable');
    });
  });
});
