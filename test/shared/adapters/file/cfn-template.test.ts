import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cloudAssemblyTemplates,
  isDirectory,
  parseCfnTemplate,
  parseCfnTemplateWithDetails,
  readCfnTemplate,
} from '../../../../shared/adapters/file/cfn-template.js';
import { InputError } from '../../../../shared/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-cfn-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const YAML_TEMPLATE = `AWSTemplateFormatVersion: 2010-09-09
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub [data-bucket, {}]
      Tags:
        - Key: owner
          Value: !ImportValue team-owner
        - Key: role
          Value: !GetAtt Role.Arn
        - Key: joined
          Value: !Join ['-', [a, !Ref Suffix]]
        - !If [IsProd, { Key: environment, Value: prod }, !Ref AWS::NoValue]
  Role:
    Type: AWS::IAM::Role
    Properties:
      Tags:
        - Key: pick
          Value: !Select [0, !GetAZs '']
        - Key: base
          Value: !Base64 { 'Fn::Sub': x }
`;

describe('parseCfnTemplate', () => {
  it('turns YAML short-form intrinsics into their long form', () => {
    // Act
    const template = parseCfnTemplate(YAML_TEMPLATE, 'stack.yaml');
    // Assess
    expect(template.Resources.Bucket?.Properties?.BucketName).toEqual({
      'Fn::Sub': ['data-bucket', {}],
    });
    expect(template.Resources.Bucket?.Properties?.Tags).toEqual([
      { Key: 'owner', Value: { 'Fn::ImportValue': 'team-owner' } },
      { Key: 'role', Value: { 'Fn::GetAtt': ['Role', 'Arn'] } },
      { Key: 'joined', Value: { 'Fn::Join': ['-', ['a', { Ref: 'Suffix' }]] } },
      { 'Fn::If': ['IsProd', { Key: 'environment', Value: 'prod' }, { Ref: 'AWS::NoValue' }] },
    ]);
    expect(template.Resources.Role?.Properties?.Tags).toEqual([
      { Key: 'pick', Value: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } },
      { Key: 'base', Value: { 'Fn::Base64': { 'Fn::Sub': 'x' } } },
    ]);
    expect(template.Conditions).toEqual({ IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } });
  });

  it('keeps the template version a string, as CloudFormation reads it', () => {
    expect(parseCfnTemplate(YAML_TEMPLATE, 'stack.yaml').AWSTemplateFormatVersion).toBe('2010-09-09');
  });

  it('parses JSON templates', () => {
    const template = parseCfnTemplate('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}', 'q.json');
    expect(template.Resources).toEqual({ Q: { Type: 'AWS::SQS::Queue' } });
  });

  const bad: Array<[string, string, string, RegExp]> = [
    [
      'a YAML syntax error, with its line',
      'bad.yaml',
      'Resources:\n  A: [\n',
      /^bad\.yaml:3:1: YAML error: /,
    ],
    [
      'an unknown short-form tag',
      'tag.yaml',
      'Resources:\n  A: !Bogus x\n',
      /^tag\.yaml:2:6: YAML error: Unresolved tag: !Bogus/,
    ],
    ['invalid JSON, at its line and column', 'bad.json', '{"Resources": ', /^bad\.json:1:15: invalid JSON: /],
    [
      'a resource without a Type',
      'notype.yaml',
      'Resources:\n  A:\n    Properties: {}\n',
      /^notype\.yaml: not a CloudFormation template: Resources\.A\.Type: /,
    ],
    [
      'a document without Resources',
      'empty.json',
      '{}',
      /^empty\.json: not a CloudFormation template: Resources: /,
    ],
  ];
  for (const [what, name, text, expected] of bad) {
    it(`names the file on ${what}`, () => {
      expect(() => parseCfnTemplate(text, name)).toThrow(InputError);
      expect(() => parseCfnTemplate(text, name)).toThrow(expected);
    });
  }
});

describe('readCfnTemplate', () => {
  it('reads a template file', () => {
    const path = file('read/stack.template.json', '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}');
    expect(readCfnTemplate(path).Resources.Q?.Type).toBe('AWS::SQS::Queue');
  });

  it('names a missing file', () => {
    expect(() => readCfnTemplate(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: file not found$/);
  });
});

describe('cloudAssemblyTemplates', () => {
  it('lists the stacks of a manifest with their stack tags, nested assemblies included', () => {
    // Prepare
    const out = join(dir, 'cdk.out');
    file(
      'cdk.out/manifest.json',
      JSON.stringify({
        version: '48.0.0',
        artifacts: {
          Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
          App: {
            type: 'aws:cloudformation:stack',
            properties: { templateFile: 'App.template.json', tags: { owner: 'platform' } },
          },
          Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
        },
      }),
    );
    file(
      'cdk.out/assembly-Stage/manifest.json',
      JSON.stringify({
        artifacts: {
          StageDb: {
            type: 'aws:cloudformation:stack',
            properties: { templateFile: 'StageDb.template.json', stackName: 'Stage-Db' },
          },
        },
      }),
    );
    // Act
    const templates = cloudAssemblyTemplates(out);
    // Assess
    expect(templates).toEqual([
      { file: join(out, 'App.template.json'), stackName: 'App', stackTags: { owner: 'platform' } },
      { file: join(out, 'assembly-Stage', 'StageDb.template.json'), stackName: 'Stage-Db', stackTags: {} },
    ]);
  });

  it('lists *.template.json files when there is no manifest', () => {
    const bare = join(dir, 'bare');
    file('bare/B.template.json', '{}');
    file('bare/A.template.json', '{}');
    file('bare/notes.json', '{}');
    expect(cloudAssemblyTemplates(bare).map((t) => t.stackName)).toEqual(['A', 'B']);
  });

  it('rejects a directory without templates, and a bad manifest', () => {
    mkdirSync(join(dir, 'none'));
    expect(() => cloudAssemblyTemplates(join(dir, 'none'))).toThrow(/none: no \*\.template\.json/);
    file('badmanifest/manifest.json', '{"artifacts": {"X": {"properties": {}}}}');
    expect(() => cloudAssemblyTemplates(join(dir, 'badmanifest'))).toThrow(
      /manifest\.json: not a cloud assembly manifest: artifacts\.X\.type/,
    );
  });

  it('tells directories from files', () => {
    expect(isDirectory(dir)).toBe(true);
    expect(isDirectory(file('plain.txt', 'x'))).toBe(false);
    expect(isDirectory(join(dir, 'missing'))).toBe(false);
  });
});

describe('parseCfnTemplateWithDetails', () => {
  it('accepts every short-form intrinsic CloudFormation accepts, Rules functions included', () => {
    const functions = [
      'And',
      'Base64',
      'Cidr',
      'Contains',
      'EachMemberEquals',
      'EachMemberIn',
      'Equals',
      'FindInMap',
      'ForEach',
      'GetAZs',
      'If',
      'ImportValue',
      'Join',
      'Length',
      'Not',
      'Or',
      'RefAll',
      'Select',
      'Split',
      'Sub',
      'ToJsonString',
      'Transform',
      'ValueOf',
      'ValueOfAll',
    ];
    const text = [
      'Rules:',
      '  SubnetsInVpc:',
      '    Assertions:',
      ...functions.map((fn) => `      - Assert: !${fn} [a, b]`),
      'Resources:',
      '  Q:',
      '    Type: AWS::SQS::Queue',
    ].join('\n');
    const { template } = parseCfnTemplateWithDetails(text, 'rules.yaml');
    const assertions = (template.Rules as { SubnetsInVpc: { Assertions: Array<{ Assert: unknown }> } })
      .SubnetsInVpc.Assertions;
    expect(assertions.map((a) => a.Assert)).toEqual(functions.map((fn) => ({ [`Fn::${fn}`]: ['a', 'b'] })));
  });

  it('expands Fn::ForEach before validating, and reports a loop known only at deploy', () => {
    const text = `Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList }
Resources:
  Fn::ForEach::Queues:
    - Name
    - [Orders, Refunds]
    - Queue\${Name}:
        Type: AWS::SQS::Queue
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic\${Name}:
        Type: AWS::SNS::Topic
`;
    const parsed = parseCfnTemplateWithDetails(text, 'loops.yaml');
    expect(Object.keys(parsed.template.Resources)).toEqual(['QueueOrders', 'QueueRefunds']);
    expect(parsed.unexpandedLoops).toEqual([
      { loop: 'Fn::ForEach::Topics', reason: 'its collection (Ref Names) is known only at deploy' },
    ]);
    expect(parsed.resourceLines).toEqual({ QueueOrders: 5, QueueRefunds: 5 });
  });

  it('applies SAM Globals to the resources', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tags: { owner: search }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler }
`;
    expect(parseCfnTemplateWithDetails(text, 'sam.yaml').template.Resources.Fn?.Properties).toEqual({
      Handler: 'index.handler',
      Tags: { owner: 'search' },
    });
  });

  it('finds the line of each resource in YAML and JSON', () => {
    const yaml = 'Resources:\n  A:\n    Type: AWS::SQS::Queue\n\n  B:\n    Type: AWS::SNS::Topic\n';
    expect(parseCfnTemplateWithDetails(yaml, 'a.yaml').resourceLines).toEqual({ A: 2, B: 5 });
    const json = JSON.stringify(
      { Description: 'A', Resources: { A: { Type: 'AWS::SQS::Queue' }, B: { Type: 'AWS::SNS::Topic' } } },
      null,
      2,
    );
    expect(parseCfnTemplateWithDetails(json, 'a.json').resourceLines).toEqual({ A: 4, B: 7 });
  });
});
