import { App, AspectPriority, Aspects, CfnResource, Fn, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { describe, expect, it, vi } from 'vitest';
import { RequiredTagsAspect } from '../../infra/aspects/required-tags-aspect.js';
import { type TagPolicy, tagPolicySchema } from '../../shared/config/schema.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const policy: TagPolicy = tagPolicySchema.parse({
  requiredTags: [
    { key: 'owner', pattern: '[a-z][a-z0-9-]+' },
    { key: 'environment', allowedValues: ['prod', 'dev'] },
  ],
  exemptResourceTypes: ['AWS::SNS::Topic'],
});

/** A stack whose tags come from `Tags.of`, as in a real app, checked by the aspect. */
function stackWith(
  build: (stack: Stack) => void,
  options: { stackTags?: Record<string, string> } = {},
): Stack {
  const app = new App();
  const stack = new Stack(app, 'Checked');
  build(stack);
  Tags.of(app).add('owner', 'search');
  Aspects.of(app).add(new RequiredTagsAspect(policy, options), { priority: AspectPriority.READONLY });
  return stack;
}

describe('RequiredTagsAspect', () => {
  it('adds an error per missing tag on a taggable resource, after Tags.of has applied', () => {
    // Prepare
    const stack = stackWith((s) => new Bucket(s, 'Data'));
    // Act
    const annotations = Annotations.fromStack(stack);
    // Assess
    annotations.hasError(
      '/Checked/Data/Resource',
      Match.stringLikeRegexp('^Data[0-9A-F]{8} \\(AWS::S3::Bucket\\): missing environment$'),
    );
    expect(annotations.findError('*', Match.stringLikeRegexp('missing owner'))).toEqual([]);
  });

  it('accepts resources that carry every required tag, in list or map shape', () => {
    const stack = stackWith((s) => {
      Tags.of(s).add('environment', 'prod');
      new Bucket(s, 'Data');
      new StringParameter(s, 'Param', { stringValue: 'x' });
    });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('reads map-shaped tags (SSM parameters) through the same tag manager', () => {
    const stack = stackWith((s) => new StringParameter(s, 'Param', { stringValue: 'x' }));
    Annotations.fromStack(stack).hasError(
      '/Checked/Param/Resource',
      Match.stringLikeRegexp('\\(AWS::SSM::Parameter\\): missing environment$'),
    );
  });

  it('reports invalid values with the policy wording', () => {
    const stack = stackWith((s) => {
      const bucket = new Bucket(s, 'Data');
      Tags.of(bucket).add('environment', 'qa');
    });
    Annotations.fromStack(stack).hasError(
      '/Checked/Data/Resource',
      Match.stringLikeRegexp('environment="qa" is not one of prod, dev$'),
    );
  });

  it('ignores types that cannot be tagged and exempt types', () => {
    const stack = stackWith((s) => {
      new Topic(s, 'Alerts');
      new Policy(s, 'Extra', {
        statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
      });
    });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('counts stack tags given at deploy time as present', () => {
    const stack = stackWith((s) => new Bucket(s, 'Data'), { stackTags: { environment: 'dev' } });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('warns, and does not fail, on a tag whose value is a token resolved at deploy time', () => {
    const stack = stackWith((s) => {
      const bucket = new Bucket(s, 'Data');
      Tags.of(bucket).add('environment', Fn.importValue('env-name'));
    });
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    annotations.hasWarning(
      '/Checked/Data/Resource',
      Match.stringLikeRegexp('unresolved at synth: environment \\(Fn::ImportValue\\)'),
    );
  });

  it('reads the tags of a bare CfnResource from its properties', () => {
    const stack = stackWith((s) => {
      new CfnResource(s, 'RawQueue', {
        type: 'AWS::SQS::Queue',
        properties: { Tags: [{ Key: 'owner', Value: 'search' }] },
      });
    });
    Annotations.fromStack(stack).hasError(
      '/Checked/RawQueue',
      Match.stringLikeRegexp('^RawQueue \\(AWS::SQS::Queue\\): missing environment$'),
    );
  });
});
