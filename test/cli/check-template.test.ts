import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseStackTags, registerCheckTemplate } from '../../cli/commands/check-template.js';
import { memoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-check-template-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const CONFIG = file(
  'guardrails.config.yaml',
  `version: 1
tagPolicy:
  requiredTags:
    - key: owner
      pattern: "[a-z][a-z0-9-]+"
    - key: environment
      allowedValues: [prod, dev]
  exemptResourceTypes: [logs:log-group]
`,
);

const UNTAGGED_JSON = file(
  'untagged.template.json',
  JSON.stringify({
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: 'owner', Value: 'search' }] } },
      Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: {}, Roles: [] } },
      Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      Logs: { Type: 'AWS::Logs::LogGroup' },
    },
  }),
);

const INTRINSIC_YAML = file(
  'intrinsic.yaml',
  `AWSTemplateFormatVersion: 2010-09-09
Parameters:
  Env: { Type: String }
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags:
        - Key: owner
          Value: !ImportValue team-owner
        - Key: environment
          Value: !Ref Env
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: x
      Tags: { owner: search, environment: !Ref Env }
`,
);

/** Runs `finops-guardrails check-template ARGS` and captures its exit code and output. */
async function run(...args: string[]) {
  const io = memoryIo();
  let code = -1;
  const program = new Command('finops-guardrails')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerCheckTemplate(program, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['node', 'fg', 'check-template', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = 2;
  }
  return { code, out: io.out(), err: io.err() };
}

describe('finops-guardrails check-template', () => {
  it('exits 1 with one line per missing tag on a taggable type, and ignores types that cannot be tagged', async () => {
    // Act
    const { code, out, err } = await run('--config', CONFIG, UNTAGGED_JSON);
    // Assess
    expect(code).toBe(1);
    expect(out).toBe(
      `${UNTAGGED_JSON}:1: Queue (AWS::SQS::Queue): required-tags: missing environment (fix: add the tag environment)\n`,
    );
    expect(err).toMatch(
      /^1 templates, 4 resources: 1 blocking violations, 0 informational, 0 unresolved at synth/,
    );
  });

  it('does not fail on Ref and Fn:: values in YAML short form, and reports them as unresolved', async () => {
    const { code, out } = await run('--config', CONFIG, INTRINSIC_YAML);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toEqual([
      `${INTRINSIC_YAML}:5: Topic (AWS::SNS::Topic): required-tags: unresolved at synth: owner (Fn::ImportValue)`,
      `${INTRINSIC_YAML}:5: Topic (AWS::SNS::Topic): required-tags: unresolved at synth: environment (Ref)`,
      `${INTRINSIC_YAML}:13: Param (AWS::SSM::Parameter): required-tags: unresolved at synth: environment (Ref)`,
    ]);
  });

  it('counts --stack-tags as present on every resource', async () => {
    const { code, out } = await run(
      '--config',
      CONFIG,
      '--stack-tags',
      'environment=prod,team=x',
      UNTAGGED_JSON,
    );
    expect(code).toBe(0);
    expect(out).toBe('');
  });

  it('reports invalid stack-tag values too, since they land on every resource', async () => {
    const { code, out } = await run('--config', CONFIG, '--stack-tags', 'environment=qa', UNTAGGED_JSON);
    expect(code).toBe(1);
    expect(out).toMatch(
      /Queue \(AWS::SQS::Queue\): required-tags: environment="qa" is not one of prod, dev \(fix: set environment to one of prod, dev\)$/m,
    );
  });

  it('expands a cdk.out directory and uses the stack tags of its manifest', async () => {
    // Prepare
    const out = join(dir, 'cdk.out');
    file('cdk.out/Tagged.template.json', JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }));
    file('cdk.out/Bare.template.json', JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic' } } }));
    file(
      'cdk.out/manifest.json',
      JSON.stringify({
        version: '48.0.0',
        artifacts: {
          Tagged: {
            type: 'aws:cloudformation:stack',
            properties: {
              templateFile: 'Tagged.template.json',
              tags: { owner: 'search', environment: 'dev' },
            },
          },
          Bare: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Bare.template.json' } },
        },
      }),
    );
    // Act
    const result = await run('--config', CONFIG, out);
    // Assess
    expect(result.code).toBe(1);
    expect(result.out.trimEnd().split('\n')).toEqual([
      `${join(out, 'Bare.template.json')}:1: T (AWS::SNS::Topic): required-tags: missing owner (fix: add the tag owner)`,
      `${join(out, 'Bare.template.json')}:1: T (AWS::SNS::Topic): required-tags: missing environment (fix: add the tag environment)`,
    ]);
    expect(result.err).toMatch(/^2 templates, 2 resources: 2 blocking violations/);
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    ['a missing template', () => ['--config', CONFIG, join(dir, 'nope.json')], /nope\.json: file not found/],
    [
      'a template that is not one',
      () => ['--config', CONFIG, file('x.json', '[]')],
      /x\.json: not a CloudFormation template/,
    ],
    [
      'a missing config',
      () => ['--config', join(dir, 'none.yaml'), UNTAGGED_JSON],
      /none\.yaml: file not found/,
    ],
    [
      'a config without tagPolicy or costPolicy',
      () => ['--config', file('empty.yaml', 'version: 1\n'), UNTAGGED_JSON],
      /empty\.yaml: has neither a tagPolicy nor a costPolicy/,
    ],
    [
      'a --now that is not a date',
      () => ['--config', CONFIG, '--now', 'tomorrow', UNTAGGED_JSON],
      /--now: "tomorrow" is not an ISO date-time/,
    ],
    [
      'an unknown --format',
      () => ['--config', CONFIG, '--format', 'xml', UNTAGGED_JSON],
      /argument 'xml' is invalid/,
    ],
    [
      'bad --stack-tags',
      () => ['--config', CONFIG, '--stack-tags', 'owner', UNTAGGED_JSON],
      /--stack-tags: "owner" is not key=value/,
    ],
  ];
  for (const [what, args, expected] of bad) {
    it(`exits 2 on ${what}`, async () => {
      const { code, err, out } = await run(...args());
      expect(code).toBe(2);
      expect(err).toMatch(expected);
      expect(out).toBe('');
    });
  }

  it('exits 2 without a file', async () => {
    expect((await run('--config', CONFIG)).code).toBe(2);
  });
});

describe('parseStackTags', () => {
  it('splits k=v pairs, keeping = inside values', () => {
    expect(parseStackTags('owner=search, url=a=b')).toEqual({ owner: 'search', url: 'a=b' });
    expect(parseStackTags(undefined)).toEqual({});
    expect(() => parseStackTags('=x')).toThrow(/"=x" is not key=value/);
  });
});
