import { describe, expect, it } from 'vitest';
import { queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

// The managed services whose instance classes allowed-instance-types reads beside EC2, RDS, ElastiCache
// and OpenSearch. Property paths: CloudFormation Template Reference, each type's page
// (AWS::EKS::Nodegroup InstanceTypes, AWS::EMR::Cluster JobFlowInstancesConfig, AWS::MSK::Cluster
// BrokerNodeGroupInfo, …); Config field names: awslabs/aws-config-resource-schema
// (test/fixtures/aws-config/advanced-query-properties.json).
const rule = parseRule({
  kind: 'allowed-instance-types',
  allow: [
    't3.*',
    'm5.*',
    'db.t4g.*',
    'ra3.xlplus',
    'kafka.t3.small',
    'express.m7g.*',
    'mq.t3.micro',
    'optimal',
  ],
  deny: ['*.16xlarge'],
});

describe('allowed-instance-types on managed services', () => {
  describe('from templates', () => {
    it('judges each element of a list: one denied node-group type is a violation naming its index', () => {
      const nodes = templateResource(
        {
          Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: ['t3.large', 'm5.16xlarge'] } },
        },
        'Nodes',
      );
      expect(verdict(nodes, rule)).toEqual({
        status: 'non-compliant',
        reason: 'InstanceTypes.1 m5.16xlarge matches the denied *.16xlarge',
        fix: 'set InstanceTypes.1 to a type the policy allows (t3.*, m5.*, optimal)',
      });
    });

    it("uses EKS's default t3.medium without InstanceTypes, and leaves a launch template's type unresolved", () => {
      const resources = {
        Plain: { Type: 'AWS::EKS::Nodegroup', Properties: {} },
        FromTemplate: { Type: 'AWS::EKS::Nodegroup', Properties: { LaunchTemplate: { Id: 'lt-1' } } },
      };
      expect(verdict(templateResource(resources, 'Plain'), rule)).toEqual({ status: 'compliant' });
      const strict = parseRule({ kind: 'allowed-instance-types', allow: ['m5.*'] });
      expect(verdict(templateResource(resources, 'Plain'), strict)).toMatchObject({
        status: 'non-compliant',
        reason: 'InstanceTypes t3.medium is not an allowed type',
      });
      expect(verdict(templateResource(resources, 'FromTemplate'), rule)).toMatchObject({
        status: 'unresolved',
        reason: 'its LaunchTemplate is known only at deploy; no candidate value to judge',
      });
    });

    it('judges every element of every list an Fn::If may pick, and of a CommaDelimitedList default', () => {
      const resources = {
        Batch: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Properties: {
            ComputeResources: {
              InstanceTypes: { 'Fn::If': ['IsProd', ['m5.16xlarge'], ['t3.large', 'c5.large']] },
            },
          },
        },
        AllBad: {
          Type: 'AWS::EKS::Nodegroup',
          Properties: { InstanceTypes: { 'Fn::If': ['IsProd', ['c5.large'], ['r5.large']] } },
        },
        FromList: { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: { Ref: 'Types' } } },
      };
      const extra = {
        Parameters: { Types: { Type: 'CommaDelimitedList', Default: 't3.large, m5.16xlarge' } },
      };
      expect(verdict(templateResource(resources, 'Batch', extra), rule)).toMatchObject({
        status: 'unresolved',
        reason: 'depends on Fn::If IsProd, known only at deploy',
        candidates: [
          { value: 'm5.16xlarge', status: 'non-compliant' },
          { value: 't3.large', status: 'compliant' },
          { value: 'c5.large', status: 'non-compliant' },
        ],
      });
      expect(verdict(templateResource(resources, 'AllBad', extra), rule).status).toBe('non-compliant');
      expect(verdict(templateResource(resources, 'FromList', extra), rule)).toMatchObject({
        status: 'unresolved',
        candidates: [
          { value: 't3.large', status: 'compliant' },
          { value: 'm5.16xlarge', status: 'non-compliant' },
        ],
      });
    });

    it('reads the groups and fleets of an EMR cluster, and an instance fleet of its own', () => {
      const resources = {
        Cluster: {
          Type: 'AWS::EMR::Cluster',
          Properties: {
            Instances: {
              MasterInstanceFleet: { InstanceTypeConfigs: [{ InstanceType: 'm5.xlarge' }] },
              CoreInstanceFleet: { InstanceTypeConfigs: [{ InstanceType: 'm5.xlarge' }] },
              TaskInstanceFleets: [
                { InstanceTypeConfigs: [{ InstanceType: 't3.large' }, { InstanceType: 'r5.large' }] },
              ],
            },
          },
        },
        Groups: {
          Type: 'AWS::EMR::Cluster',
          Properties: {
            Instances: {
              MasterInstanceGroup: { InstanceType: 'c5.xlarge' },
              CoreInstanceGroup: { InstanceType: 'm5.xlarge' },
              TaskInstanceGroups: [{ InstanceType: 'm5.xlarge' }],
            },
          },
        },
        Fleet: {
          Type: 'AWS::EMR::InstanceFleetConfig',
          Properties: { InstanceTypeConfigs: { 'Fn::If': ['Big', [{ InstanceType: 'm5.16xlarge' }], []] } },
        },
      };
      expect(verdict(templateResource(resources, 'Cluster'), rule)).toMatchObject({
        status: 'non-compliant',
        reason:
          'Instances.TaskInstanceFleets.0.InstanceTypeConfigs.1.InstanceType r5.large is not an allowed type',
      });
      expect(verdict(templateResource(resources, 'Groups'), rule)).toMatchObject({
        status: 'non-compliant',
        reason: 'Instances.MasterInstanceGroup.InstanceType c5.xlarge is not an allowed type',
      });
      // One branch has no fleet types at all: only the other one's are candidates.
      expect(verdict(templateResource(resources, 'Fleet'), rule)).toMatchObject({
        status: 'non-compliant',
        reason:
          'InstanceTypeConfigs.InstanceType m5.16xlarge matches the denied *.16xlarge (every value of Fn::If Big)',
      });
    });

    it("names each service's own allow patterns in the fix, and services narrows what is judged", () => {
      const resources = {
        Kafka: {
          Type: 'AWS::MSK::Cluster',
          Properties: { BrokerNodeGroupInfo: { InstanceType: 'kafka.m5.large' } },
        },
        Warehouse: { Type: 'AWS::Redshift::Cluster', Properties: { NodeType: 'ra3.16xlarge' } },
        Graph: { Type: 'AWS::Neptune::DBInstance', Properties: { DBInstanceClass: 'db.r5.large' } },
      };
      expect(verdict(templateResource(resources, 'Kafka'), rule)).toMatchObject({
        fix: 'set BrokerNodeGroupInfo.InstanceType to a type the policy allows (kafka.t3.small, express.m7g.*)',
      });
      expect(verdict(templateResource(resources, 'Warehouse'), rule)).toMatchObject({
        reason: 'NodeType ra3.16xlarge matches the denied *.16xlarge',
        fix: 'set NodeType to a type the policy allows (ra3.xlplus)',
      });
      expect(verdict(templateResource(resources, 'Graph'), rule)).toMatchObject({
        fix: 'set DBInstanceClass to a type the policy allows (db.t4g.*)',
      });
      const redshiftOnly = parseRule({
        kind: 'allowed-instance-types',
        allow: ['ra3.*'],
        services: ['redshift'],
      });
      expect(verdict(templateResource(resources, 'Kafka'), redshiftOnly).status).toBe('not-applicable');
      expect(verdict(templateResource(resources, 'Warehouse'), redshiftOnly).status).toBe('compliant');
      // Neptune's classes are RDS's.
      const rdsOnly = parseRule({ kind: 'allowed-instance-types', allow: ['db.t4g.*'], services: ['rds'] });
      expect(verdict(templateResource(resources, 'Graph'), rdsOnly).status).toBe('non-compliant');
    });

    it('does not judge a Fargate compute environment (no instance types)', () => {
      const fargate = templateResource(
        {
          Ce: {
            Type: 'AWS::Batch::ComputeEnvironment',
            Properties: { ComputeResources: { Type: 'FARGATE' } },
          },
        },
        'Ce',
      );
      expect(verdict(fargate, rule).status).toBe('not-applicable');
    });
  });

  describe('from AWS Config items (query rows)', () => {
    it('reads Redshift, Amazon MQ, MSK and Batch by the property schema’s field names', () => {
      const judged = [
        queryRow('AWS::Redshift::Cluster', 'warehouse', { nodeType: 'ra3.16xlarge' }),
        queryRow('AWS::AmazonMQ::Broker', 'b-1', { HostInstanceType: 'mq.t3.micro' }),
        queryRow('AWS::MSK::Cluster', 'events', { BrokerNodeGroupInfo: { InstanceType: 'kafka.m5.large' } }),
        queryRow('AWS::Batch::ComputeEnvironment', 'ce', {
          ComputeResources: { InstanceTypes: ['optimal', 'p4d.24xlarge'] },
        }),
      ].map((row) => verdict(configResource(row), rule));
      expect(judged).toEqual([
        expect.objectContaining({
          status: 'non-compliant',
          reason: 'NodeType ra3.16xlarge matches the denied *.16xlarge',
        }),
        { status: 'compliant' },
        expect.objectContaining({
          status: 'non-compliant',
          reason: 'BrokerNodeGroupInfo.InstanceType kafka.m5.large is not an allowed type',
        }),
        expect.objectContaining({
          status: 'non-compliant',
          reason: 'ComputeResources.InstanceTypes.1 p4d.24xlarge is not an allowed type',
        }),
      ]);
    });

    it('does not judge a Fargate compute environment from Config', () => {
      const row = queryRow('AWS::Batch::ComputeEnvironment', 'ce', { ComputeResources: { Type: 'FARGATE' } });
      expect(verdict(configResource(row), rule).status).toBe('not-applicable');
    });
  });
});
