import { describe, expect, it } from 'vitest';
import { checkGateFixture } from '../support/cfn-gate-fixture.js';

// Round 4 over AWS's sample templates: a Neptune db.r4.8xlarge passed allowed-instance-types without a
// word. The fixture holds, for every managed service whose class the rule now reads, a violation, a
// compliant resource and a class given by a parameter without AllowedValues (test/fixtures/cfn-gate/README.md).

describe('check-template on the instance classes of managed services', () => {
  it('flags every oversized class, passes the allowed ones and reports parameter-given ones as unresolved', () => {
    // Act
    const { code, lines, err } = checkGateFixture('sized-services.yaml', {
      config: 'sized-services.config.yaml',
    });
    // Assess: the *Good resources, the default EKS node group and the Fargate environment print nothing.
    expect(code).toBe(1);
    expect(lines).toEqual([
      ':12: NeptuneBad (AWS::Neptune::DBInstance): approved-sizes: DBInstanceClass db.r4.8xlarge matches the denied *.8xlarge (fix: set DBInstanceClass to a type the policy allows (db.t4g.*))',
      ':20: NeptuneParam (AWS::Neptune::DBInstance): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (DBInstanceClass m5.8xlarge matches the denied *.8xlarge)',
      ':25: DocDbBad (AWS::DocDB::DBInstance): approved-sizes: DBInstanceClass db.r5.large is not an allowed type (fix: set DBInstanceClass to a type the policy allows (db.t4g.*))',
      ':33: DocDbParam (AWS::DocDB::DBInstance): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (DBInstanceClass m5.8xlarge matches the denied *.8xlarge)',
      ':38: DmsBad (AWS::DMS::ReplicationInstance): approved-sizes: ReplicationInstanceClass dms.r5.4xlarge is not an allowed type (fix: set ReplicationInstanceClass to a type the policy allows (dms.t3.*))',
      ':46: DmsParam (AWS::DMS::ReplicationInstance): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (ReplicationInstanceClass m5.8xlarge matches the denied *.8xlarge)',
      ':51: MemoryDbBad (AWS::MemoryDB::Cluster): approved-sizes: NodeType db.r7g.16xlarge matches the denied *.16xlarge (fix: set NodeType to a type the policy allows (db.t4g.*))',
      ':61: MemoryDbParam (AWS::MemoryDB::Cluster): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (NodeType m5.8xlarge matches the denied *.8xlarge)',
      ':67: RedshiftBad (AWS::Redshift::Cluster): approved-sizes: NodeType ra3.16xlarge matches the denied *.16xlarge (fix: set NodeType to a type the policy allows (ra3.xlplus))',
      ':83: RedshiftParam (AWS::Redshift::Cluster): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (NodeType m5.8xlarge matches the denied *.8xlarge)',
      ':92: NotebookBad (AWS::SageMaker::NotebookInstance): approved-sizes: InstanceType ml.p3.8xlarge matches the denied *.8xlarge (fix: set InstanceType to a type the policy allows (ml.t3.*))',
      ':102: NotebookParam (AWS::SageMaker::NotebookInstance): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (InstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':108: BrokerBad (AWS::AmazonMQ::Broker): approved-sizes: HostInstanceType mq.m5.4xlarge is not an allowed type (fix: set HostInstanceType to a type the policy allows (mq.t3.micro))',
      ':126: BrokerParam (AWS::AmazonMQ::Broker): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (HostInstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':136: KafkaBad (AWS::MSK::Cluster): approved-sizes: BrokerNodeGroupInfo.InstanceType kafka.m5.24xlarge matches the denied *.24xlarge (fix: set BrokerNodeGroupInfo.InstanceType to a type the policy allows (kafka.t3.small, express.m7g.large))',
      ':160: KafkaParam (AWS::MSK::Cluster): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (BrokerNodeGroupInfo.InstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':173: EmrGroupBad (AWS::EMR::InstanceGroupConfig): approved-sizes: InstanceType r5.16xlarge matches the denied *.16xlarge (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':187: EmrGroupParam (AWS::EMR::InstanceGroupConfig): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (InstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':195: NodesBad (AWS::EKS::Nodegroup): approved-sizes: InstanceTypes.1 m5.16xlarge matches the denied *.16xlarge (fix: set InstanceTypes.1 to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':222: NodesFromTemplate (AWS::EKS::Nodegroup): approved-sizes: unresolved: its LaunchTemplate is known only at deploy; no candidate value to judge',
      ':231: NodesParam (AWS::EKS::Nodegroup): approved-sizes: unresolved: Ref TypesParam is known only at deploy: t3.large compliant; m5.8xlarge non-compliant (InstanceTypes m5.8xlarge matches the denied *.8xlarge)',
      ':240: BatchBad (AWS::Batch::ComputeEnvironment): approved-sizes: ComputeResources.InstanceTypes.1 p4d.24xlarge matches the denied *.24xlarge (fix: set ComputeResources.InstanceTypes.1 to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':266: BatchParam (AWS::Batch::ComputeEnvironment): approved-sizes: unresolved: Ref TypesParam is known only at deploy: t3.large compliant; m5.8xlarge non-compliant (ComputeResources.InstanceTypes m5.8xlarge matches the denied *.8xlarge)',
      ':287: EmrGroupsBad (AWS::EMR::Cluster): approved-sizes: Instances.TaskInstanceGroups.1.InstanceType r5.24xlarge matches the denied *.24xlarge (fix: set Instances.TaskInstanceGroups.1.InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':327: EmrFleetsParam (AWS::EMR::Cluster): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (Instances.MasterInstanceFleet.InstanceTypeConfigs.0.InstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':344: FleetBad (AWS::EMR::InstanceFleetConfig): approved-sizes: InstanceTypeConfigs.1.InstanceType c5.24xlarge matches the denied *.24xlarge (fix: set InstanceTypeConfigs.1.InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':361: FleetParam (AWS::EMR::InstanceFleetConfig): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (InstanceTypeConfigs.0.InstanceType m5.8xlarge matches the denied *.8xlarge)',
    ]);
    expect(err).toMatch(
      /^1 templates, 42 resources: 13 blocking violations, 0 informational, 14 unresolved at synth, 0 waived, 0 not judged;/,
    );
  });
});
