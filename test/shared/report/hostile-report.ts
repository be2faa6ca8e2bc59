import type { ReportData } from '../../../shared/report/report-data.js';

/** Attacker-controlled strings: tag values, resource names, account names. */
export const HOSTILE = {
  owner: '<img src=x onerror=alert(1)>',
  account: '</script><script>alert(2)</script>',
  subject: `"'><svg onload=alert(3)>`,
  csv: `=cmd|' /C calc'!A0`,
  escape: '\u001b[2J\u001b[31mowned',
} as const;

/** A report whose every free-text field is hostile, for the escaping tests and the browser test. */
export function hostileReport(): ReportData {
  return {
    asOf: '2026-11-20T06:00:00.000Z',
    source: HOSTILE.subject,
    findings: [
      {
        dedupkey: 'tag-coverage:required-tags:111111111111:x',
        check: 'tag-coverage',
        type: 'tag.violation',
        severity: 'error',
        owner: HOSTILE.csv,
        account: '111111111111',
        usdPerMonth: 12,
        firstSeen: '2026-11-01T06:00:00.000Z',
        lastSeen: '2026-11-20T06:00:00.000Z',
        deadline: '2026-11-08T06:00:00.000Z',
        ageDays: 19,
        subject: HOSTILE.subject,
        summary: `${HOSTILE.owner} ${HOSTILE.account} ${HOSTILE.escape}`,
      },
    ],
    coverage: {
      objective: 0.95,
      requiredKeys: ['owner'],
      accounts: [
        {
          scope: 'account',
          accountId: '111111111111',
          name: HOSTILE.account,
          owner: HOSTILE.owner,
          taggable: 2,
          compliant: 1,
          byCount: 0.5,
          bySpend: 0.8,
          spendUsd: 100,
          untaggedUsd: 20,
          byKey: [{ key: HOSTILE.subject, byCount: 0.5, bySpend: 0.8, untaggedUsd: 20 }],
          objective: 0.95,
        },
      ],
      owners: [{ team: HOSTILE.owner, taggable: 2, compliant: 1, byCount: 0.5 }],
      history: {
        org: [],
        accounts: [
          {
            accountId: '111111111111',
            name: HOSTILE.account,
            days: [
              { day: '2026-11-19', byCount: 0.6, bySpend: 0.8, untaggedUsd: 20 },
              { day: '2026-11-20', byCount: 0.5, bySpend: 0.8, untaggedUsd: 20 },
            ],
          },
        ],
      },
    },
    costs: [
      {
        subject: HOSTILE.subject,
        owner: HOSTILE.owner,
        days: [
          ['2026-11-18', 100, 100, 80, 120, 0],
          ['2026-11-19', 300, 100, 80, 120, 1],
        ],
        anomaly: {
          dedupkey: 'cost-anomaly:detector:x:cost-only',
          class: 'cost-only',
          severity: 'warning',
          start: '2026-11-19',
          usdPerMonth: 6000,
          drivers: [{ usageType: HOSTILE.owner, region: HOSTILE.account, share: 1 }],
        },
      },
    ],
    probes: [
      {
        probe: {
          name: HOSTILE.owner,
          url: HOSTILE.subject,
          location: 'local',
          certDaysMin: 14,
          failureThreshold: 2,
          successThreshold: 2,
        },
        rounds: [
          { at: '2026-11-20T06:00:00.000Z', ok: false, status: 503, totalMs: 12, failure: HOSTILE.account },
        ],
      },
    ],
    notes: [HOSTILE.owner],
  };
}
