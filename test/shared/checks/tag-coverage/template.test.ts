import { describe, expect, it } from 'vitest';
import { compileTagPolicy } from '../../../../shared/checks/tag-coverage/policy.js';
import { taggabilityFrom } from '../../../../shared/checks/tag-coverage/taggable-types.js';
import {
  type CfnTemplate,
  checkTemplateTags,
  describeUnresolved,
  guessArnType,
  resourceTagVerdict,
} from '../../../../shared/checks/tag-coverage/template.js';
import { tagPolicySchema } from '../../../../shared/config/schema.js';

const policy = compileTagPolicy(
  tagPolicySchema.parse({
    requiredTags: [
      { key: 'owner', pattern: '[a-z][a-z0-9-]+' },
      { key: 'environment', allowedValues: ['prod', 'dev'], keyCase: 'insensitive' },
    ],
    exemptResourceTypes: ['ec2:snapshot', 'logs:log-group', 'AWS::SQS::Queue'],
    exemptAccounts: ['999999999999'],
  }),
);
const good = [
  { Key: 'owner', Value: 'search' },
  { Key: 'environment', Value: 'prod' },
];

function template(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
): CfnTemplate {
  return { Resources: resources };
}

describe('checkTemplateTags', () => {
  it('reports the missing tags of a taggable resource', () => {
    // Prepare
    const t = template({
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'owner', Value: 'x1' }] } },
    });
    // Act
    const report = checkTemplateTags(t, policy);
    // Assess
    expect(report.resources).toEqual([
      {
        logicalId: 'Bucket',
        type: 'AWS::S3::Bucket',
        problems: [{ kind: 'missing', key: 'environment' }],
        unresolved: [],
      },
    ]);
    expect(report.checked).toBe(1);
  });

  it('reports a taggable resource that has no tag property at all', () => {
    const report = checkTemplateTags(template({ Topic: { Type: 'AWS::SNS::Topic' } }), policy);
    expect(report.resources[0]?.problems).toEqual([
      { kind: 'missing', key: 'owner' },
      { kind: 'missing', key: 'environment' },
    ]);
  });

  it('accepts a resource that carries every required tag', () => {
    const report = checkTemplateTags(
      template({ Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: good } } }),
      policy,
    );
    expect(report.resources).toEqual([]);
    expect(report.checked).toBe(1);
  });

  it('ignores types that cannot be tagged and counts them', () => {
    const report = checkTemplateTags(
      template({
        Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p' } },
        Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      }),
      policy,
    );
    expect(report).toEqual({
      resources: [],
      checked: 0,
      exempt: 0,
      notTaggable: 2,
      unknownTypes: [],
      notJudged: [],
    });
  });

  it('lists types the specification does not know, once each', () => {
    const report = checkTemplateTags(
      template({
        A: { Type: 'Custom::Thing' },
        B: { Type: 'Custom::Thing' },
        Meta: { Type: 'AWS::CDK::Metadata' },
      }),
      policy,
    );
    expect(report.unknownTypes).toEqual(['AWS::CDK::Metadata', 'Custom::Thing']);
    expect(report.resources).toEqual([]);
  });

  it('honours exemptions given as CloudFormation types or as service:type', () => {
    const report = checkTemplateTags(
      template({
        Queue: { Type: 'AWS::SQS::Queue' },
        Logs: { Type: 'AWS::Logs::LogGroup' },
        Bucket: { Type: 'AWS::S3::Bucket' },
      }),
      policy,
    );
    expect(report.exempt).toBe(2);
    expect(report.resources.map((r) => r.logicalId)).toEqual(['Bucket']);
  });

  it('honours exempt accounts when the account is known', () => {
    const t = template({ Bucket: { Type: 'AWS::S3::Bucket' } });
    expect(checkTemplateTags(t, policy, { accountId: '999999999999' }).exempt).toBe(1);
    expect(checkTemplateTags(t, policy, { accountId: '111111111111' }).exempt).toBe(0);
  });

  it('reads map-shaped tags (SSM parameters, SAM functions)', () => {
    const report = checkTemplateTags(
      template({
        Param: { Type: 'AWS::SSM::Parameter', Properties: { Tags: { owner: 'search' } } },
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: { Tags: { owner: 'search', environment: 'dev' } },
        },
      }),
      policy,
    );
    expect(report.resources).toEqual([
      {
        logicalId: 'Param',
        type: 'AWS::SSM::Parameter',
        problems: [{ kind: 'missing', key: 'environment' }],
        unresolved: [],
      },
    ]);
  });

  it('reads tags from the property the type uses (UserPoolTags)', () => {
    const report = checkTemplateTags(
      template({
        Pool: {
          Type: 'AWS::Cognito::UserPool',
          Properties: { UserPoolTags: { owner: 'id', environment: 'dev' } },
        },
      }),
      policy,
    );
    expect(report.resources).toEqual([]);
  });

  it('reads {Items} lists, TagKey/TagValue spellings and Auto Scaling tags', () => {
    const report = checkTemplateTags(
      template({
        Ips: { Type: 'AWS::CloudFront::AnycastIpList', Properties: { Tags: { Items: good } } },
        App: {
          Type: 'AWS::AppStream::Application',
          Properties: {
            Tags: [
              { TagKey: 'owner', TagValue: 'apps' },
              { TagKey: 'environment', TagValue: 'dev' },
            ],
          },
        },
        Asg: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { Tags: good.map((tag) => ({ ...tag, PropagateAtLaunch: false })) },
        },
      }),
      policy,
    );
    expect(report.resources).toEqual([]);
    expect(report.checked).toBe(3);
  });

  it('reports invalid values and wrongly spelled keys with the policy wording', () => {
    const report = checkTemplateTags(
      template({
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            Tags: [
              { Key: 'Owner', Value: 'search' },
              { Key: 'Environment', Value: 'qa' },
            ],
          },
        },
      }),
      policy,
    );
    expect(report.resources[0]?.problems).toEqual([
      { kind: 'wrong-case-key', key: 'Owner', canonical: 'owner' },
      { kind: 'invalid-value', key: 'Environment', value: 'qa', expected: 'one of prod, dev' },
    ]);
  });

  it('does not fail on Ref or Fn:: values, and reports them as unresolved', () => {
    // Prepare
    const t = template({
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          Tags: [
            { Key: 'owner', Value: { 'Fn::ImportValue': 'team-owner' } },
            { Key: 'environment', Value: { Ref: 'Environment' } },
            { Key: 'note', Value: { 'Fn::GetAtt': ['Role', 'Arn'] } },
          ],
        },
      },
    });
    // Act
    const [bucket] = checkTemplateTags(t, policy).resources;
    // Assess
    expect(bucket?.problems).toEqual([]);
    expect(bucket?.unresolved.map(describeUnresolved)).toEqual([
      'owner (Fn::ImportValue)',
      'environment (Ref)',
    ]);
  });

  it('still reports a wrongly spelled key whose value is unresolved', () => {
    const verdict = resourceTagVerdict(
      'AWS::S3::Bucket',
      [{ Key: 'OWNER', Value: { Ref: 'Owner' } }, good[1]],
      policy,
    );
    expect(verdict).toMatchObject({
      problems: [{ kind: 'wrong-case-key', key: 'OWNER', canonical: 'owner' }],
    });
  });

  it('treats a computed tag list as unresolved for every key it may supply', () => {
    const verdict = resourceTagVerdict(
      'AWS::S3::Bucket',
      [
        { Key: 'owner', Value: 'search' },
        { 'Fn::If': ['IsProd', { Key: 'environment', Value: 'prod' }, { Ref: 'AWS::NoValue' }] },
      ],
      policy,
    );
    expect(verdict).toEqual({
      status: 'checked',
      problems: [],
      unresolved: [{ key: 'environment', reason: 'Fn::If' }],
    });
    expect(resourceTagVerdict('AWS::S3::Bucket', { 'Fn::If': ['C', good, []] }, policy)).toMatchObject({
      problems: [],
      unresolved: [
        { key: 'owner', reason: 'Fn::If' },
        { key: 'environment', reason: 'Fn::If' },
      ],
    });
  });

  it('treats numbers as the strings CloudFormation makes of them, and other non-strings as unresolved', () => {
    const numeric = compileTagPolicy(
      tagPolicySchema.parse({ requiredTags: [{ key: 'cc', pattern: '[0-9]{4}' }, { key: 'x' }] }),
    );
    const verdict = resourceTagVerdict(
      'AWS::S3::Bucket',
      [
        { Key: 'cc', Value: 1234 },
        { Key: 'x', Value: ['a'] },
      ],
      numeric,
    );
    expect(verdict).toEqual({
      status: 'checked',
      problems: [],
      unresolved: [{ key: 'x', reason: 'not a string' }],
    });
  });

  it('counts stack tags as present, but a resource tag of the same key wins', () => {
    const stackTags = { owner: 'platform', environment: 'prod' };
    const report = checkTemplateTags(
      template({
        Plain: { Type: 'AWS::S3::Bucket' },
        Override: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'environment', Value: 'qa' }] } },
      }),
      policy,
      { stackTags },
    );
    expect(report.resources).toEqual([
      {
        logicalId: 'Override',
        type: 'AWS::S3::Bucket',
        problems: [{ kind: 'invalid-value', key: 'environment', value: 'qa', expected: 'one of prod, dev' }],
        unresolved: [],
      },
    ]);
  });

  it('ignores aws: system tags, on the resource and in stack tags', () => {
    const awsPolicy = compileTagPolicy(
      tagPolicySchema.parse({ requiredTags: [{ key: 'aws:cloudformation:stack-name' }] }),
    );
    const verdict = resourceTagVerdict(
      'AWS::S3::Bucket',
      [{ Key: 'aws:cloudformation:stack-name', Value: 's' }],
      awsPolicy,
      { stackTags: { 'aws:cloudformation:stack-name': 's' } },
    );
    expect(verdict).toMatchObject({ problems: [{ kind: 'missing', key: 'aws:cloudformation:stack-name' }] });
  });

  it('uses an injected taggability table', () => {
    const lookup = taggabilityFrom({
      source: 'test',
      resourceTypes: { 'X::Y::Z': { tagProperty: 'Labels', shape: 'map' } },
    });
    const report = checkTemplateTags(
      template({
        Z: { Type: 'X::Y::Z', Properties: { Labels: { owner: 'ab', environment: 'dev' } } },
        B: { Type: 'AWS::S3::Bucket' },
      }),
      policy,
      { taggability: lookup },
    );
    expect(report).toEqual({
      resources: [],
      checked: 1,
      exempt: 0,
      notTaggable: 0,
      unknownTypes: ['AWS::S3::Bucket'],
      notJudged: [],
    });
  });

  it('lists custom resources as not judged, in template order', () => {
    const report = checkTemplateTags(
      template({
        A: { Type: 'Custom::Thing' },
        Q: { Type: 'AWS::SQS::Queue' },
        B: { Type: 'AWS::CloudFormation::CustomResource' },
      }),
      policy,
    );
    expect(report.notJudged).toEqual([
      { logicalId: 'A', type: 'Custom::Thing' },
      { logicalId: 'B', type: 'AWS::CloudFormation::CustomResource' },
    ]);
  });

  it('judges each replica of a DynamoDB global table by its Replicas[].Tags', () => {
    const report = checkTemplateTags(
      template({
        Table: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            Replicas: [
              { Region: 'us-east-1', Tags: good },
              { Region: 'eu-west-1', Tags: [{ Key: 'owner', Value: 'search' }] },
            ],
          },
        },
      }),
      policy,
    );
    expect(report.checked).toBe(2);
    expect(report.resources).toEqual([
      {
        logicalId: 'Table',
        type: 'AWS::DynamoDB::GlobalTable',
        part: 'Replicas[1] (eu-west-1)',
        problems: [{ kind: 'missing', key: 'environment' }],
        unresolved: [],
      },
    ]);
  });

  it('names list-shaped Tags on a SAM function, which SAM rejects, as an invalid shape (a violation)', () => {
    const report = checkTemplateTags(
      template({ Fn: { Type: 'AWS::Serverless::Function', Properties: { Tags: good } } }),
      policy,
    );
    expect(report.resources).toEqual([
      {
        logicalId: 'Fn',
        type: 'AWS::Serverless::Function',
        problems: [],
        unresolved: [],
        invalidShape: 'Tags is a list; AWS::Serverless::Function takes a map of key: value',
      },
    ]);
    const mapOnList = checkTemplateTags(
      template({ B: { Type: 'AWS::S3::Bucket', Properties: { Tags: { owner: 'x' } } } }),
      policy,
    );
    expect(mapOnList.resources[0]?.invalidShape).toBe(
      'Tags is a map; AWS::S3::Bucket takes a list of {Key, Value}',
    );
  });
});

describe('guessArnType', () => {
  it('kebab-cases the CloudFormation name like ARN resource types', () => {
    expect(guessArnType('AWS::Logs::LogGroup')).toBe('logs:log-group');
    expect(guessArnType('AWS::EC2::VPCEndpoint')).toBe('ec2:vpc-endpoint');
    expect(guessArnType('AWS::EC2::Snapshot')).toBe('ec2:snapshot');
  });
});
