import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsSetupHint, runHints, staleDataHint } from '../../cli/run-hints.js';
import { parseConfig } from '../../shared/config/loader.js';
import type { RunReport } from '../../shared/core/pipeline.js';

const _config = parseConfig('version: 1\ndeployment: { toolingRegion: eu-west-1 }\n');
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
