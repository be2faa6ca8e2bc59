import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import { bodyMatchBudget, judgeProbe } from '../../shared/checks/probe/assertions.js';
import { type ProbeResult, probeTargetSchema } from '../../shared/checks/probe/types.js';
import { tagCoverageCheck } from '../../shared/checks/tag-coverage/check.js';
import type { AccountInfo, TaggedResource } from '../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../shared/config/loader.js';
import { compilePattern } from '../../shared/config/pattern.js';
import { ConfigError } from '../../shared/core/errors.js';
import { runCheck } from '../../shared/core/pipeline.js';
import { silentLog } from '../support/fake-check.js';

/**
 * Issue 9, cases 6 and 8: a user pattern can neither hang a check nor pass
 * validation and then fail every run.
 */
const A = '111111111111';
const account: AccountInfo = { id: A, name: 'alpha', status: 'ACTIVE', tags: { owner: 'alpha' } };

function tagRun(policyYaml: string, resources: TaggedResource[]) {
  const config = parseConfig(`version: 1\ntagPolicy:\n${policyYaml}`);
  const check = tagCoverageCheck({
    directory: { listAccounts: async () => [account] },
    inventory: { name: 'memory', listResources: async () => resources },
  });
  return runCheck(check, {
    config,
    state: new MemoryStateStore(),
    sinks: [],
    log: silentLog,
    now: new Date('2026-11-20T06:00:00Z'),
  });
}

const resource = (id: string, tags: Record<string, string>): TaggedResource => ({
  arn: `arn:aws:ec2:us-east-1:${A}:instance/${id}`,
  accountId: A,
  region: 'us-east-1',
  resourceType: 'ec2:instance',
  tags,
});

describe('hostile patterns (issue 9 cases 6 and 8)', () => {
  it('validates and runs ^cc\\-[0-9]{4}$: validate-config and the run compile a pattern the same way', async () => {
    const policy = "  requiredTags:\n    - key: cost-center\n      pattern: '^cc\\-[0-9]{4}$'\n";
    const report = await tagRun(policy, [
      resource('good', { 'cost-center': 'cc-1234' }),
      resource('bad', { 'cost-center': 'cc-12345' }),
    ]);
    const digest = report.findings.find((f) => f.type === 'tag.violation');
    expect(digest?.evidence.resources).toEqual([
      expect.objectContaining({
        arn: expect.stringContaining('/bad'),
        problems: [expect.stringMatching(/cc-12345/)],
      }),
    ]);
  });

  it('rejects a pattern RE2 refuses as a config error naming its path', () => {
    const text = "version: 1\ntagPolicy:\n  requiredTags:\n    - key: owner\n      pattern: '(?=x)a'\n";
    expect(() => parseConfig(text, 'g.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(text, 'g.yaml')).toThrow(
      /^g\.yaml: tagPolicy\.requiredTags\[0\]\.pattern: not a valid RE2 pattern/,
    );
    const probe =
      'version: 1\nprobes:\n  - name: api\n    url: https://api.example.com\n    expect: { bodyMatches: "(a)\\\\1" }\n';
    expect(() => parseConfig(probe, 'g.yaml')).toThrow(
      /^g\.yaml: probes\[0\]\.expect\.bodyMatches: not a valid RE2/,
    );
  });

  it('judges (a+)+$ against 500 resources with 10,000-character tag values: the check completes (backtracking would never end)', {
    timeout: 60_000,
  }, async () => {
    const hostile = `${'a'.repeat(10_000)}!`;
    const resources = Array.from({ length: 500 }, (_, i) =>
      resource(`i-${i}`, { owner: i % 2 ? hostile : 'a' }),
    );
    const report = await tagRun("  requiredTags:\n    - key: owner\n      pattern: '(a+)+$'\n", resources);
    const digest = report.findings.find((f) => f.type === 'tag.violation');
    expect(digest?.evidence.counts).toEqual(expect.objectContaining({ total: 250 }));
  });
});

describe('a probe body assertion on a crafted body (issue 9 case 6)', () => {
  const target = (bodyMatches: string, timeoutMs: number) =>
    probeTargetSchema.parse({
      name: 'api',
      url: 'https://api.example.com/',
      timeoutMs,
      expect: { bodyMatches },
    });
  const result = (body: string, totalMs: number): ProbeResult => ({
    target: 'api',
    url: 'https://api.example.com/',
    startedAt: '2026-11-20T06:00:00.000Z',
    status: 200,
    headers: {},
    body,
    bodyBytes: body.length,
    bodyTruncated: false,
    redirects: [],
    addresses: ['192.0.2.1'],
    timings: { totalMs },
  });
  let seed = 7;
  const randomAb = (n: number) =>
    Array.from({ length: n }, () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed & 1 ? 'a' : 'b';
    }).join('');

  it('never examines more than the time left of timeoutMs allows, and says how much it judged', () => {
    // A pattern that defeats RE2's DFA (its NFA then runs at its slowest), on 2 MiB of input.
    const source = '[ab]*a[ab]{200}$';
    const body = `${randomAb(2 * 1_048_576)}c`;
    const probe = target(source, 1_000);
    const seen = result(body, 600);
    const budget = bodyMatchBudget(probe, seen, compilePattern(source).programSize);

    const verdict = judgeProbe(probe, seen);

    expect(budget).toBeLessThan(body.length);
    // Work done: at most (time left) × BODY_MATCH_STEPS_PER_MS steps, whatever the body.
    expect(budget * compilePattern(source).programSize).toBeLessThanOrEqual(400 * 4_000);
    expect(verdict.failures).toEqual([
      expect.objectContaining({
        assertion: 'body-matches',
        message: `api: body does not match /${source}/ in the first ${budget} characters, all that could be judged within timeoutMs 1000`,
      }),
    ]);
  });

  it('judges nothing once the transport used the whole timeout, and still passes a match found in what it judged', () => {
    expect(judgeProbe(target('ok', 1_000), result('ok', 1_000)).passed).toBe(false);
    expect(
      judgeProbe(target('"status":"ok"', 1_000), result(`{"status":"ok"}${'x'.repeat(5_000_000)}`, 10))
        .passed,
    ).toBe(true);
  });

  it('matches (a+)+$ against a whole 1 MiB crafted body within the budget', () => {
    const body = `${'a'.repeat(1_048_576)}!`;
    const verdict = judgeProbe(target('(a+)+$', 5_000), result(body, 100));
    expect(verdict.failures).toEqual([
      expect.objectContaining({ message: 'api: body does not match /(a+)+$/' }),
    ]);
  });
});
