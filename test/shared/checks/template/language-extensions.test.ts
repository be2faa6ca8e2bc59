// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation ${...} syntax, not JavaScript templates
import { describe, expect, it } from 'vitest';
import { expandForEach } from '../../../../shared/checks/template/language-extensions.js';

describe('expandForEach (AWS::LanguageExtensions)', () => {
  it('generates one resource per collection value, replacing ${Id}, &{Id} and Ref Id', () => {
    const { resources, unexpanded, generatedBy } = expandForEach({
      'Fn::ForEach::Topics': [
        'Name',
        ['Orders', 'order-events'],
        {
          'Topic&{Name}': {
            Type: 'AWS::SNS::Topic',
            Properties: { TopicName: { 'Fn::Sub': '${Name}-topic' }, DisplayName: { Ref: 'Name' } },
          },
        },
      ],
      Existing: { Type: 'AWS::SQS::Queue' },
    });
    expect(resources).toEqual({
      TopicOrders: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: { 'Fn::Sub': 'Orders-topic' }, DisplayName: 'Orders' },
      },
      Topicorderevents: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: { 'Fn::Sub': 'order-events-topic' }, DisplayName: 'order-events' },
      },
      Existing: { Type: 'AWS::SQS::Queue' },
    });
    expect(unexpanded).toEqual([]);
    expect(generatedBy.get('TopicOrders')).toBe('Fn::ForEach::Topics');
  });

  it('expands nested loops and loops inside resource properties', () => {
    const { resources } = expandForEach({
      'Fn::ForEach::Envs': [
        'Env',
        ['dev', 'prod'],
        {
          'Fn::ForEach::Apps': [
            'App',
            ['api'],
            {
              '${App}${Env}Queue': {
                Type: 'AWS::SQS::Queue',
                Properties: {
                  'Fn::ForEach::Tags': ['K', ['owner'], { Tag: { Key: '${K}', Value: '${App}-${Env}' } }],
                },
              },
            },
          ],
        },
      ],
    });
    expect(Object.keys(resources)).toEqual(['apidevQueue', 'apiprodQueue']);
    expect(resources.apiprodQueue).toEqual({
      Type: 'AWS::SQS::Queue',
      Properties: { Tag: { Key: 'owner', Value: 'api-prod' } },
    });
  });

  it('reports a loop over a parameter as unexpanded with the reason, never guessing from its default', () => {
    const { resources, unexpanded } = expandForEach({
      'Fn::ForEach::Buckets': ['Name', { Ref: 'BucketNames' }, { '${Name}': { Type: 'AWS::S3::Bucket' } }],
    });
    expect(resources).toEqual({});
    expect(unexpanded).toEqual([
      { loop: 'Fn::ForEach::Buckets', reason: 'its collection (Ref BucketNames) is known only at deploy' },
    ]);
  });

  it('reports a malformed loop and stops a loop that generates too much', () => {
    expect(expandForEach({ 'Fn::ForEach::Bad': ['X', ['a']] }).unexpanded).toEqual([
      { loop: 'Fn::ForEach::Bad', reason: 'not [Identifier, Collection, {OutputKey: OutputValue}]' },
    ]);
    const many = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const nested = {
      'Fn::ForEach::A': [
        'A',
        many,
        { 'Fn::ForEach::B': ['B', many, { '${A}${B}': { Type: 'AWS::SQS::Queue' } }] },
      ],
    };
    const { unexpanded } = expandForEach(nested);
    expect(unexpanded[0]?.reason).toBe('generates more than 5000 keys');
  });
});
