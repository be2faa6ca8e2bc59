import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keysAt, nearestKey } from '../../../shared/config/issue-explanations.js';
import { formatIssues, formatPath, parseConfig } from '../../../shared/config/loader.js';
import { configSchema } from '../../../shared/config/schema.js';
import { ConfigError } from '../../../shared/core/errors.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'g.yaml');
  } catch (error) {
    if (error instanceof ConfigError)
      return error.message.split('\n').map((l) => l.replace(/^g\.yaml: /, ''));
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config errors that say what to do', () => {
  it('reads 95 as a percentage meant as a share', () => {
    expect(
      problems('version: 1\ntagPolicy: { requiredTags: [{ key: owner }], coverageObjective: 95 }\n'),
    ).toEqual([
      'tagPolicy.coverageObjective: must be a share between 0 and 1, such as 0.95: 95 looks like a percentage, so write 0.95',
    ]);
  });

  it('gives the whole range of a number, whichever end was crossed', () => {
    expect(
      problems(
        'version: 1\nanomaly: { lookbackDays: 7, minImpactUsd: -1 }\norganization: { scanConcurrency: 100 }\n',
      ),
    ).toEqual([
      'organization.scanConcurrency: must be a whole number between 1 and 64 (got 100)',
      'anomaly.lookbackDays: must be a whole number between 21 and 395 (got 7)',
      'anomaly.minImpactUsd: must be a number between 0 and 1000000000 (got -1)',
    ]);
    const slo =
      'version: 1\nworkloads: [{ name: w, costFilter: { services: [EC2] }, slos: [{ name: s, metric: { id: m, namespace: n, metricName: m }, objective: { comparison: "<=", threshold: 1 }, target: 1 }] }]\n';
    expect(problems(slo)).toEqual([
      'workloads[0].slos[0].target: must be a share strictly between 0 and 1, such as 0.99 (got 1)',
    ]);
  });

  it('suggests the nearest key for a misspelt one, at any depth', () => {
    expect(
      problems(
        'version: 1\nprobez: []\ndeployment: { toolingRegon: us-east-1 }\nprobes: [{ name: a, url: "https://a.example", expext: {} }]\n',
      ),
    ).toEqual([
      'probes[0].expext: unknown key; did you mean expect?',
      'deployment.toolingRegon: unknown key; did you mean toolingRegion?',
      'probez: unknown key; did you mean probes?',
    ]);
    expect(problems('version: 1\nanomaly: { minImpact: 5 }\n')).toEqual([
      'anomaly.minImpact: unknown key; did you mean minImpactUsd?',
    ]);
  });

  it('lists the keys allowed when nothing is close', () => {
    expect(problems('version: 1\nstate: { colour: blue }\n')).toEqual([
      'state.colour: unknown key (keys here: renotifyAfter, resolvedRetention)',
    ]);
  });

  it('explains which URL schemes a probe takes', () => {
    expect(
      problems(
        'version: 1\nprobes: [{ name: a, url: "ftp://files.example.com" }, { name: b, url: "api.example.com" }]\n',
      ),
    ).toEqual([
      'probes[0].url: must be an http:// or https:// URL with a host, such as https://api.example.com/health (ftp: is not a scheme a probe can use)',
      'probes[1].url: must be an http:// or https:// URL with a host, such as https://api.example.com/health (got "api.example.com")',
    ]);
  });

  it('keeps zod’s message for what it cannot explain better', () => {
    expect(problems('version: 1\nanomaly: { minImpactUsd: lots }\n')).toEqual([
      'anomaly.minImpactUsd: Invalid input: expected number, received string',
    ]);
  });
});

describe('nearestKey and keysAt', () => {
  it('matches within a third of the length, transpositions and case included', () => {
    expect(nearestKey('regoins', ['regions', 'accounts'])).toBe('regions');
    expect(nearestKey('OwnerTagKeys', ['ownerTagKeys', 'contactTagKeys'])).toBe('ownerTagKeys');
    expect(nearestKey('xyz', ['regions', 'accounts'])).toBeUndefined();
  });

  it('walks objects, arrays, defaults and unions of the schema', () => {
    expect(keysAt(configSchema, ['probes', 3, 'expect'])).toContain('certDaysLeft');
    expect(keysAt(configSchema, ['organization', 'defaultOwner'])).toEqual(['team', 'contact']);
    expect(keysAt(configSchema, ['workloads', 0, 'slos', 1, 'objective'])).toEqual([
      'comparison',
      'threshold',
    ]);
  });

  it('leaves other schemas’ messages as they were without a context', () => {
    const result = z.object({ n: z.number().max(1) }).safeParse({ n: 5 });
    expect(formatIssues(result.error?.issues ?? [])).toEqual(['n: Too big: expected number to be <=1']);
    expect(formatPath([])).toBe('(root)');
  });
});
