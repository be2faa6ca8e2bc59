import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { describe, expect, it } from 'vitest';
import {
  extractTaggableTypes,
  renderTaggableTypes,
  specVersion,
} from '../../../../shared/checks/tag-coverage/generate-taggable-types.js';
import { taggability } from '../../../../shared/checks/tag-coverage/taggable-types.js';

const COMMITTED = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'checks',
  'tag-coverage',
  'taggable-types.json',
);

describe('taggable-types.json', () => {
  it('is current with the installed @aws-cdk/aws-service-spec (run npm run taggable-types after upgrading it)', async () => {
    // Prepare
    const db = await loadAwsServiceSpec();
    // Act
    const rendered = renderTaggableTypes(extractTaggableTypes(db, specVersion()));
    // Assess
    expect(readFileSync(COMMITTED, 'utf8')).toBe(rendered);
  });

  it('knows list-tagged, map-tagged, renamed-property and untaggable types', () => {
    expect(taggability('AWS::S3::Bucket')).toEqual({
      kind: 'taggable',
      tagProperty: 'Tags',
      shape: 'list',
      arnType: 's3:bucket',
    });
    expect(taggability('AWS::SSM::Parameter')).toMatchObject({ kind: 'taggable', shape: 'map' });
    expect(taggability('AWS::Serverless::Function')).toMatchObject({ kind: 'taggable', shape: 'map' });
    expect(taggability('AWS::Cognito::UserPool')).toMatchObject({
      tagProperty: 'UserPoolTags',
      shape: 'map',
    });
    expect(taggability('AWS::Route53::HostedZone')).toMatchObject({
      tagProperty: 'HostedZoneTags',
      shape: 'list',
    });
    expect(taggability('AWS::CloudFront::AnycastIpList')).toMatchObject({ shape: 'items' });
    expect(taggability('AWS::Logs::LogGroup')).toMatchObject({ arnType: 'logs:log-group' });
    expect(taggability('AWS::IAM::Policy')).toEqual({ kind: 'not-taggable' });
    expect(taggability('AWS::CloudFormation::WaitConditionHandle')).toEqual({ kind: 'not-taggable' });
    expect(taggability('AWS::Scheduler::Schedule')).toEqual({ kind: 'not-taggable' });
    expect(taggability('Custom::Anything')).toEqual({ kind: 'unknown' });
  });

  it('adds what the spec leaves out: tags through TagSpecifications, an untracked Tags property, SAM types it lacks', () => {
    expect(taggability('AWS::EC2::LaunchTemplate')).toEqual({
      kind: 'taggable',
      tagProperty: 'TagSpecifications',
      shape: 'specifications',
      specificationType: 'launch-template',
      arnType: 'ec2:launch-template',
    });
    expect(taggability('AWS::EC2::EC2Fleet')).toMatchObject({ specificationType: 'fleet' });
    expect(taggability('AWS::OpsWorks::Stack')).toEqual({
      kind: 'taggable',
      tagProperty: 'Tags',
      shape: 'list',
    });
    expect(taggability('AWS::Serverless::GraphQLApi')).toMatchObject({ kind: 'taggable', shape: 'list' });
    expect(taggability('AWS::Serverless::Connector')).toEqual({ kind: 'not-taggable' });
    // A JSON Tags property is not read as tags.
    expect(taggability('AWS::Glue::CustomEntityType')).toEqual({ kind: 'not-taggable' });
    expect(taggability('constructor')).toEqual({ kind: 'unknown' });
  });
});
