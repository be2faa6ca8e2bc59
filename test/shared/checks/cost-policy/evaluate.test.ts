import { describe, expect, it } from 'vitest';
import { evaluateCostPolicy } from '../../../../shared/checks/cost-policy/evaluate.js';
import { resourcesFromTemplate } from '../../../../shared/checks/cost-policy/from-template/index.js';
import { costPolicySchema } from '../../../../shared/config/cost-policy-schema.js';
import { apiItem } from './config-items.js';
import { configResource } from './helpers.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const nat = (environment?: unknown) => ({
  Type: 'AWS::EC2::NatGateway',
  Properties: environment === undefined ? {} : { Tags: [{ Key: 'environment', Value: environment }] },
});

describe('evaluateCostPolicy', () => {
  const policy = costPolicySchema.parse({
    rules: [
      {
        id: 'no-nat-in-dev',
        kind: 'resource-limit',
        resourceType: 'AWS::EC2::NatGateway',
        max: 0,
        environments: ['dev'],
      },
      {
        id: 'one-nat-in-staging',
        kind: 'resource-limit',
        resourceType: 'AWS::EC2::NatGateway',
        max: 1,
        environments: ['staging'],
      },
    ],
  });

  it('selects resources by the environment tag, and judges untagged ones as if in every environment', () => {
    const resources = resourcesFromTemplate({
      Resources: { Dev: nat('dev'), Prod: nat('prod'), Untagged: nat() },
    });
    const report = evaluateCostPolicy(resources, policy, { now: NOW });
    expect(report.findings.map((f) => [f.resource.id, f.rule.id, f.status])).toEqual([
      ['Dev', 'no-nat-in-dev', 'violation'],
      ['Untagged', 'no-nat-in-dev', 'violation'],
    ]);
    expect(report.findings[1]?.reason).toBe('AWS::EC2::NatGateway is not allowed with no environment tag');
  });

  it('reads stack tags and an Environment key spelled in another case', () => {
    const resources = resourcesFromTemplate(
      {
        Resources: {
          A: nat(),
          B: { Type: 'AWS::EC2::NatGateway', Properties: { Tags: [{ Key: 'Environment', Value: 'prod' }] } },
        },
      },
      { stackTags: { environment: 'prod' } },
    );
    expect(evaluateCostPolicy(resources, policy, { now: NOW }).findings).toEqual([]);
  });

  it('counts a limit per environment and scope', () => {
    const resources = resourcesFromTemplate({
      Resources: { A: nat('staging'), B: nat('staging'), C: nat('prod') },
    });
    const report = evaluateCostPolicy(resources, policy, { now: NOW });
    expect(report.findings.map((f) => f.reason)).toEqual([
      '2 AWS::EC2::NatGateway in staging, at most 1 allowed: A, B',
      '2 AWS::EC2::NatGateway in staging, at most 1 allowed: A, B',
    ]);
    const split = evaluateCostPolicy(resources, policy, {
      now: NOW,
      scopeOf: (r) => (r.id === 'A' ? 'one' : 'two'),
    });
    expect(split.findings).toEqual([]);
  });

  it('judges an environment known only at deploy for each candidate', () => {
    const resources = resourcesFromTemplate({
      Parameters: { Env: { Type: 'String', AllowedValues: ['dev', 'prod'] } },
      Resources: { Nat: nat({ Ref: 'Env' }) },
    });
    const [finding] = evaluateCostPolicy(resources, policy, { now: NOW }).findings;
    expect(finding).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: 'environment=dev', status: 'non-compliant' },
        { value: 'environment=prod', status: 'not-applicable' },
      ],
    });
  });

  it('counts Config items per account by default', () => {
    const item = (id: string, account: string) =>
      configResource({
        ...apiItem(
          'AWS::EC2::NatGateway',
          id,
          { connectivityType: 'public' },
          { tags: { environment: 'staging' } },
        ),
        accountId: account,
      });
    const report = evaluateCostPolicy(
      [item('nat-1', '111111111111'), item('nat-2', '222222222222')],
      policy,
      { now: NOW },
    );
    expect(report.findings).toEqual([]);
    expect(report.judged).toBe(2);
  });
});

describe('waivers', () => {
  const policy = (expires: string, resource = 'LegacyVolume', rule = 'gp3') =>
    costPolicySchema.parse({
      rules: [{ id: 'gp3', kind: 'volume-type', allowedTypes: ['gp3'] }],
      waivers: [{ rule, resource, reason: 'migrating in Q1', expires }],
    });
  const resources = resourcesFromTemplate({
    Resources: {
      LegacyVolume: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp2' } },
      NewVolume: { Type: 'AWS::EC2::Volume', Properties: { VolumeType: 'gp3' } },
    },
  });

  it('waives a violation through its last day', () => {
    const report = evaluateCostPolicy(resources, policy('2026-11-20'), { now: NOW });
    expect(report.findings).toMatchObject([
      { status: 'waived', waiver: { reason: 'migrating in Q1', expires: '2026-11-20', expired: false } },
    ]);
    expect(report.waivers).toMatchObject([{ status: 'applied', waived: ['LegacyVolume'] }]);
  });

  it('makes a violation again from the day after the waiver expires', () => {
    const report = evaluateCostPolicy(resources, policy('2026-11-19'), { now: NOW });
    expect(report.findings).toMatchObject([
      {
        status: 'violation',
        reason: 'VolumeType gp2 is not an allowed type (gp3) (its waiver expired after 2026-11-19)',
        waiver: { expired: true },
      },
    ]);
    expect(report.waivers).toMatchObject([{ status: 'expired', waived: ['LegacyVolume'] }]);
  });

  it('reports a waiver for a rule that no longer exists, and one for a resource that no longer exists', () => {
    expect(
      evaluateCostPolicy(resources, policy('2027-01-01', 'LegacyVolume', 'old-rule'), { now: NOW }).waivers,
    ).toMatchObject([{ status: 'unknown-rule' }]);
    const gone = evaluateCostPolicy(resources, policy('2027-01-01', 'RemovedVolume'), { now: NOW });
    expect(gone.waivers).toMatchObject([{ status: 'no-matching-resource', waived: [] }]);
    expect(gone.findings).toMatchObject([{ status: 'violation' }]);
  });

  it('reports a waiver whose resources comply as unused', () => {
    expect(
      evaluateCostPolicy(resources, policy('2027-01-01', 'NewVolume'), { now: NOW }).waivers,
    ).toMatchObject([{ status: 'unused' }]);
  });

  it('matches ARN patterns on Config items, and logical ids through the CloudFormation tag', () => {
    const volume = (id: string, tags: Record<string, string> = {}) =>
      configResource(
        apiItem(
          'AWS::EC2::Volume',
          id,
          { volumeType: 'gp2' },
          { arn: `arn:aws:ec2:us-east-1:123456789012:volume/${id}`, tags },
        ),
      );
    const byArn = evaluateCostPolicy(
      [volume('vol-1'), volume('vol-2')],
      policy('2027-01-01', 'arn:aws:ec2:*:123456789012:volume/vol-1'),
      { now: NOW },
    );
    expect(byArn.findings.map((f) => [f.resource.id, f.status])).toEqual([
      ['vol-1', 'waived'],
      ['vol-2', 'violation'],
    ]);
    const byLogicalId = evaluateCostPolicy(
      [volume('vol-3', { 'aws:cloudformation:logical-id': 'LegacyVolume' })],
      policy('2027-01-01'),
      { now: NOW },
    );
    expect(byLogicalId.findings).toMatchObject([{ status: 'waived' }]);
  });
});

describe('evaluateCostPolicy with an environment computed at deploy', () => {
  const policy = costPolicySchema.parse({
    environmentTagKey: 'environment',
    rules: [
      {
        id: 'no-nat-in-dev',
        kind: 'resource-limit',
        resourceType: 'AWS::EC2::NatGateway',
        max: 0,
        environments: ['dev'],
      },
    ],
  });
  // A tag key computed at deploy: no tag of the resource can be read for sure.
  const opaqueTags = [{ Key: { Ref: 'TagKey' }, Value: 'dev' }];

  it('does not report a rule as unresolved on a resource it never applies to', () => {
    const resources = resourcesFromTemplate({
      Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: opaqueTags } } },
    });
    const report = evaluateCostPolicy(resources, policy, { now: NOW });
    expect(report.findings).toEqual([]);
    expect(report.judged).toBe(0);
  });

  it('still reports it unresolved on a resource it applies to', () => {
    const resources = resourcesFromTemplate({
      Resources: { Egress: { Type: 'AWS::EC2::NatGateway', Properties: { Tags: opaqueTags } } },
    });
    const report = evaluateCostPolicy(resources, policy, { now: NOW });
    expect(report.findings.map((f) => [f.resource.id, f.status, f.reason])).toEqual([
      ['Egress', 'unresolved', 'the tags (Ref) is known only at deploy; no candidate value to judge'],
    ]);
  });
});
