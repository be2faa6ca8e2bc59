import { describe, expect, it } from 'vitest';
import {
  splitIncludedResources,
  unmodelledTransforms,
} from '../../../../shared/checks/template/transforms.js';

const include = (location: string) => ({ Name: 'AWS::Include', Parameters: { Location: location } });

describe('unmodelledTransforms', () => {
  it('names every template-level transform but SAM and the language extensions, in order', () => {
    const found = unmodelledTransforms([
      'AWS::LanguageExtensions',
      'Count',
      'AWS::Serverless-2016-10-31',
      include('s3://b/top.yaml'),
    ]);
    expect(found.map((f) => [f.key, f.type])).toEqual([
      ['Transform', 'Count'],
      ['Transform', 'AWS::Include'],
    ]);
  });

  it('reads a single name, and nothing at all', () => {
    expect(unmodelledTransforms('PyPlate').map((f) => f.type)).toEqual(['PyPlate']);
    expect(unmodelledTransforms('AWS::Serverless-2016-10-31')).toEqual([]);
    expect(unmodelledTransforms(undefined)).toEqual([]);
  });
});

describe('splitIncludedResources', () => {
  it('leaves out Fn::Transform keys and resources made of one, and flags included properties', () => {
    // Act
    const split = splitIncludedResources({
      Queue: { Type: 'AWS::SQS::Queue' },
      'Fn::Transform': include('s3://b/more.yaml'),
      Whole: { 'Fn::Transform': include('s3://b/whole.yaml') },
      Part: { Type: 'AWS::S3::Bucket', Properties: { 'Fn::Transform': { Name: 'Shout' } } },
    });
    // Assess
    expect(Object.keys(split.resources)).toEqual(['Queue', 'Part']);
    expect(split.included).toEqual([
      {
        key: 'Fn::Transform',
        type: 'Fn::Transform',
        reason: 'AWS::Include of s3://b/more.yaml inserts resources at deploy',
      },
      {
        key: 'Whole',
        type: 'Fn::Transform',
        reason: 'AWS::Include of s3://b/whole.yaml writes this resource at deploy',
      },
    ]);
    expect(split.partial).toEqual([
      { key: 'Part', type: 'AWS::S3::Bucket', reason: 'Shout writes part of its properties at deploy' },
    ]);
  });

  it('keeps a resource with a Type even when it also names Fn::Transform', () => {
    const split = splitIncludedResources({
      Odd: { Type: 'AWS::SNS::Topic', 'Fn::Transform': include('s3://b/x') },
    });
    expect(Object.keys(split.resources)).toEqual(['Odd']);
    expect(split.included).toEqual([]);
  });
});
