/**
 * The report's tables, format-neutral: each cell has a raw value (for CSV
 * and JSON: numbers stay numbers, shares stay 0–1) and a display text (for
 * the terminal, Markdown and HTML). Every format renders these.
 */
import { day, millis, pct, unitCost, usd } from './format.js';
import type { ReportData } from './report-data.js';

export type Raw = string | number | boolean | null;

export interface Column {
  readonly label: string;
  /** Numbers align right. */
  readonly numeric?: boolean;
  /** The one column that takes the width left over (and is cut at a word) in a terminal. */
  readonly flexible?: boolean;
  /** Never narrowed in a terminal: ids and dates are useless cut. */
  readonly keep?: boolean;
}

export interface Cell {
  readonly raw: Raw;
  readonly text: string;
}

export interface ReportTable {
  readonly id: TableId;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** Said instead of an empty table. */
  readonly empty: string;
}

export const TABLE_IDS = [
  'findings',
  'coverage',
  'owners',
  'keys',
  'anomalies',
  'probes',
  'waivers',
] as const;
export type TableId = (typeof TABLE_IDS)[number];

const cell = (raw: Raw, text?: string): Cell => ({ raw, text: text ?? (raw === null ? '—' : String(raw)) });
const share = (x: number | null | undefined) => cell(x ?? null, pct(x));
const money = (x: number | null | undefined) => cell(x === undefined ? null : x, usd(x));

function findingsTable(data: ReportData): ReportTable {
  return {
    id: 'findings',
    title: 'Open findings',
    columns: [
      { label: 'Severity' },
      { label: 'Type' },
      { label: 'Owner' },
      { label: 'Account' },
      { label: '$/month', numeric: true },
      { label: 'First seen' },
      { label: 'Deadline' },
      { label: 'Age', numeric: true },
      { label: 'Summary', flexible: true },
    ],
    rows: data.findings.map((f) => [
      cell(f.severity),
      cell(f.type),
      cell(f.owner),
      cell(f.account ?? null),
      money(f.usdPerMonth),
      cell(f.firstSeen, day(f.firstSeen)),
      cell(
        f.deadline ?? null,
        f.deadline ? `${day(f.deadline)}${f.deadline < data.asOf ? ' past' : ''}` : '—',
      ),
      cell(f.ageDays, `${f.ageDays}d`),
      cell(f.summary),
    ]),
    empty: 'No open findings.',
  };
}

function coverageTable(data: ReportData): ReportTable {
  const c = data.coverage;
  const rows = c ? [...(c.org ? [c.org] : []), ...c.accounts] : [];
  return {
    id: 'coverage',
    title: c ? `Tag coverage per account (objective ${pct(c.objective)})` : 'Tag coverage per account',
    columns: [
      { label: 'Account' },
      { label: 'Account id', keep: true },
      { label: 'Owner' },
      { label: 'Resources', numeric: true },
      { label: 'By count', numeric: true },
      { label: 'By spend', numeric: true },
      { label: 'Untagged $/30d', numeric: true },
      { label: 'Meets' },
    ],
    rows: rows.map((e) => {
      const meets =
        (e.byCount === null || e.byCount >= e.objective) && (e.bySpend === null || e.bySpend >= e.objective);
      return [
        cell(e.scope === 'org' ? `${e.name}${e.partial ? ' (partial)' : ''}` : e.name),
        cell(e.accountId ?? null),
        cell(e.owner ?? null),
        cell(e.taggable),
        share(e.byCount),
        share(e.bySpend),
        money(e.untaggedUsd),
        cell(meets, meets ? 'yes' : 'NO'),
      ];
    }),
    empty:
      'No tag coverage recorded (tag-coverage has not run on this state, or no tag policy is configured).',
  };
}

function ownersTable(data: ReportData): ReportTable {
  return {
    id: 'owners',
    title: 'Tag coverage per owner (by count)',
    columns: [
      { label: 'Owner' },
      { label: 'Resources', numeric: true },
      { label: 'By count', numeric: true },
    ],
    rows: (data.coverage?.owners ?? []).map((o) => [cell(o.team), cell(o.taggable), share(o.byCount)]),
    empty: 'No owners recorded.',
  };
}

function keysTable(data: ReportData): ReportTable {
  return {
    id: 'keys',
    title: 'Tag coverage per required key (organization)',
    columns: [
      { label: 'Tag key' },
      { label: 'By count', numeric: true },
      { label: 'By spend', numeric: true },
      { label: 'Untagged $/30d', numeric: true },
    ],
    rows: (data.coverage?.org?.byKey ?? []).map((k) => [
      cell(k.key),
      share(k.byCount),
      share(k.bySpend),
      money(k.untaggedUsd),
    ]),
    empty: 'No per-key coverage recorded.',
  };
}

/** The last part of an ARN or path: `cluster/j-1ABC` of `arn:aws:elasticmapreduce:…:cluster/j-1ABC`. */
function shortResource(id: string): string {
  const parts = id.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : id;
}

function anomaliesTable(data: ReportData): ReportTable {
  return {
    id: 'anomalies',
    title: 'Cost anomalies',
    columns: [
      { label: 'Series' },
      { label: 'Owner' },
      { label: 'Class' },
      { label: 'Severity' },
      { label: 'Impact $/month', numeric: true },
      { label: 'Since', keep: true },
      { label: 'Unit cost before → after' },
      { label: 'Top drivers', flexible: true },
    ],
    rows: data.costs.flatMap((s) => {
      const a = s.anomaly;
      if (!a) return [];
      const unit = a.unitCost;
      const change = unit?.change;
      return [
        [
          cell(s.subject),
          cell(s.owner ?? null),
          cell(a.class),
          cell(a.severity),
          money(a.usdPerMonth),
          cell(a.start ?? null, day(a.start)),
          cell(
            unit ? `${unit.before ?? ''}→${unit.after ?? ''}` : null,
            unit
              ? `${unitCost(unit.before)} → ${unitCost(unit.after)}${change !== null && change !== undefined ? ` (${change >= 0 ? '+' : ''}${Math.round(change * 100)}%)` : ''} ${unit.unit.replace(/^USD /, '')}`
              : '—',
          ),
          cell(
            a.drivers
              .map(
                (d) =>
                  `${d.usageType} in ${d.region}${d.resourceId ? ` (${shortResource(d.resourceId)})` : ''} ${Math.round(d.share * 100)}%`,
              )
              .join('; ') || null,
          ),
        ],
      ];
    }),
    empty: 'No cost anomaly is active.',
  };
}

function probesTable(data: ReportData): ReportTable {
  return {
    id: 'probes',
    title: 'Probes: last round',
    columns: [
      { label: 'Probe' },
      { label: 'URL' },
      { label: 'Last result' },
      { label: 'At', keep: true },
      { label: 'Status', numeric: true },
      { label: 'Total', numeric: true },
      { label: 'DNS', numeric: true },
      { label: 'Connect', numeric: true },
      { label: 'TLS', numeric: true },
      { label: 'TTFB', numeric: true },
      { label: 'Cert days left', numeric: true },
      { label: 'Passed (recent rounds)', numeric: true },
      { label: 'Failure', flexible: true },
    ],
    rows: data.probes.map(({ probe, rounds }) => {
      const last = rounds[rounds.length - 1];
      const passed = rounds.filter((r) => r.ok).length;
      return [
        cell(probe.name),
        cell(probe.url),
        cell(last ? (last.ok ? 'pass' : 'FAIL') : null),
        cell(last?.at ?? null, last ? `${last.at.slice(11, 19)}Z` : '—'),
        cell(last?.status ?? null),
        cell(last?.totalMs ?? null, millis(last?.totalMs)),
        cell(last?.dnsMs ?? null, millis(last?.dnsMs)),
        cell(last?.connectMs ?? null, millis(last?.connectMs)),
        cell(last?.tlsMs ?? null, millis(last?.tlsMs)),
        cell(last?.ttfbMs ?? null, millis(last?.ttfbMs)),
        cell(last?.certDaysLeft ?? null),
        cell(rounds.length === 0 ? null : passed / rounds.length, `${passed}/${rounds.length}`),
        cell(last?.failure ?? null),
      ];
    }),
    empty: 'No probe rounds recorded.',
  };
}

/** What each waiver status means to the person who wrote it. */
const WAIVER_STATUS: Readonly<Record<string, string>> = {
  applied: 'in force',
  expired: 'EXPIRED: a violation again',
  unused: 'nothing to waive',
  'unknown-rule': 'no such rule',
  'no-matching-resource': 'no matching resource',
};

function waiversTable(data: ReportData): ReportTable {
  return {
    id: 'waivers',
    title: 'Cost-policy waivers',
    columns: [
      { label: 'Waiver', keep: true },
      { label: 'Rule' },
      { label: 'Resource' },
      { label: 'Expires', keep: true },
      { label: 'Status' },
      { label: 'Waived', numeric: true },
      { label: 'Reason', flexible: true },
    ],
    rows: (data.waivers ?? []).map((w) => [
      cell(w.path),
      cell(w.rule),
      cell(w.resource),
      cell(w.expires),
      cell(w.status, WAIVER_STATUS[w.status] ?? w.status),
      cell(w.waivedCount),
      cell(w.reason),
    ]),
    empty: 'No waivers, or no cost-policy run has judged every rule yet.',
  };
}

/** Every table of the report, in reading order. */
export function reportTables(data: ReportData): ReportTable[] {
  return [
    findingsTable(data),
    coverageTable(data),
    ownersTable(data),
    keysTable(data),
    anomaliesTable(data),
    probesTable(data),
    waiversTable(data),
  ];
}
