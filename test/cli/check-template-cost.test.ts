import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CheckTemplateOptions, checkTemplateCommand } from '../../cli/commands/check-template.js';
import { loadConfig } from '../../shared/config/loader.js';
import { memoryIo } from '../support/memory-io.js';
import { junitError, sarifErrors } from '../support/report-validators.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_CONFIG = join(root, 'examples/demo-org/guardrails.config.yaml');
const BAD = join(root, 'examples/cost-gate/bad.template.yaml');
const FIXED = join(root, 'examples/cost-gate/fixed.template.yaml');
const STACK_TAGS = 'owner=reports,environment=dev,cost-center=cc-0300';
/** Before the demo waiver's last day (2027-03-31). */
const NOW = '2026-11-20T00:00:00Z';

const dir = mkdtempSync(join(tmpdir(), 'fg-check-template-cost-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly kind?: string;
  readonly level: string;
  readonly suppressions?: unknown[];
  readonly locations: Array<{ physicalLocation: unknown }>;
}

function check(files: string[], options: Partial<CheckTemplateOptions> = {}) {
  const io = memoryIo();
  const code = checkTemplateCommand(
    files,
    { config: DEMO_CONFIG, stackTags: STACK_TAGS, now: NOW, cwd: root, ...options },
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('check-template on the cost-gate example', () => {
  const kindOf = new Map(loadConfig(DEMO_CONFIG).costPolicy?.rules.map((r) => [r.id, r.kind]));

  it('blocks the bad template, naming a violation of every rule kind with its fix', () => {
    // Act
    const { code, out, err } = check([BAD]);
    // Assess
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    const kinds = new Set(
      lines
        .filter((l) => l.includes('(fix: '))
        .map((l) => kindOf.get(/\): ([a-z0-9-]+): /.exec(l)?.[1] ?? '')),
    );
    expect([...kinds].sort()).toEqual([
      'allowed-instance-types',
      'egress',
      'log-retention',
      'resource-limit',
      's3-lifecycle',
      'volume-type',
    ]);
    expect(lines).toContain(
      `${BAD}:29: Nat (AWS::EC2::NatGateway): no-nat-outside-prod: AWS::EC2::NatGateway is not allowed in dev (fix: remove it, or deploy it to an environment the rule no-nat-outside-prod does not cover)`,
    );
    expect(err).toMatch(/^1 templates, 14 resources: 13 blocking violations/);
  });

  it('passes the fixed template, reporting the waived volume', () => {
    const { code, out } = check([FIXED]);
    expect(code).toBe(0);
    expect(out).toBe(
      `${FIXED}:60: LegacyReportsVolume (AWS::EC2::Volume): gp3-storage: waived until 2027-03-31 (the reports host and its gp2 volume are replaced in the Q1 migration (FIN-412)): VolumeType gp2 is not an allowed type (gp3, io2)\n`,
    );
  });

  it('blocks the fixed template once its waiver has expired, and says so', () => {
    const { code, out } = check([FIXED], { now: '2027-04-01T00:00:00Z' });
    expect(code).toBe(1);
    expect(out).toMatch(
      /LegacyReportsVolume \(AWS::EC2::Volume\): gp3-storage: VolumeType gp2 .*\(its waiver expired after 2027-03-31\) \(fix: /,
    );
    expect(out).toMatch(/costPolicy\.waivers\[0\]: .*: expired; LegacyReportsVolume violates again$/m);
  });

  it('reports a waiver whose resource is in none of the templates checked', () => {
    const { out } = check([
      BAD.replace('bad', 'fixed'),
      file('other.yaml', 'Resources:\n  Q: { Type: AWS::SQS::Queue }\n'),
    ]);
    expect(out).not.toMatch(/no resource matches/);
    const alone = check([file('alone.yaml', 'Resources:\n  Q: { Type: AWS::SQS::Queue }\n')]);
    expect(alone.code).toBe(0);
    expect(alone.out).toMatch(
      /costPolicy\.waivers\[0\]: waiver for gp3-storage on LegacyReportsVolume .*: no resource matches LegacyReportsVolume$/m,
    );
  });
});

describe('check-template --format', () => {
  it('json: one document with every finding and the verdict', () => {
    const { code, out } = check([BAD], { format: 'json' });
    const report = JSON.parse(out);
    expect(code).toBe(1);
    expect(report.blocked).toBe(true);
    expect(report.findings.filter((f: { blocking: boolean }) => f.blocking)).toHaveLength(13);
    expect(report.findings.find((f: { logicalId: string }) => f.logicalId === 'ExportsBucket')).toMatchObject(
      {
        ruleId: 'bucket-lifecycle',
        type: 'AWS::S3::Bucket',
        line: 77,
        status: 'violation',
        fix: expect.stringContaining('AbortIncompleteMultipartUpload'),
      },
    );
    expect(report.waivers).toMatchObject([{ index: 0, status: 'applied', waived: ['LegacyReportsVolume'] }]);
  });

  it('sarif: valid SARIF 2.1.0, each result at its file and line, the waived one suppressed', () => {
    const { out } = check([BAD], { format: 'sarif' });
    const log = JSON.parse(out);
    expect(sarifErrors(log)).toEqual([]);
    const [run] = log.runs as Array<{
      results: SarifResult[];
      tool: { driver: { rules: Array<{ id: string }> } };
    }>;
    const results = run?.results ?? [];
    expect(results.filter((r) => r.kind === 'fail' && !r.suppressions)).toHaveLength(13);
    const nat = results.find((r) => r.ruleId === 'no-nat-outside-prod');
    if (!nat || !run) throw new Error('no result for no-nat-outside-prod');
    expect(nat.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'examples/cost-gate/bad.template.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 29 },
    });
    expect(nat.level).toBe('error');
    expect(run.tool.driver.rules[nat.ruleIndex]?.id).toBe('no-nat-outside-prod');
    expect(results.find((r) => r.ruleId === 'public-egress')?.level).toBe('warning');
    expect(results.find((r) => r.suppressions)?.suppressions).toEqual([
      {
        kind: 'external',
        state: 'accepted',
        justification:
          'the reports host and its gp2 volume are replaced in the Q1 migration (FIN-412) (until 2027-03-31)',
      },
    ]);
  });

  it('sarif: unresolved and not-judged results are review and notApplicable, still valid', () => {
    const template = file(
      'mixed.yaml',
      `Conditions:
  IsProd: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      StorageType: gp3
      DBInstanceClass: !If [IsProd, db.r6g.16xlarge, db.t4g.small]
  Thing:
    Type: Custom::Thing
    Properties: { ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:x }
`,
    );
    const { code, out } = check([template], { format: 'sarif' });
    const log = JSON.parse(out);
    expect(code).toBe(0);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.map((r: Record<string, string>) => [r.ruleId, r.kind, r.level])).toEqual([
      ['approved-instance-types', 'review', 'none'],
      ['small-outside-prod', 'review', 'none'],
      ['not-judged', 'notApplicable', 'none'],
      ['cost-policy-waiver', undefined, 'warning'],
    ]);
    expect(log.runs[0].results[0].message.text).toContain(
      'candidates: db.r6g.16xlarge non-compliant; db.t4g.small compliant',
    );
  });

  it('junit: valid against the JUnit XSD, a failure per blocking violation', () => {
    const { out } = check([BAD, FIXED], { format: 'junit' });
    expect(junitError(out)).toBeUndefined();
    expect(out).toMatch(
      /^<testsuites name="finops-guardrails check-template" tests="27" failures="9" errors="0">/m,
    );
    expect(out.match(/<failure /g)).toHaveLength(13);
    expect(out).toContain(
      '<testcase classname="' +
        FIXED +
        '" name="LegacyReportsVolume (AWS::EC2::Volume)"><skipped message="gp3-storage: waived: VolumeType gp2 is not an allowed type (gp3, io2)"/></testcase>',
    );
  });

  it('junit: escapes what XML cannot carry and stays valid', () => {
    const template = file('odd.yaml', 'Resources:\n  "Q<&>\\"x":\n    Type: AWS::SQS::Queue\n');
    const { out } = check([template], {
      format: 'junit',
      config: file('cfg.yaml', 'version: 1\ntagPolicy:\n  requiredTags: [{ key: owner }]\n'),
    });
    expect(junitError(out)).toBeUndefined();
    expect(out).toContain('name="Q&lt;&amp;&gt;&quot;x (AWS::SQS::Queue)"');
  });
});

describe('check-template on SAM and the language extensions', () => {
  const tagsConfig = () =>
    file(
      'tags.yaml',
      'version: 1\ntagPolicy:\n  requiredTags: [{ key: owner }, { key: environment }, { key: cost-center }]\n',
    );

  it('gives a SAM function its Globals.Function.Tags, and names list-shaped SAM tags as a violation', () => {
    const sam = file(
      'sam.yaml',
      `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tags: { owner: search, environment: dev, cost-center: cc-1 }
Resources:
  FromGlobals:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: nodejs24.x, CodeUri: src/ }
  ListTags:
    Type: AWS::Serverless::HttpApi
    Properties:
      Tags:
        - { Key: owner, Value: search }
`,
    );
    const { code, out } = check([sam], { config: tagsConfig(), stackTags: '' });
    expect(code).toBe(1);
    expect(out.trimEnd().split('\n')).toEqual([
      `${sam}:9: ListTags (AWS::Serverless::HttpApi): required-tags: Tags is a list; AWS::Serverless::HttpApi takes a map of key: value (fix: write the tags in the shape the type takes)`,
    ]);
  });

  it('expands Fn::ForEach and accepts !ValueOf in Rules, reporting a loop known only at deploy', () => {
    const template = file(
      'loops.yaml',
      `Transform: AWS::LanguageExtensions
Parameters:
  Vpc: { Type: AWS::EC2::VPC::Id }
  Extra: { Type: CommaDelimitedList }
Rules:
  ProdVpc:
    Assertions:
      - Assert: !Equals [!ValueOf [!Ref Vpc, Tags], prod]
Resources:
  Fn::ForEach::Queues:
    - Name
    - [Orders, Refunds]
    - Queue\${Name}:
        Type: AWS::SQS::Queue
        Properties:
          Tags: [{ Key: owner, Value: ops }]
  Fn::ForEach::More:
    - Name
    - !Ref Extra
    - Topic\${Name}:
        Type: AWS::SNS::Topic
`,
    );
    const { out } = check([template], {
      config: tagsConfig(),
      stackTags: 'environment=dev,cost-center=cc-1',
    });
    expect(out.trimEnd().split('\n')).toEqual([
      `${template}: Fn::ForEach::More (Fn::ForEach): not judged: its collection (Ref Extra) is known only at deploy, so the resources it generates are unknown before deploy`,
    ]);
  });
});
