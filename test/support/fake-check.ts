import type { FindingInput } from '../../shared/core/finding.js';
import type { Check, ScopeReport } from '../../shared/core/ports.js';

/** A check whose world the test sets before each run. */
export interface FakeWorld {
  findings: FindingInput[];
  scope: ScopeReport;
}

export function fakeCheck(world: FakeWorld): Check<FakeWorld> {
  return {
    name: 'tag-coverage',
    collect: async () => ({ observations: world, scope: world.scope }),
    evaluate: (observations) => ({ findings: observations.findings }),
  };
}

export function violation(account: string, severity: FindingInput['severity'] = 'warning'): FindingInput {
  return {
    check: 'tag-coverage',
    rule: 'required-tags',
    type: 'tag.violation',
    identity: [account, 'team-a'],
    scope: `${account}/us-east-1`,
    severity,
    category: 'tagging',
    subject: `account ${account}`,
    origin: account,
    summary: `3 resources in ${account} miss required tags`,
    owner: { team: 'team-a', source: 'account-tag' },
    evidence: { resources: 3 },
  };
}

export const silentLog = { info: () => {}, warn: () => {} };
