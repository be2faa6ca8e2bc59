import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../../shared/adapters/memory/memory-state.js';
import { costPolicyCheck, plannedQueries } from '../../../../../shared/checks/cost-policy/runtime/check.js';
import { capSeverity } from '../../../../../shared/checks/cost-policy/runtime/evaluate.js';
import { parseConfig } from '../../../../../shared/config/loader.js';
import type { Finding } from '../../../../../shared/core/finding.js';
import { runCheck } from '../../../../../shared/core/pipeline.js';
import { reportFromState } from '../../../../../shared/report/from-state.js';
import { reportTables } from '../../../../../shared/report/report-tables.js';
import { silentLog } from '../../../../support/fake-check.js';
import {
  A,
  B,
  config,
  fn,
  instance,
  memorySink,
  nat,
  type PolicyWorld,
  ports,
  volume,
  world,
} from './fixture.js';

const DAY = 86_400_000;
const t0 = new Date('2026-11-20T06:00:00Z');

/** Two owners in A (alpha by account tag, web by resource tag) and one in B (finops by default). */
function brokenWorld(): PolicyWorld {
  return world(
    [
      instance(A, 'i-big', 'm5.24xlarge'),
      instance(A, 'i-web', 'c5.large', { owner: 'web' }),
      instance(A, 'i-ok', 't4g.small'),
      volume(A, 'vol-gp2', 'gp2'),
      volume(A, 'vol-waived', 'gp2'),
      fn(B, 'forever'),
      fn(B, 'bounded'),
      nat(B, 'nat-dev', { environment: 'dev' }),
      nat(A, 'nat-prod', { environment: 'prod' }),
    ],
    {
      [B]: [
        { logGroupName: '/aws/lambda/forever' },
        { logGroupName: '/aws/lambda/bounded', retentionInDays: 30 },
        { logGroupName: '/app/audit', retentionInDays: 3653 },
      ],
    },
  );
}

async function run(w: PolicyWorld, state: MemoryStateStore, now: Date) {
  const sink = memorySink();
  const report = await runCheck(costPolicyCheck(ports(w)), {
    config,
    state,
    sinks: [sink],
    now,
    log: silentLog,
  });
  return { report, events: sink.events };
}

const digests = (findings: readonly Finding[]) =>
  findings.filter((f) => f.type === 'guardrail.policy' && f.rule !== 'stale-waivers');
const policyOf = (c: typeof config) => {
  if (!c.costPolicy) throw new Error('no costPolicy');
  return c.costPolicy;
};
function listed<T>(finding: Finding | undefined): T[] {
  return (finding?.evidence.resources ?? []) as T[];
}
const byKey = (findings: readonly Finding[]) =>
  Object.fromEntries(digests(findings).map((f) => [`${f.rule}:${f.identity.join(':')}`, f]));

describe('plannedQueries', () => {
  it('runs one query per rule kind used, and one per resource-limit type', () => {
    expect(plannedQueries(policyOf(config)).map((q) => q.id)).toEqual([
      'allowed-instance-types',
      'log-retention',
      'volume-type',
      'resource-limit/AWS::EC2::NatGateway',
    ]);
    const two = parseConfig(`
version: 1
costPolicy:
  rules:
    - { id: a, kind: allowed-instance-types, allow: ["t4g.*"] }
    - { id: b, kind: allowed-instance-types, allow: ["t3.*"], environments: [dev] }
`);
    const planned = plannedQueries(policyOf(two));
    expect(planned).toHaveLength(1);
    expect(planned[0]?.rules.map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('cost-policy runtime check', () => {
  it('raises one digest per (account, owner, rule), routed by resource tag, then account tag, then default', async () => {
    const w = brokenWorld();
    const { report } = await run(w, new MemoryStateStore(), t0);
    const found = byKey(report.findings);
    expect(Object.keys(found).sort()).toEqual([
      `approved-types:${A}:alpha`,
      `approved-types:${A}:web`,
      `gp3-only:${A}:alpha`,
      `logs-expire:${B}:finops`,
      `no-nat-in-dev:${B}:finops`,
    ]);
    const web = found[`approved-types:${A}:web`];
    expect(web?.owner).toEqual({ team: 'web', source: 'resource-tag' });
    expect(found[`approved-types:${A}:alpha`]?.owner?.source).toBe('account-tag');
    expect(found[`logs-expire:${B}:finops`]?.owner?.source).toBe('default');
    expect(web?.scope).toBe(`${A}/policy/approved-types`);
    // In grace on the first sighting: info, with the deadline a week out.
    expect(web?.severity).toBe('info');
    const entry = listed<Record<string, unknown>>(web)[0];
    expect(entry).toMatchObject({
      rule: 'approved-types',
      kind: 'allowed-instance-types',
      resourceId: 'i-web',
      status: 'in-grace',
      firstSeen: t0.toISOString(),
      deadline: new Date(t0.getTime() + 7 * DAY).toISOString(),
    });
    expect(entry?.reason).toMatch(/c5\.large/);
    expect(entry?.fix).toBe('set InstanceType to a type the policy allows (t4g.*)');
    // The log groups: a function whose group never expires, and a group kept too long; a bounded one passes.
    const logs = listed<{ resourceId: string }>(found[`logs-expire:${B}:finops`]);
    expect(logs.map((r) => r.resourceId).sort()).toEqual(['/app/audit', 'forever']);
    // The production NAT gateway is outside the rule's environments.
    expect(JSON.stringify(found[`no-nat-in-dev:${B}:finops`]?.evidence)).toContain('nat-dev');
    expect(JSON.stringify(report.findings)).not.toContain('nat-prod');
  });

  it("finds a resource's cost by its ARN, else by its id (Cost Explorer names EC2 volumes by id), and sums it as impact", async () => {
    const w = brokenWorld();
    const withCosts = {
      ...ports(w),
      costs: {
        name: 'fixture-costs',
        resourceCosts: async () =>
          new Map([
            [`arn:aws:ec2:us-east-1:${A}:instance/i-big`, 900],
            ['vol-gp2', 45.5],
          ]),
      },
    };
    const report = await runCheck(costPolicyCheck(withCosts), {
      config,
      state: new MemoryStateStore(),
      sinks: [memorySink()],
      now: t0,
      log: silentLog,
    });
    const found = byKey(report.findings);
    const big = listed<{ resourceId: string; costUsd30d?: number }>(found[`approved-types:${A}:alpha`]);
    expect(big).toEqual([expect.objectContaining({ resourceId: 'i-big', costUsd30d: 900 })]);
    const volumes = listed<{ resourceId: string; costUsd30d?: number }>(found[`gp3-only:${A}:alpha`]);
    // Costliest first: vol-gp2 before vol-waived (its waiver expired), which has no cost.
    expect(volumes.map((v) => [v.resourceId, v.costUsd30d])).toEqual([
      ['vol-gp2', 45.5],
      ['vol-waived', undefined],
    ]);
    expect(found[`gp3-only:${A}:alpha`]?.impact?.usdPerMonth).toBeGreaterThan(0);
    // A resource Cost Explorer does not know has no cost, and no impact is made up for it.
    expect(listed<{ costUsd30d?: number }>(found[`approved-types:${A}:web`])[0]?.costUsd30d).toBeUndefined();
    expect(found[`approved-types:${A}:web`]?.impact).toBeUndefined();
  });

  it('keeps every waiver with its status for the report, and keeps the last complete picture through a partial run', async () => {
    const state = new MemoryStateStore();
    await run(brokenWorld(), state, t0);
    const waivers = async () =>
      reportFromState(new Map([['cost-policy', await state.load('cost-policy')]]), {
        asOf: t0,
        source: 'test',
      }).waivers;
    const first = await waivers();
    expect(first?.map((w) => [w.path, w.rule, w.status, w.waived])).toEqual([
      ['costPolicy.waivers[0]', 'gp3-only', 'expired', ['vol-waived']],
      ['costPolicy.waivers[1]', 'removed-rule', 'unknown-rule', []],
    ]);
    expect(
      reportTables({
        asOf: '',
        source: '',
        findings: [],
        costs: [],
        probes: [],
        notes: [],
        ...(first && { waivers: first }),
      })
        .find((t) => t.id === 'waivers')
        ?.rows[0]?.map((c) => c.text),
    ).toEqual([
      'costPolicy.waivers[0]',
      'gp3-only',
      'arn:aws:ec2:*:111111111111:volume/vol-waived',
      '2026-11-01',
      'EXPIRED: a violation again',
      '1',
      'migrating in Q1',
    ]);
    // A run that cannot judge every rule does not know every waiver's fate: the report keeps the last.
    const partial = brokenWorld();
    partial.failQueries['volume-type'] = 'ThrottlingException';
    await run(partial, state, new Date(t0.getTime() + DAY));
    expect(await waivers()).toEqual(first);
  });

  it('lists a resource whose waiver expired as a violation, with the waiver, and reports waivers that do nothing', async () => {
    const { report } = await run(brokenWorld(), new MemoryStateStore(), t0);
    const gp3 = byKey(report.findings)[`gp3-only:${A}:alpha`];
    const entries = listed<{ resourceId: string; waiver?: { status: string } }>(gp3);
    expect(entries.find((e) => e.resourceId === 'vol-waived')?.waiver?.status).toBe('expired');
    expect(entries.find((e) => e.resourceId === 'vol-gp2')?.waiver).toBeUndefined();
    const stale = report.findings.find((f) => f.rule === 'stale-waivers');
    expect(stale?.owner).toEqual({ team: 'finops', source: 'config' });
    expect(stale?.evidence.waivers).toEqual([
      expect.objectContaining({
        path: 'costPolicy.waivers[1]',
        status: 'unknown-rule',
        rule: 'removed-rule',
      }),
    ]);
  });

  it('escalates from first-seen memory exactly as tag violations do, capped by the rule severity', async () => {
    const state = new MemoryStateStore();
    const w = brokenWorld();
    await run(w, state, t0);
    const later = await run(w, state, new Date(t0.getTime() + 8 * DAY));
    const web = byKey(later.report.findings)[`approved-types:${A}:web`];
    expect(web?.severity).toBe('warning');
    expect(listed<{ firstSeen: string }>(web)[0]?.firstSeen).toBe(t0.toISOString());
    expect(
      later.events.some(
        (e) => e.dedupkey === `cost-policy:approved-types:${A}:web` && e.severity === 'warning',
      ),
    ).toBe(true);
    const escalated = await run(w, state, new Date(t0.getTime() + 31 * DAY));
    expect(byKey(escalated.report.findings)[`approved-types:${A}:web`]?.severity).toBe('error');
    expect(capSeverity({ severity: 'error', status: 'escalated', deadline: '' }, 'warning')).toBe('warning');
    expect(capSeverity({ severity: 'warning', status: 'overdue', deadline: '' }, 'info')).toBe('info');
    expect(capSeverity({ severity: 'error', status: 'escalated', deadline: '' }, 'critical')).toBe(
      'critical',
    );
  });

  it('a failed query is a scan gap per rule of its kind, holds that kind open, and the other kinds are judged', async () => {
    const state = new MemoryStateStore();
    const w = brokenWorld();
    await run(w, state, t0);
    // Fix the instances and the volumes, and break the instance query.
    w.rows = w.rows.map((r) =>
      r.replace('m5.24xlarge', 't4g.large').replace('c5.large', 't4g.small').replaceAll('gp2', 'gp3'),
    );
    w.failQueries['allowed-instance-types'] = 'ThrottlingException';
    const { report, events } = await run(w, state, new Date(t0.getTime() + DAY));
    const gap = report.findings.find((f) => f.type === 'guardrail.scan-gap');
    expect(gap?.scope).toBe('policy/approved-types');
    // It counts the digests it holds: alpha's and web's in account A.
    expect(gap?.evidence).toMatchObject({ errorName: 'ThrottlingException', openFindingsKept: 2 });
    expect(gap?.summary).toContain('allowed-instance-types');
    // The instance digests are neither resolved nor re-sent: the query that would judge them failed.
    const resolved = events.filter((e) => e.action === 'resolve').map((e) => e.dedupkey);
    expect(resolved).toEqual([`cost-policy:gp3-only:${A}:alpha`]);
    expect(report.heldOpen).toBeGreaterThanOrEqual(2);
    // Their first-seen dates survive: once the query works, they are not new again.
    w.failQueries = {};
    w.rows.push(instance(A, 'i-big2', 'm5.24xlarge'));
    const after = await run(w, state, new Date(t0.getTime() + 9 * DAY));
    const alpha = byKey(after.report.findings)[`approved-types:${A}:alpha`];
    expect(listed<{ firstSeen: string }>(alpha)[0]?.firstSeen).toBe(
      new Date(t0.getTime() + 9 * DAY).toISOString(),
    );
    expect(after.events.filter((e) => e.action === 'resolve').map((e) => e.dedupkey)).toContain(
      `cost-policy:approved-types:${A}:web`,
    );
    expect(after.report.findings.some((f) => f.type === 'guardrail.scan-gap')).toBe(false);
  });

  it('without Config at all, says which rules it could not judge rather than nothing', async () => {
    const w = brokenWorld();
    for (const id of plannedQueries(policyOf(config)).map((q) => q.id))
      w.failQueries[id] = 'NoSuchConfigurationAggregatorException';
    const { report } = await run(w, new MemoryStateStore(), t0);
    expect(digests(report.findings)).toEqual([]);
    expect(
      report.findings
        .filter((f) => f.type === 'guardrail.scan-gap')
        .map((f) => f.scope)
        .sort(),
    ).toEqual(['policy/approved-types', 'policy/gp3-only', 'policy/logs-expire', 'policy/no-nat-in-dev']);
    // Nothing can be said about waivers either.
    expect(report.findings.some((f) => f.rule === 'stale-waivers')).toBe(false);
  });

  it("a failed log-group read holds that account's log-retention digest, and never calls its functions compliant", async () => {
    const state = new MemoryStateStore();
    const w = brokenWorld();
    await run(w, state, t0);
    w.failLogs = [B];
    const { report, events } = await run(w, state, new Date(t0.getTime() + DAY));
    const logGap = report.findings.find((f) => f.type === 'guardrail.scan-gap');
    expect(logGap?.scope).toBe(`${B}/us-east-1/log-groups`);
    // It holds B's log-retention digest, and only that one.
    expect(logGap?.evidence.openFindingsKept).toBe(1);
    expect(byKey(report.findings)[`logs-expire:${B}:finops`]).toBeUndefined();
    expect(events.filter((e) => e.action === 'resolve')).toEqual([]);
    expect(report.metrics.PolicyUnresolved).toBe(2);
  });

  it('a region the aggregator does not hold is a gap, and holds every digest rather than judge a partial view', async () => {
    const state = new MemoryStateStore();
    const w = brokenWorld();
    await run(w, state, t0);
    // The violations are fixed in the rows the aggregator still has, but it lost us-east-1.
    w.rows = w.rows.map((r) => r.replace('m5.24xlarge', 't4g.large'));
    w.uncovered = [
      { region: 'us-east-1', reason: 'the aggregator org last failed to collect us-east-1: FAILED' },
    ];
    const { report, events } = await run(w, state, new Date(t0.getTime() + DAY));
    expect(report.findings.filter((f) => f.type === 'guardrail.scan-gap').map((f) => f.scope)).toEqual([
      'policy/aggregator/us-east-1',
    ]);
    // Every open digest is held, and the gap says how many.
    expect(report.findings.find((f) => f.type === 'guardrail.scan-gap')?.evidence.openFindingsKept).toBe(5);
    expect(events.filter((e) => e.action === 'resolve')).toEqual([]);
    expect(digests(report.findings)).toEqual([]);
    w.uncovered = 'unreadable';
    const unreadable = await run(w, state, new Date(t0.getTime() + 2 * DAY));
    expect(unreadable.report.findings.find((f) => f.type === 'guardrail.scan-gap')?.evidence).toMatchObject({
      errorName: 'AccessDeniedException',
    });
    // Unknown coverage resolves nothing, not even the region's own gap.
    expect(unreadable.events.filter((e) => e.action === 'resolve')).toEqual([]);
    w.uncovered = [];
    const back = await run(w, state, new Date(t0.getTime() + 3 * DAY));
    expect(back.events.filter((e) => e.action === 'resolve').map((e) => e.dedupkey)).toContain(
      `cost-policy:approved-types:${A}:alpha`,
    );
  });

  it('a bad row fails only its query, naming the row', async () => {
    const w = brokenWorld();
    w.rows.push(JSON.stringify({ resourceType: 'AWS::EC2::Volume', configuration: {} }));
    const { report } = await run(w, new MemoryStateStore(), t0);
    const gap = report.findings.find((f) => f.type === 'guardrail.scan-gap');
    expect(gap?.scope).toBe('policy/gp3-only');
    expect(gap?.evidence.input).toMatch(/^Results\[\d+\]/);
    expect(Object.keys(byKey(report.findings))).toContain(`approved-types:${A}:web`);
  });
});
