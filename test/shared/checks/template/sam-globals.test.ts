import { describe, expect, it } from 'vitest';
import { applySamGlobals } from '../../../../shared/checks/template/sam-globals.js';

describe('applySamGlobals', () => {
  const globals = {
    Function: {
      Runtime: 'nodejs24.x',
      Tags: { owner: 'search', environment: 'prod' },
      Layers: ['arn:layer:1'],
      Environment: { Variables: { STAGE: 'prod', TABLE: 'global' } },
    },
    HttpApi: { Tags: { owner: 'api' } },
  };

  it('merges Globals into SAM resources as the translator does: maps merged, lists prepended, primitives replaced', () => {
    const out = applySamGlobals(
      {
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'python3.13',
            Tags: { environment: 'dev' },
            Layers: ['arn:layer:2'],
            Environment: { Variables: { TABLE: 'local' } },
          },
        },
      },
      globals,
    );
    expect(out.Fn).toEqual({
      Type: 'AWS::Serverless::Function',
      Properties: {
        Runtime: 'python3.13',
        Tags: { owner: 'search', environment: 'dev' },
        Layers: ['arn:layer:1', 'arn:layer:2'],
        Environment: { Variables: { STAGE: 'prod', TABLE: 'local' } },
      },
    });
  });

  it('gives a function that declares no tags all of Globals.Function.Tags, and an HttpApi Globals.HttpApi.Tags', () => {
    const out = applySamGlobals(
      { Fn: { Type: 'AWS::Serverless::Function' }, Api: { Type: 'AWS::Serverless::HttpApi' } },
      globals,
    ) as Record<string, { Properties: { Tags: unknown } }>;
    expect(out.Fn?.Properties.Tags).toEqual({ owner: 'search', environment: 'prod' });
    expect(out.Api?.Properties.Tags).toEqual({ owner: 'api' });
  });

  it('honours IgnoreGlobals, treats intrinsics as values, and leaves other resources alone', () => {
    const out = applySamGlobals(
      {
        All: { Type: 'AWS::Serverless::Function', IgnoreGlobals: '*' },
        NoTags: { Type: 'AWS::Serverless::Function', IgnoreGlobals: ['Tags'] },
        Intrinsic: {
          Type: 'AWS::Serverless::Function',
          Properties: { Tags: { 'Fn::If': ['C', { a: 'b' }, {}] } },
        },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
      globals,
    ) as Record<string, { Properties?: Record<string, unknown> }>;
    expect(out.All?.Properties).toBeUndefined();
    expect(out.NoTags?.Properties?.Tags).toBeUndefined();
    expect(out.NoTags?.Properties?.Runtime).toBe('nodejs24.x');
    expect(out.Intrinsic?.Properties?.Tags).toEqual({ 'Fn::If': ['C', { a: 'b' }, {}] });
    expect(out.Queue).toEqual({ Type: 'AWS::SQS::Queue' });
  });

  it('lets Globals tag only Function and HttpApi, the sections SAM accepts Tags in', () => {
    const out = applySamGlobals(
      {
        Api: { Type: 'AWS::Serverless::Api', Properties: { StageName: 'prod' } },
        Machine: { Type: 'AWS::Serverless::StateMachine', Properties: { Tags: { owner: 'flows' } } },
      },
      {
        Api: { Tags: { owner: 'api' }, TracingEnabled: true },
        StateMachine: { Tags: { environment: 'prod' } },
      },
    );
    expect(out.Api).toEqual({
      Type: 'AWS::Serverless::Api',
      Properties: { TracingEnabled: true, StageName: 'prod' },
    });
    expect(out.Machine).toEqual({
      Type: 'AWS::Serverless::StateMachine',
      Properties: { Tags: { owner: 'flows' } },
    });
  });
});
