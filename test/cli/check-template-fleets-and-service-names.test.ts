import { describe, expect, it } from 'vitest';
import { checkGateFixture } from '../support/cfn-gate-fixture.js';

// Round 8 over AWS's sample templates: allowed-instance-types said nothing about the instance types that
// EC2, Spot and capacity reservation fleets list in nested properties, a GameLift container fleet's
// InstanceType, and the instance types of AppStream, DAX and Timestream for InfluxDB, which have names of
// their own (test/fixtures/cfn-gate/README.md).

describe('check-template on fleets that list EC2 instance types', () => {
  it('judges each type of a Spot fleet, an EC2 fleet, a capacity reservation fleet and a GameLift container fleet', () => {
    // Act
    const { code, lines, err } = checkGateFixture('ec2-fleets.yaml', {
      config: 'sized-services.config.yaml',
    });
    // Assess: SpotByAttributes selects by attributes (no type to judge) and prints nothing.
    expect(code).toBe(1);
    expect(lines).toEqual([
      ':11: SpotBad (AWS::EC2::SpotFleet): approved-sizes: SpotFleetRequestConfigData.LaunchSpecifications.1.InstanceType r5.large is not an allowed type; SpotFleetRequestConfigData.LaunchTemplateConfigs.0.Overrides.1.InstanceType c5.24xlarge matches the denied *.24xlarge (fix: set SpotFleetRequestConfigData.LaunchSpecifications.1.InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':43: FleetBad (AWS::EC2::EC2Fleet): approved-sizes: LaunchTemplateConfigs.0.Overrides.1.InstanceType m6i.large is not an allowed type (fix: set LaunchTemplateConfigs.0.Overrides.1.InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':55: FleetChosen (AWS::EC2::EC2Fleet): approved-sizes: unresolved: depends on Fn::If BigFleet, known only at deploy: m5.16xlarge non-compliant (LaunchTemplateConfigs.Overrides.InstanceType m5.16xlarge matches the denied *.16xlarge); t3.small compliant',
      ':72: ReservationFleetBad (AWS::EC2::CapacityReservationFleet): approved-sizes: InstanceTypeSpecifications.1.InstanceType p4d.24xlarge matches the denied *.24xlarge (fix: set InstanceTypeSpecifications.1.InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':83: ContainerFleetBad (AWS::GameLift::ContainerFleet): approved-sizes: InstanceType c6g.large is not an allowed type (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ":88: ContainerFleetPicked (AWS::GameLift::ContainerFleet): approved-sizes: unresolved: GameLift's choice (no InstanceType) is known only at deploy; no candidate value to judge",
    ]);
    expect(err).toMatch(
      /^1 templates, 7 resources: 4 blocking violations, 0 informational, 2 unresolved at synth, 0 waived, 0 not judged;/,
    );
  });
});

describe('check-template on services with instance names of their own', () => {
  it('judges AppStream instance types, DAX node types and Timestream for InfluxDB instance types', () => {
    // Act
    const { code, lines, err } = checkGateFixture('service-named-sizes.yaml', {
      config: 'sized-services.config.yaml',
    });
    // Assess: each fix names only the allow patterns of the resource's own service.
    expect(code).toBe(1);
    expect(lines).toEqual([
      ':4: StreamFleetBad (AWS::AppStream::Fleet): approved-sizes: InstanceType stream.graphics.g4dn.16xlarge matches the denied *.16xlarge (fix: set InstanceType to a type the policy allows (stream.standard.small))',
      ':18: StreamBuilderBad (AWS::AppStream::ImageBuilder): approved-sizes: InstanceType stream.compute.large is not an allowed type (fix: set InstanceType to a type the policy allows (stream.standard.small))',
      ':23: BlockBuilderBad (AWS::AppStream::AppBlockBuilder): approved-sizes: InstanceType stream.standard.large is not an allowed type (fix: set InstanceType to a type the policy allows (stream.standard.small))',
      ':31: DaxBad (AWS::DAX::Cluster): approved-sizes: NodeType dax.r5.large is not an allowed type (fix: set NodeType to a type the policy allows (dax.t3.*))',
      ':43: InfluxBad (AWS::Timestream::InfluxDBInstance): approved-sizes: DbInstanceType db.influx.24xlarge matches the denied *.24xlarge (fix: set DbInstanceType to a type the policy allows (db.influx.medium))',
    ]);
    expect(err).toMatch(
      /^1 templates, 8 resources: 5 blocking violations, 0 informational, 0 unresolved at synth, 0 waived, 0 not judged;/,
    );
  });
});
