import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../shared/config/loader.js';
import { ConfigError } from '../../../shared/core/errors.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills defaults for a minimal config', () => {
    const config = parseConfig('version: 1\n');
    expect(config.organization.accounts).toBe('auto');
    expect(config.state.renotifyAfter).toBe('24h');
    expect(config.anomaly.lookbackDays).toBe(90);
  });

  it('loads the bundled example organization', () => {
    const config = loadConfig('examples/demo-org/guardrails.config.yaml');
    expect(config.workloads.map((w) => w.name)).toEqual(['checkout', 'search-api', 'nightly-etl']);
    expect(config.tagPolicy?.requiredTags.map((t) => t.key)).toEqual(['owner', 'environment', 'cost-center']);
  });

  it('names the file and line of a YAML syntax error', () => {
    const error = errorOf(() =>
      parseConfig('version: 1\norganization:\n  regions: [us-east-1\n  x: 1\n', 'g.yaml'),
    );
    expect(error.message).toMatch(/^g\.yaml:4:3: YAML syntax error: Flow sequence/);
  });

  it('rejects duplicate keys', () => {
    expect(errorOf(() => parseConfig('version: 1\nversion: 1\n', 'g.yaml')).message).toMatch(
      /^g\.yaml:2:1: .*unique/,
    );
  });

  it('names the path of an unknown key', () => {
    const error = errorOf(() => parseConfig('version: 1\nanomaly:\n  minImpact: 5\n', 'g.yaml'));
    expect(error.message).toBe('g.yaml: anomaly.minImpact: unknown key; did you mean minImpactUsd?');
  });

  it('names the path and expected type of a wrong type', () => {
    const error = errorOf(() => parseConfig('version: 1\nanomaly: { minImpactUsd: lots }\n', 'g.yaml'));
    expect(error.message).toBe(
      'g.yaml: anomaly.minImpactUsd: Invalid input: expected number, received string',
    );
  });

  it('uses array indexes in paths', () => {
    const text =
      'version: 1\nworkloads:\n  - name: a\n    costFilter: { services: [EC2] }\n  - name: b\n    costFilter: { accounts: ["12"] }\n';
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: workloads[1].costFilter.accounts[0]: must be a 12-digit AWS account id',
    );
  });

  it('rejects duplicate workload names and an empty cost filter', () => {
    const text =
      'version: 1\nworkloads:\n  - name: a\n    costFilter: { services: [EC2] }\n  - name: a\n    costFilter: {}\n';
    const message = errorOf(() => parseConfig(text, 'g.yaml')).message;
    expect(message).toContain('workloads[1].costFilter: a cost filter needs at least one of');
  });

  it('rejects an invalid regular expression in the tag policy, naming its path and what RE2 refused', () => {
    const text = 'version: 1\ntagPolicy:\n  requiredTags:\n    - key: owner\n      pattern: "(["\n';
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: tagPolicy.requiredTags[0].pattern: not a valid RE2 pattern: missing closing ]: `[`',
    );
  });
});

describe('loadConfig', () => {
  it('reports a missing file as a config error', () => {
    expect(errorOf(() => loadConfig('/nonexistent/guardrails.config.yaml')).message).toBe(
      '/nonexistent/guardrails.config.yaml: file not found',
    );
  });
});

describe('metric queries in config', () => {
  const workload = (name: string, id: string, metricName: string) =>
    `  - name: ${name}\n    costFilter: { services: [EC2] }\n    demand: { metric: { id: ${id}, namespace: App, metricName: ${metricName} } }\n`;

  it('rejects one id naming two different queries', () => {
    const text = `version: 1\nworkloads:\n${workload('a', 'requests', 'Count')}${workload('b', 'requests', 'Other')}`;
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: workloads[1].demand.metric.id: metric id requests already names a different query',
    );
  });

  it('accepts the same query shared by two workloads', () => {
    const text = `version: 1\nworkloads:\n${workload('a', 'requests', 'Count')}${workload('b', 'requests', 'Count')}`;
    expect(parseConfig(text).workloads).toHaveLength(2);
  });

  it('rejects a period GetMetricData cannot serve', () => {
    const text =
      'version: 1\nworkloads:\n  - name: a\n    costFilter: { services: [EC2] }\n    demand: { metric: { id: r, namespace: App, metricName: C, period: 90 } }\n';
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: workloads[0].demand.metric.period: must be a multiple of 60 seconds',
    );
  });
});

describe('observer regions in config', () => {
  const probe = (regions: string) =>
    `probes:\n  - name: api\n    url: https://api.example.com/health\n    regions: ${regions}\n    quorum: 2\n`;
  const observer = (yaml: string) => `deployment:\n  observer: ${yaml}\n`;

  it('keeps a config with one observer region valid, with no additional region', () => {
    const config = parseConfig(`version: 1\n${observer('{ region: eu-west-1 }')}`);
    expect(config.deployment.observer).toEqual({ region: 'eu-west-1' });
  });

  it('accepts probe regions that are all observer regions', () => {
    const text = `version: 1\n${observer('{ region: us-west-2, regions: [eu-central-1, ap-south-1] }')}${probe('[us-west-2, eu-central-1, ap-south-1]')}`;
    expect(parseConfig(text).probes[0]?.regions).toEqual(['us-west-2', 'eu-central-1', 'ap-south-1']);
  });

  it('names the probe region that no observer is deployed in', () => {
    const text = `version: 1\n${observer('{ region: us-west-2, regions: [eu-central-1] }')}${probe('[us-west-2, ap-south-1]')}`;
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: probes[0].regions[1]: ap-south-1 is not an observer region (deployment.observer.region or .regions: us-west-2, eu-central-1)',
    );
  });

  it('checks probe regions against the default observer region when deployment is absent', () => {
    const text = `version: 1\n${probe('[us-west-2, eu-west-1]')}`;
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toContain(
      'probes[0].regions[1]: eu-west-1 is not an observer region',
    );
  });

  it('rejects an additional observer region that repeats one', () => {
    const text = `version: 1\n${observer('{ region: us-west-2, regions: [eu-central-1, us-west-2] }')}`;
    expect(errorOf(() => parseConfig(text, 'g.yaml')).message).toBe(
      'g.yaml: deployment.observer.regions[1]: us-west-2 is already an observer region',
    );
  });
});
