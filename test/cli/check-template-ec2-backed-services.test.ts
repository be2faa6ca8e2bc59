import { describe, expect, it } from 'vitest';
import { checkGateFixture } from '../support/cfn-gate-fixture.js';

// Round 7 over AWS's sample templates: a Cloud9 environment on t2.micro (codestar/python-webservice-lambda,
// aws/services/Cloud9/C9.yaml) passed allowed-instance-types without a word, though Cloud9 runs an EC2
// instance of that type. The fixture holds every spec type whose own property names the EC2 instance type
// it launches or reserves (test/fixtures/cfn-gate/README.md).

describe('check-template on services that launch EC2 instances', () => {
  it('judges the instance type of Cloud9, OpsWorks, dedicated hosts, capacity reservations, GameLift and Image Builder', () => {
    // Act
    const { code, lines, err } = checkGateFixture('ec2-backed-services.yaml', {
      config: 'sized-services.config.yaml',
    });
    // Assess: IdeGood, ReservationGood and the Anywhere fleet (no EC2 instances) print nothing.
    expect(code).toBe(1);
    expect(lines).toEqual([
      ':9: IdeBad (AWS::Cloud9::EnvironmentEC2): approved-sizes: InstanceType t2.micro is not an allowed type (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':19: IdeParam (AWS::Cloud9::EnvironmentEC2): approved-sizes: unresolved: Ref SizeParam is known only at deploy: m5.8xlarge non-compliant (InstanceType m5.8xlarge matches the denied *.8xlarge)',
      ':25: LayerInstanceBad (AWS::OpsWorks::Instance): approved-sizes: InstanceType c4.large is not an allowed type (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':31: ChefServerBad (AWS::OpsWorksCM::Server): approved-sizes: InstanceType m5.16xlarge matches the denied *.16xlarge (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':37: DedicatedHostBad (AWS::EC2::Host): approved-sizes: InstanceType r5.large is not an allowed type (fix: set InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':49: GameFleetBad (AWS::GameLift::Fleet): approved-sizes: EC2InstanceType c5.24xlarge matches the denied *.24xlarge (fix: set EC2InstanceType to a type the policy allows (t3.*, m5.*, c5, optimal))',
      ':59: ImageBuildBad (AWS::ImageBuilder::InfrastructureConfiguration): approved-sizes: InstanceTypes.1 m5.16xlarge matches the denied *.16xlarge (fix: set InstanceTypes.1 to a type the policy allows (t3.*, m5.*, c5, optimal))',
    ]);
    expect(err).toMatch(
      /^1 templates, 10 resources: 6 blocking violations, 0 informational, 1 unresolved at synth, 0 waived, 0 not judged;/,
    );
  });
});
