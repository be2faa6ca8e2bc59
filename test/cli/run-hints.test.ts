import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsRunProblem } from '../../cli/aws/preflight.js';
import { main } from '../../cli/main.js';
import { awsSetupHint, runHints, staleDataHint } from '../../cli/run-hints.js';
import { parseConfig } from '../../shared/config/loader.js';
import type { RunReport } from '../../shared/core/pipeline.js';
import { memoryIo } from '../support/memory-io.js';

const config = parseConfig('version: 1\ndeployment: { toolingRegion: eu-west-1 }\n');
const report = (reasons: string[]): RunReport => ({
  check: 'tag-coverage',
  findings: [],
  events: [],
  replayed: [],
  scope: { completed: [], failed: reasons.map((reason) => ({ scope: 's', reason })) },
  heldOpen: 0,
  metrics: {},
});

afterEach(() => vi.unstubAllEnvs());

describe('staleDataHint', () => {
  it('stays quiet while the data reaches yesterday, the last complete day', () => {
    expect(staleDataHint('2026-11-19', new Date('2026-11-20T06:00:00Z'))).toBeUndefined();
    expect(staleDataHint('2026-11-18', new Date('2026-11-19T23:59:00Z'))).toBeUndefined();
    expect(staleDataHint('2026-11-18', new Date('2026-11-20T00:00:00Z'))).toMatch(/2 days before/);
    expect(staleDataHint(undefined, new Date())).toBeUndefined();
  });

  it('names the last day, how far behind it is, and the --now that matches it', () => {
    expect(staleDataHint('2026-11-17', new Date('2026-11-20T06:00:00Z'))).toBe(
      "note: the local cost data ends on 2026-11-17, 3 days before the time judged (2026-11-20T06:00:00.000Z): the days after it read as missing data. To judge as of the data's end, add --now 2026-11-18T06:00:00Z (the demo judges its data as of 2026-11-20).\n",
    );
  });
});

describe('AWS mode', () => {
  it('stops before the run when the SDK finds no region, saying how to set one', async () => {
    const problem = await awsRunProblem(config, async () => ({ problem: 'Region is missing' }));
    expect(problem).toBe(
      '--source aws needs an AWS region, and the AWS SDK found none (Region is missing): set one: export AWS_REGION=eu-west-1, or add region = eu-west-1 to your profile in ~/.aws/config (aws configure set region eu-west-1). `finops-guardrails doctor` checks the rest.\n',
    );
    expect(await awsRunProblem(config, async () => ({ region: 'eu-west-1' }))).toBeUndefined();
  });

  it('resolves the region as the SDK does: run --source aws without one exits 2 with that line only', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true'); // no instance metadata request: unit tests stay off the network
    const io = memoryIo();
    const code = await main(
      ['node', 'fg', 'run', '--source', 'aws', '--config', 'examples/demo-org/guardrails.config.yaml'],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toMatch(
      /^--source aws needs an AWS region, and the AWS SDK found none \(Region is missing\)/,
    );
    expect(io.err().trimEnd().split('\n')).toHaveLength(1);
    expect(io.out()).toBe('');
  });

  it('points to doctor when a run failed for want of credentials or a region', () => {
    expect(
      awsSetupHint([report(['CredentialsProviderError: Could not load credentials from any providers'])], []),
    ).toMatch(/^hint: `finops-guardrails doctor` checks/);
    expect(awsSetupHint([report(['AccessDenied'])], ['Region is missing'])).toBeDefined();
    expect(awsSetupHint([report(['ThrottlingException: Rate exceeded'])], [])).toBeUndefined();
    expect(
      runHints({
        source: 'file',
        dataEndsOn: undefined,
        now: new Date(),
        reports: [],
        failures: ['Region is missing'],
      }),
    ).toBe('');
  });
});
