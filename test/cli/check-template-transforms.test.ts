import { describe, expect, it } from 'vitest';
import { checkGateFixture } from '../support/cfn-gate-fixture.js';

// Regression tests for what a run over AWS's public sample templates found (test/fixtures/cfn-gate/README.md).
const check = (name: string) => checkGateFixture(name);

describe('check-template on what a transform writes at deploy', () => {
  it('accepts Fn::Transform in Resources and reports each inclusion as not judged', () => {
    // Act
    const { code, lines, err } = check('include-transform.yaml');
    // Assess: the template is not refused; the queue beside the inclusions is judged (and passes).
    expect(code).toBe(0);
    expect(lines).toEqual([
      ':20: Reports (AWS::S3::Bucket): not judged: AWS::Include of s3://example-snippets/bucket-properties.yaml writes part of its properties at deploy',
      ':11: Fn::Transform (Fn::Transform): not judged: AWS::Include of s3://example-snippets/more-resources.yaml inserts resources at deploy',
      ':15: Archive (Fn::Transform): not judged: AWS::Include of s3://example-snippets/archive-bucket.yaml writes this resource at deploy',
    ]);
    expect(err).toMatch(/^1 templates, 2 resources: 0 blocking violations, .* 3 not judged;/);
  });

  it('reports a template-level macro and every type the specification does not know, custom ones as before', () => {
    // Act
    const { code, lines } = check('macro-and-unknown-types.yaml');
    // Assess
    expect(code).toBe(0);
    const unknown = (type: string) =>
      `${type} is not in the resource specification the gate reads (a third-party, module, macro or newer type): its tags and settings are unknown`;
    expect(lines).toEqual([
      `:7: Cluster (ExampleVendor::Database::Cluster): not judged: ${unknown('ExampleVendor::Database::Cluster')}`,
      `:11: Network (ExampleOrg::Network::Vpc::MODULE): not judged: ${unknown('ExampleOrg::Network::Vpc::MODULE')}`,
      `:15: Greeting (Shout::Message): not judged: ${unknown('Shout::Message')}`,
      ':19: Seed (Custom::Seed): not judged: a custom resource creates whatever its provider decides',
      ': Transform (Shout): not judged: the transform Shout rewrites the template at deploy; the resources are judged as written, before it runs',
    ]);
  });

  it('notes only the macro: SAM and the language extensions are modelled by the gate', () => {
    const { lines } = check('macro-and-unknown-types.yaml');
    expect(lines.filter((line) => line.includes(': Transform ('))).toEqual([
      expect.stringContaining('Transform (Shout)'),
    ]);
  });
});

describe('check-template on a template only its macro makes valid', () => {
  it('reports the macro as not judged instead of refusing the template', () => {
    const { code, lines } = check('macro-shaped.yaml');
    expect(code).toBe(0);
    expect(lines).toEqual([
      ': Transform (Expand): not judged: the transform Expand rewrites the template at deploy, and as written it is not yet a CloudFormation template (Resources: Invalid input: expected record, received array): nothing in it is judged',
    ]);
  });

  it('still refuses that shape when no macro rewrites it', () => {
    const { code, err } = check('not-a-template.yaml');
    expect(code).toBe(2);
    expect(err).toMatch(
      /not-a-template\.yaml: not a CloudFormation template: Resources: Invalid input: expected record/,
    );
  });
});

describe('check-template on a resource whose environment is computed at deploy', () => {
  it('leaves out environment-scoped rules that never apply to the resource, and keeps those that do', () => {
    // Act
    const { lines } = check('opaque-environment.yaml');
    const limit = lines.filter((line) => line.includes('no-nat-in-dev'));
    // Assess: the NAT-gateway limit is unresolved on the NAT gateway only, not on the bucket.
    expect(limit).toEqual([
      ':18: Egress (AWS::EC2::NatGateway): no-nat-in-dev: unresolved: the tags (Ref) is known only at deploy; no candidate value to judge',
    ]);
  });
});

describe('check-template on tags chosen by Fn::If', () => {
  it('judges every branch: certain where all agree, unresolved where they differ', () => {
    // Act
    const { code, lines } = check('if-tags.yaml');
    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual([
      // Both branches of the list lack cost-center; owner and environment are valid in both.
      ':14: Exports (AWS::S3::Bucket): required-tags: missing cost-center (fix: add the tag cost-center)',
      // The nested owner is valid in all three branches; cost-center is dropped by AWS::NoValue in one.
      ':26: Ledger (AWS::SQS::Queue): required-tags: unresolved at synth: cost-center (Fn::If)',
      // The environment is prod or dev: the dev-only limit depends on the condition.
      ':34: Egress (AWS::EC2::NatGateway): no-nat-in-dev: unresolved: depends on Fn::If, known only at deploy: environment=prod not-applicable (environment prod is not one of dev); environment=dev non-compliant (AWS::EC2::NatGateway is not allowed in dev)',
    ]);
  });
});

describe('check-template on YAML 1.1 leniency that templates rely on', () => {
  it("reads a quoted scalar continued at its key's depth, at once or after deeper lines, and judges the template", () => {
    const { code, lines, err } = check('quoted-continuation.yaml');
    expect(code).toBe(0);
    expect(lines).toEqual([]);
    expect(err).toMatch(/^1 templates, 2 resources: 0 blocking violations/);
  });
});

describe('check-template on templates that other stacks deploy', () => {
  it('judges the tags of a nested stack, a stack set and a SAM application and reports their templates as not judged', () => {
    // Act
    const { code, lines, err } = check('nested-templates.yaml');
    // Assess: the stack set's inline template holds an untagged bucket without lifecycle that nothing here judges.
    const nested = (property: string) =>
      `not judged: the resources of the template it deploys (${property}) are judged only when the gate runs on that template; its own tags are judged here`;
    expect(code).toBe(1);
    expect(lines).toEqual([
      `:5: Network (AWS::CloudFormation::Stack): ${nested('TemplateURL')}`,
      ':16: MemberBuckets (AWS::CloudFormation::StackSet): required-tags: missing owner (fix: add the tag owner)',
      ':16: MemberBuckets (AWS::CloudFormation::StackSet): required-tags: missing environment (fix: add the tag environment)',
      ':16: MemberBuckets (AWS::CloudFormation::StackSet): required-tags: missing cost-center (fix: add the tag cost-center)',
      `:16: MemberBuckets (AWS::CloudFormation::StackSet): ${nested('TemplateBody or TemplateURL')}`,
      `:28: Search (AWS::Serverless::Application): ${nested('Location')}`,
    ]);
    expect(err).toMatch(/^1 templates, 3 resources: 3 blocking violations, .* 3 not judged;/);
  });
});
