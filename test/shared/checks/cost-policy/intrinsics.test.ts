import { describe, expect, it } from 'vitest';
import { parseRule, templateResource, verdict } from './helpers.js';

const sizes = parseRule({ kind: 'allowed-instance-types', allow: ['db.t4g.*'] });
const db = (DBInstanceClass: unknown, extra: Record<string, unknown> = {}) =>
  templateResource({ Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass } } }, 'Db', extra);

describe('intrinsic values are judged for every candidate, never guessed', () => {
  it('reports Fn::If between two sizes as unresolved, with both candidates judged', () => {
    const resource = db({ 'Fn::If': ['IsProd', 'db.r6g.16xlarge', 'db.t4g.small'] });
    expect(verdict(resource, sizes)).toEqual({
      status: 'unresolved',
      reason: 'depends on Fn::If IsProd, known only at deploy',
      fix: 'set DBInstanceClass to a type the policy allows (db.t4g.*)',
      candidates: [
        {
          value: 'db.r6g.16xlarge',
          status: 'non-compliant',
          reason: 'DBInstanceClass db.r6g.16xlarge is not an allowed type',
        },
        { value: 'db.t4g.small', status: 'compliant' },
      ],
    });
  });

  it('decides when every candidate agrees: both branches violate, or both comply', () => {
    expect(verdict(db({ 'Fn::If': ['C', 'db.r6g.large', 'db.m6g.large'] }), sizes)).toMatchObject({
      status: 'non-compliant',
      reason:
        'DBInstanceClass db.r6g.large is not an allowed type; DBInstanceClass db.m6g.large is not an allowed type',
    });
    expect(verdict(db({ 'Fn::If': ['C', 'db.t4g.large', 'db.t4g.small'] }), sizes)).toEqual({
      status: 'compliant',
    });
  });

  it('judges a Ref to a parameter through its AllowedValues', () => {
    const resource = db(
      { Ref: 'Size' },
      { Parameters: { Size: { Type: 'String', AllowedValues: ['db.t4g.micro', 'db.r6g.large'] } } },
    );
    expect(verdict(resource, sizes)).toMatchObject({
      status: 'unresolved',
      reason: 'depends on Ref Size, known only at deploy',
      candidates: [
        { value: 'db.t4g.micro', status: 'compliant' },
        { value: 'db.r6g.large', status: 'non-compliant' },
      ],
    });
  });

  it('keeps a Ref with only a Default unresolved, even when the default would comply', () => {
    const resource = db(
      { Ref: 'Size' },
      { Parameters: { Size: { Type: 'String', Default: 'db.t4g.micro' } } },
    );
    expect(verdict(resource, sizes)).toMatchObject({
      status: 'unresolved',
      reason: 'Ref Size is known only at deploy',
      candidates: [{ value: 'db.t4g.micro', status: 'compliant' }],
    });
  });

  it('enumerates Fn::FindInMap over a key known only at deploy', () => {
    const mappings = { Mappings: { Sizes: { prod: { Db: 'db.r6g.large' }, dev: { Db: 'db.t4g.micro' } } } };
    const resource = db({ 'Fn::FindInMap': ['Sizes', { Ref: 'AWS::Region' }, 'Db'] }, mappings);
    expect(verdict(resource, sizes)).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: 'db.r6g.large', status: 'non-compliant' },
        { value: 'db.t4g.micro', status: 'compliant' },
      ],
    });
    expect(verdict(db({ 'Fn::FindInMap': ['Sizes', 'dev', 'Db'] }, mappings), sizes)).toEqual({
      status: 'compliant',
    });
  });

  it('falls back on the DefaultValue of Fn::FindInMap (AWS::LanguageExtensions) for a missing key', () => {
    const mappings = { Mappings: { Sizes: { dev: { Db: 'db.t4g.micro' } } } };
    const withDefault = (key: unknown, fallback: string) =>
      db({ 'Fn::FindInMap': ['Sizes', key, 'Db', { DefaultValue: fallback }] }, mappings);
    expect(verdict(withDefault('prod', 'db.r6g.large'), sizes)).toMatchObject({
      status: 'non-compliant',
      reason: 'DBInstanceClass db.r6g.large is not an allowed type',
    });
    expect(verdict(withDefault('dev', 'db.r6g.large'), sizes)).toEqual({ status: 'compliant' });
    // A key known only at deploy may be one the map lacks: the default is a candidate too.
    expect(verdict(withDefault({ Ref: 'AWS::Region' }, 'db.r6g.large'), sizes)).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: 'db.t4g.micro', status: 'compliant' },
        { value: 'db.r6g.large', status: 'non-compliant' },
      ],
    });
  });

  it('judges Fn::Sub over parameters with AllowedValues on each value, and leaves any other placeholder unresolved', () => {
    const family = { Parameters: { Family: { Type: 'String', AllowedValues: ['t4g', 'r6g'] } } };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax
    expect(verdict(db({ 'Fn::Sub': 'db.${Family}.micro' }, family), sizes)).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: 'db.t4g.micro', status: 'compliant' },
        { value: 'db.r6g.micro', status: 'non-compliant' },
      ],
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax
    expect(verdict(db({ 'Fn::Sub': 'db.t4g.${AWS::Region}' }, family), sizes)).toMatchObject({
      status: 'unresolved',
      reason: 'Fn::Sub is known only at deploy; no candidate value to judge',
    });
  });

  it('reports values computed at deploy (ImportValue, GetAtt) as unresolved without candidates', () => {
    expect(verdict(db({ 'Fn::ImportValue': 'shared-db-class' }), sizes)).toEqual({
      status: 'unresolved',
      reason: 'Fn::ImportValue is known only at deploy; no candidate value to judge',
      candidates: [],
    });
  });

  it('resolves literal Fn::Sub and Fn::Join, and a branch that removes the property', () => {
    expect(verdict(db({ 'Fn::Join': ['.', ['db', 't4g', 'small']] }), sizes)).toEqual({
      status: 'compliant',
    });
    expect(verdict(db({ 'Fn::Sub': 'db.t4g.nano' }), sizes)).toEqual({ status: 'compliant' });
    expect(verdict(db({ 'Fn::If': ['C', 'db.t4g.nano', { Ref: 'AWS::NoValue' }] }), sizes)).toEqual({
      status: 'compliant',
    });
  });

  it('resolves intrinsics at any level of a property path (a launch template data block under Fn::If)', () => {
    const lt = templateResource(
      {
        Lt: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: {
            LaunchTemplateData: {
              'Fn::If': ['Big', { InstanceType: 'r6i.large' }, { InstanceType: 't3.small' }],
            },
          },
        },
      },
      'Lt',
    );
    const ec2 = parseRule({ kind: 'allowed-instance-types', allow: ['t3.*'] });
    expect(verdict(lt, ec2)).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: 'r6i.large', status: 'non-compliant' },
        { value: 't3.small', status: 'compliant' },
      ],
    });
  });

  it('judges a lifecycle configuration present in one branch only', () => {
    const bucket = templateResource(
      {
        B: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            LifecycleConfiguration: {
              'Fn::If': [
                'IsProd',
                {
                  Rules: [
                    {
                      Status: 'Enabled',
                      ExpirationInDays: 1,
                      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                    },
                  ],
                },
                { Ref: 'AWS::NoValue' },
              ],
            },
          },
        },
      },
      'B',
    );
    expect(verdict(bucket, parseRule({ kind: 's3-lifecycle' }))).toMatchObject({
      status: 'unresolved',
      candidates: [
        { value: '1 lifecycle rules', status: 'compliant' },
        { value: 'no lifecycle configuration', status: 'non-compliant' },
      ],
    });
  });
});
