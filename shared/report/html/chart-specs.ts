/**
 * The charts of the HTML report, as data: what each draws (for the page's
 * script), its title, a sentence that says what it shows (its text
 * alternative) and the same data as a table (its fallback). Pure.
 */
import type { CostSeriesEntry } from '../../checks/cost-anomaly/report-snapshot.js';
import { day, millis, pct, usd } from '../format.js';
import type { ProbeRound, ProbeSection, ReportData } from '../report-data.js';

export type ChartKind =
  | 'coverage-accounts'
  | 'coverage-trend'
  | 'cost-band'
  | 'unit-cost'
  | 'slo-days'
  | 'probe-rounds';
export type ChartSection = 'coverage' | 'costs' | 'probes';

export interface ChartSpec {
  readonly id: string;
  readonly kind: ChartKind;
  readonly section: ChartSection;
  /** Charts of one series share a heading. */
  readonly group?: string;
  readonly title: string;
  /** The text alternative: what a person would take from the chart. */
  readonly description: string;
  /** What the page's script draws; plain JSON. */
  readonly data: Record<string, unknown>;
  readonly table: { readonly columns: readonly string[]; readonly rows: ReadonlyArray<readonly string[]> };
}

const pct100 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function coverageCharts(data: ReportData): ChartSpec[] {
  const c = data.coverage;
  if (!c) return [];
  const charts: ChartSpec[] = [];
  const scorecard = [
    ...(c.org ? [{ ...c.org, label: 'organization' }] : []),
    ...c.accounts.map((a) => ({ ...a, label: a.name })),
  ];
  if (scorecard.length > 0) {
    const below = c.accounts.filter((a) => (a.byCount ?? 1) < c.objective || (a.bySpend ?? 1) < c.objective);
    charts.push({
      id: 'coverage-accounts',
      kind: 'coverage-accounts',
      section: 'coverage',
      title: 'Tag coverage by count and by spend, per account',
      description: `Coverage of ${c.accounts.length} account(s) against the ${pct(c.objective)} objective. ${
        below.length === 0
          ? 'Every account meets it.'
          : `Below it: ${below.map((a) => `${a.name} (${pct(a.byCount)} by count, ${pct(a.bySpend)} by spend)`).join('; ')}.`
      }`,
      data: {
        objective: pct100(c.objective),
        rows: scorecard.flatMap((e) =>
          (['byCount', 'bySpend'] as const).flatMap((measure) =>
            e[measure] === null
              ? []
              : [
                  {
                    account: e.label,
                    measure: measure === 'byCount' ? 'by count' : 'by spend',
                    value: pct100(e[measure]),
                  },
                ],
          ),
        ),
      },
      table: {
        columns: ['Account', 'By count', 'By spend', 'Untagged $ (30 days)'],
        rows: scorecard.map((e) => [e.label, pct(e.byCount), pct(e.bySpend), usd(e.untaggedUsd)]),
      },
    });
  }
  const series = [
    ...(c.history.org.length > 0 ? [{ name: 'organization', days: c.history.org }] : []),
    ...c.history.accounts.filter((a) => a.days.length > 0).map((a) => ({ name: a.name, days: a.days })),
  ];
  const days = [...new Set(series.flatMap((s) => s.days.map((d) => d.day)))].sort();
  if (days.length > 0) {
    const org = c.history.org;
    const first = org[0];
    const last = org[org.length - 1];
    charts.push({
      id: 'coverage-trend',
      kind: 'coverage-trend',
      section: 'coverage',
      title: 'Tag coverage over time',
      description: `Daily coverage by count and by spend over ${days.length} day(s), ${days[0]} to ${days[days.length - 1]}, for ${series.length} series against the ${pct(c.objective)} objective.${
        first && last && first !== last
          ? ` Organization by count: ${pct(first.byCount)} on ${first.day}, ${pct(last.byCount)} on ${last.day}.`
          : ''
      }`,
      data: {
        objective: pct100(c.objective),
        rows: series.flatMap((s) =>
          s.days.flatMap((d) =>
            (['byCount', 'bySpend'] as const).flatMap((measure) =>
              d[measure] === null
                ? []
                : [
                    {
                      day: d.day,
                      series: s.name,
                      measure: measure === 'byCount' ? 'by count' : 'by spend',
                      value: pct100(d[measure]),
                    },
                  ],
            ),
          ),
        ),
      },
      table: {
        columns: ['Day', ...series.flatMap((s) => [`${s.name} by count`, `${s.name} by spend`])],
        rows: days.map((d) => [
          d,
          ...series.flatMap((s) => {
            const point = s.days.find((p) => p.day === d);
            return [pct(point?.byCount), pct(point?.bySpend)];
          }),
        ]),
      },
    });
  }
  return charts;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'series'
  );
}

function costCharts(entry: CostSeriesEntry, index: number): ChartSpec[] {
  const id = `${index}-${slug(entry.subject)}`;
  const a = entry.anomaly;
  const group = a
    ? `${entry.subject}: ${a.class}, ${usd(a.usdPerMonth)} a month`
    : `${entry.subject}: no active anomaly`;
  const charts: ChartSpec[] = [];
  if (entry.days.length > 0) {
    const flagged = entry.days.filter((d) => d[5] === 1);
    const lastDay = [...entry.days].reverse().find((d) => d[1] !== null);
    charts.push({
      id: `cost-${id}`,
      kind: 'cost-band',
      section: 'costs',
      group,
      title: `${entry.subject}: daily cost and expected band`,
      description: `Daily cost of ${entry.subject} over ${entry.days.length} days with the detector's expected band. ${
        flagged.length === 0
          ? 'No day is anomalous.'
          : `${flagged.length} anomalous day(s), ${flagged[0]?.[0]} to ${flagged[flagged.length - 1]?.[0]}${a ? `, classed ${a.class}, ${usd(a.usdPerMonth)} a month` : ''}.`
      }${lastDay ? ` Last complete day ${lastDay[0]}: ${usd(lastDay[1])} against ${usd(lastDay[2])} expected.` : ''}`,
      data: {
        rows: entry.days.map(([d, actual, expected, lower, upper, anomaly]) => ({
          day: d,
          actual,
          expected,
          lower,
          upper,
          anomaly,
        })),
        ...(a?.start && { start: a.start }),
      },
      table: {
        columns: ['Day', 'Actual', 'Expected', 'Band low', 'Band high', 'Anomalous'],
        rows: entry.days.map(([d, actual, expected, lower, upper, anomaly]) => [
          d,
          usd(actual),
          usd(expected),
          usd(lower),
          usd(upper),
          anomaly ? 'yes' : '',
        ]),
      },
    });
  }
  const unit = entry.unitCost;
  if (unit && unit.days.length > 0) {
    const first = unit.days[0];
    const last = unit.days[unit.days.length - 1];
    charts.push({
      id: `unit-${id}`,
      kind: 'unit-cost',
      section: 'costs',
      group,
      title: `${entry.subject}: unit cost (${unit.unit})`,
      description: `Daily unit cost of ${entry.subject} in ${unit.unit}: ${first?.[1]} on ${first?.[0]}, ${last?.[1]} on ${last?.[0]}.${a?.unitCost?.change !== null && a?.unitCost?.change !== undefined ? ` During the anomaly it moved ${Math.round(a.unitCost.change * 100)}%.` : ''}`,
      data: {
        unit: unit.unit,
        rows: unit.days.map(([d, value]) => ({ day: d, value })),
        ...(a?.start && { start: a.start }),
      },
      table: { columns: ['Day', unit.unit], rows: unit.days.map(([d, value]) => [d, String(value)]) },
    });
  }
  const slos = entry.slos ?? [];
  const sloDays = slos.flatMap((s) =>
    s.days.map(([d, value, met]) => ({ day: d, slo: s.name, value, met: met === 1 })),
  );
  if (sloDays.length > 0) {
    const breached = slos.map((s) => ({ name: s.name, bad: s.days.filter((d) => d[2] === 0) }));
    charts.push({
      id: `slo-${id}`,
      kind: 'slo-days',
      section: 'costs',
      group,
      title: `${entry.subject}: SLO status per day`,
      description: `Each day of ${slos.length} SLO(s) of ${entry.subject}, met or breached. ${breached
        .map((s) =>
          s.bad.length === 0
            ? `${s.name}: met every day.`
            : `${s.name}: breached on ${s.bad.length} day(s), last ${s.bad[s.bad.length - 1]?.[0]}.`,
        )
        .join(' ')}`,
      data: {
        rows: sloDays,
        objectives: slos.map((s) => ({ slo: s.name, text: `${s.comparison} ${s.threshold}` })),
        ...(a?.start && { start: a.start }),
      },
      table: {
        columns: ['Day', ...slos.map((s) => `${s.name} (${s.comparison} ${s.threshold})`)],
        rows: [...new Set(sloDays.map((d) => d.day))].sort().map((d) => [
          d,
          ...slos.map((s) => {
            const found = s.days.find((x) => x[0] === d);
            return found ? `${found[1]} ${found[2] ? 'met' : 'BREACHED'}` : '—';
          }),
        ]),
      },
    });
  }
  return charts;
}

/**
 * A round's time split into stacked phases: DNS, connect and TLS as
 * measured, `wait` up to the response headers (TTFB counts from the start
 * of the final hop, like curl's time_starttransfer), `transfer` the rest of
 * the total (the body, and any redirects before the final hop).
 */
export function phasesOf(r: ProbeRound): Record<'dns' | 'connect' | 'tls' | 'wait' | 'transfer', number> {
  const round1 = (x: number) => Math.max(0, Math.round(x * 10) / 10);
  const dns = r.dnsMs ?? 0;
  const connect = r.connectMs ?? 0;
  const tls = r.tlsMs ?? 0;
  const ttfb = r.ttfbMs ?? dns + connect + tls;
  return {
    dns: round1(dns),
    connect: round1(connect),
    tls: round1(tls),
    wait: round1(ttfb - dns - connect - tls),
    transfer: round1(r.totalMs - Math.max(ttfb, dns + connect + tls)),
  };
}

function probeChart(section: ProbeSection, index: number): ChartSpec[] {
  const { probe, rounds } = section;
  if (rounds.length === 0) return [];
  const failed = rounds.filter((r) => !r.ok).length;
  const totals = rounds.map((r) => r.totalMs);
  return [
    {
      id: `probe-${index}-${slug(probe.name)}`,
      kind: 'probe-rounds',
      section: 'probes',
      title: `${probe.name}: latency and result of the last ${rounds.length} round(s)`,
      description: `${probe.name} (${probe.url}) from ${probe.location}: ${rounds.length - failed} of ${rounds.length} round(s) passed, from ${rounds[0]?.at.slice(0, 16)}Z to ${rounds[rounds.length - 1]?.at.slice(0, 16)}Z; total latency ${millis(Math.min(...totals))} to ${millis(Math.max(...totals))}${probe.latencyObjectiveMs !== undefined ? ` against a ${probe.latencyObjectiveMs} ms objective` : ''}.`,
      data: {
        ...(probe.latencyObjectiveMs !== undefined && { objective: probe.latencyObjectiveMs }),
        rows: rounds.map((r) => ({ at: r.at, ok: r.ok, totalMs: r.totalMs, phases: phasesOf(r) })),
      },
      table: {
        columns: [
          'Round',
          'Result',
          'Status',
          'Total',
          'DNS',
          'Connect',
          'TLS',
          'TTFB',
          'Cert days left',
          'Failure',
        ],
        rows: rounds.map((r) => [
          `${day(r.at)} ${r.at.slice(11, 19)}Z`,
          r.ok ? 'pass' : 'FAIL',
          r.status === undefined ? '—' : String(r.status),
          millis(r.totalMs),
          millis(r.dnsMs),
          millis(r.connectMs),
          millis(r.tlsMs),
          millis(r.ttfbMs),
          r.certDaysLeft === undefined ? '—' : String(r.certDaysLeft),
          r.failure ?? '',
        ]),
      },
    },
  ];
}

/** Every chart of the report, by section, in reading order. */
export function chartSpecs(data: ReportData): ChartSpec[] {
  return [
    ...coverageCharts(data),
    ...data.costs.flatMap((entry, i) => costCharts(entry, i)),
    ...data.probes.flatMap((section, i) => probeChart(section, i)),
  ];
}
