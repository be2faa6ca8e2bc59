import { describe, expect, it } from 'vitest';
import { checkGateFixture } from '../support/cfn-gate-fixture.js';

// Tag properties that the resource specification does not describe as tags (test/fixtures/cfn-gate/README.md).
const check = (name: string) => checkGateFixture(name);

describe('check-template on resources tagged through TagSpecifications', () => {
  it("reads the item naming the resource's own type, and not the tags of what it launches", () => {
    // Act
    const { code, lines, err } = check('tag-specifications.yaml');
    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual([
      // The instance tags are complete; the launch template's own lack cost-center.
      ':4: WebTemplate (AWS::EC2::LaunchTemplate): required-tags: missing cost-center (fix: add the tag cost-center)',
      // Only tags for the instances it launches: the fleet itself has none.
      ':37: BatchFleet (AWS::EC2::EC2Fleet): required-tags: missing owner (fix: add the tag owner)',
      ':37: BatchFleet (AWS::EC2::EC2Fleet): required-tags: missing environment (fix: add the tag environment)',
      ':37: BatchFleet (AWS::EC2::EC2Fleet): required-tags: missing cost-center (fix: add the tag cost-center)',
    ]);
    // The Client VPN endpoint, fully tagged, is judged and passes.
    expect(err).toMatch(/^1 templates, 3 resources: 4 blocking violations/);
  });
});

describe('check-template on taggable types the resource specification misses', () => {
  it('judges an OpsWorks stack and a SAM GraphQL API, and a SAM connector is no unknown type', () => {
    // Act
    const { lines } = check('tags-beyond-the-spec.yaml');
    // Assess
    expect(lines).toEqual([
      ':5: Chef (AWS::OpsWorks::Stack): required-tags: missing cost-center (fix: add the tag cost-center)',
      ':14: Catalog (AWS::Serverless::GraphQLApi): required-tags: missing owner (fix: add the tag owner)',
    ]);
  });
});

describe('check-template on the APIs SAM creates for function events', () => {
  it('judges the implicit REST API (untaggable but by stack tags) and the implicit HTTP API (tagged by Globals)', () => {
    // Act
    const { code, lines, err } = check('sam-implicit-apis.yaml');
    // Assess: reported at the first function whose event creates it; the explicit API passes.
    expect(code).toBe(1);
    expect(lines).toEqual([
      ':19: ServerlessRestApi (AWS::Serverless::Api): required-tags: missing owner (fix: add the tag owner)',
      ':19: ServerlessRestApi (AWS::Serverless::Api): required-tags: missing environment (fix: add the tag environment)',
      ':19: ServerlessRestApi (AWS::Serverless::Api): required-tags: missing cost-center (fix: add the tag cost-center)',
    ]);
    expect(err).toMatch(/^1 templates, 6 resources: 3 blocking violations/);
  });

  it('passes the implicit REST API when the stack tags give every key', () => {
    const stackTags = 'owner=orders,environment=prod,cost-center=cc-0200';
    const { code, err } = checkGateFixture('sam-implicit-apis.yaml', { stackTags });
    expect(code).toBe(0);
    expect(err).toMatch(/^1 templates, 6 resources: 0 blocking violations/);
  });
});

describe('check-template on local modules that a packager inlines', () => {
  it('reports each module as not judged beside the resources the template declares', () => {
    const { code, lines, err } = check('local-modules.yaml');
    expect(code).toBe(0);
    expect(lines).toEqual([
      ': Modules.Assets (module ./modules/bucket.yaml): not judged: the module Assets (./modules/bucket.yaml) is inlined by a packager (aws cloudformation package, rain pkg) before deploy: its resources are not judged here; run the gate on the packaged template',
      ': Modules.Logs (module ./modules/bucket.yaml): not judged: the module Logs (./modules/bucket.yaml) is inlined by a packager (aws cloudformation package, rain pkg) before deploy: its resources are not judged here; run the gate on the packaged template',
    ]);
    expect(err).toMatch(/^1 templates, 1 resources: 0 blocking violations, .* 2 not judged;/);
  });

  it('reports a file of modules only as not judged instead of refusing it', () => {
    const { code, lines } = check('modules-only.yaml');
    expect(code).toBe(0);
    expect(lines).toEqual([
      ': Modules.Network (module ./modules/vpc.yaml): not judged: the module Network (./modules/vpc.yaml) is inlined by a packager (aws cloudformation package, rain pkg) before deploy: its resources are not judged here; run the gate on the packaged template',
    ]);
  });
});

describe('check-template on tag values chosen by parameters', () => {
  it('judges every AllowedValue: certain when all fail, unresolved when some do, and a Default alone stays unresolved', () => {
    const { lines } = check('parameter-tags.yaml');
    expect(lines).toEqual([
      // Neither allowed value is one of prod, dev.
      ':19: Archive (AWS::SQS::Queue): required-tags: environment="Production" is not one of prod, dev (fix: set environment to one of prod, dev)',
      ':19: Archive (AWS::SQS::Queue): required-tags: environment="Development" is not one of prod, dev (fix: set environment to one of prod, dev)',
      // qa fails, prod and dev pass; a parameter with only a Default is not enumerated.
      ':26: Events (AWS::SQS::Queue): required-tags: unresolved at synth: environment (Ref Env)',
      ':26: Events (AWS::SQS::Queue): required-tags: unresolved at synth: owner (Ref)',
      // cost-center is invalid in the live branch only.
      ':33: Ledger (AWS::SQS::Queue): required-tags: unresolved at synth: cost-center (Ref Tier, Fn::If)',
      // Each Fn::If branch gives another invalid value: invalid whichever the condition.
      ':40: Mirror (AWS::SQS::Queue): required-tags: environment="Production" is not one of prod, dev (fix: set environment to one of prod, dev)',
      ':40: Mirror (AWS::SQS::Queue): required-tags: environment="Development" is not one of prod, dev (fix: set environment to one of prod, dev)',
    ]);
  });
});

describe('check-template on tag values from Fn::Sub and Fn::FindInMap', () => {
  it('judges a parameter substituted by Fn::Sub as Ref, and a mapping looked up on literal keys or its DefaultValue', () => {
    const { code, lines, err } = check('mapped-tags.yaml');
    expect(code).toBe(1);
    expect(lines).toEqual([
      // Neither allowed value of Stage is one of prod, dev.
      ':16: Staging (AWS::SQS::Queue): required-tags: environment="qa" is not one of prod, dev (fix: set environment to one of prod, dev)',
      ':16: Staging (AWS::SQS::Queue): required-tags: environment="uat" is not one of prod, dev (fix: set environment to one of prod, dev)',
      // The mapped owner breaks the pattern; ${Tier} is dev or prod, both valid.
      ':23: Orders (AWS::SNS::Topic): required-tags: owner="Orders_Team" is not /^[a-z][a-z0-9-]+$/ (fix: set owner to /^[a-z][a-z0-9-]+$/)',
      // The map has no payments entry: the DefaultValue is the tag.
      ':30: Billing (AWS::SNS::Topic): required-tags: owner="Payments" is not /^[a-z][a-z0-9-]+$/ (fix: set owner to /^[a-z][a-z0-9-]+$/)',
      // Whichever the region, the environment is dev (mapped or the default): the dev-only limit applies.
      ':37: Egress (AWS::EC2::NatGateway): no-nat-in-dev: AWS::EC2::NatGateway is not allowed in dev (every value of Fn::FindInMap Teams) (fix: remove it, or deploy it to an environment the rule no-nat-in-dev does not cover)',
      // The variables of Fn::Sub's map: a literal, and a parameter whose allowed values both fail.
      ':45: Ledger (AWS::SQS::Queue): required-tags: environment="qa" is not one of prod, dev (fix: set environment to one of prod, dev)',
      ':45: Ledger (AWS::SQS::Queue): required-tags: environment="uat" is not one of prod, dev (fix: set environment to one of prod, dev)',
    ]);
    expect(err).toMatch(/^1 templates, 5 resources: 7 blocking violations/);
  });
});
