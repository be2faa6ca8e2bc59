import { SPEND_WINDOW_DAYS } from '../../shared/checks/tag-coverage/check.js';
import { count, percent, usdCents } from './figures.js';

/** What the footer needs from the config to put figures in context. */
export interface MetricContext {
  /** `tagPolicy.coverageObjective`, a share. */
  readonly coverageObjective?: number;
}

/**
 * A check's metrics as phrases people read: coverage as percentages against
 * the objective, dollars with separators, each probe up or down with its
 * latency. A metric this file does not know is shown as `name: value`.
 *
 * @example
 * describeMetrics({ CoverageByCount: 0.8936, CoverageBySpend: 0.9651 }, { coverageObjective: 0.95 });
 * // ['coverage 89.4% of resources and 96.5% of spend (objective 95%)']
 */
export function describeMetrics(metrics: Readonly<Record<string, number>>, context: MetricContext): string[] {
  const known = new Set<string>();
  const take = (name: string): number | undefined => {
    const value = metrics[name];
    if (value !== undefined) known.add(name);
    return value;
  };
  const phrases: string[] = [];

  const byCount = take('CoverageByCount');
  const bySpend = take('CoverageBySpend');
  if (byCount !== undefined || bySpend !== undefined) {
    const parts = [
      ...(byCount === undefined ? [] : [`${percent(byCount)} of resources`]),
      ...(bySpend === undefined ? [] : [`${percent(bySpend)} of spend`]),
    ];
    const objective =
      context.coverageObjective === undefined ? '' : ` (objective ${percent(context.coverageObjective)})`;
    phrases.push(`coverage ${parts.join(' and ')}${objective}`);
  }
  const untagged = take('UntaggedSpendUsd');
  if (untagged !== undefined)
    phrases.push(`${usdCents(untagged)} untagged spend in the last ${SPEND_WINDOW_DAYS} days`);
  const evaluated = take('ResourcesEvaluated');
  const nonCompliant = take('ResourcesNonCompliant');
  if (evaluated !== undefined)
    phrases.push(
      `${nonCompliant === undefined ? '' : `${count(nonCompliant)} of `}${count(evaluated)} resources break the policy`,
    );
  const digests = take('Digests');
  if (digests !== undefined) phrases.push(`${count(digests)} owner digests`);

  const judged = take('costSeriesJudged');
  const anomalies = take('costAnomalies');
  const impact = take('costImpactUsdPerMonth');
  if (judged !== undefined) phrases.push(`${count(judged)} cost series judged`);
  if (anomalies !== undefined)
    phrases.push(
      `${count(anomalies)} anomalies${impact === undefined ? '' : ` adding ${usdCents(impact)} a month`}`,
    );
  const held = take('costSeriesHeld');
  if (held) phrases.push(`${count(held)} cost series held for incomplete data`);

  const judgements = take('PolicyJudgements');
  const violations = take('PolicyViolations');
  const unresolved = take('PolicyUnresolved');
  if (judgements !== undefined)
    phrases.push(`${count(violations ?? 0)} of ${count(judgements)} cost-rule judgements are violations`);
  if (unresolved) phrases.push(`${count(unresolved)} could not be judged from what AWS Config records`);

  take('ProbeHeartbeat');
  const failing = take('ProbesFailing');
  const probes = probeStatuses(metrics, known);
  if (probes.length > 0 || failing !== undefined)
    phrases.push(
      `${count(failing ?? 0)} of ${probes.length} probes failing${probes.length ? `: ${probes.join(', ')}` : ''}`,
    );

  for (const [name, value] of Object.entries(metrics))
    if (!known.has(name)) phrases.push(`${name}: ${Number.isInteger(value) ? value : value.toFixed(4)}`);
  return phrases;
}

/** `demo-healthy up 23ms` for each probe, from `ProbeAvailability.<name>` and `ProbeLatencyMs.<name>`. */
function probeStatuses(metrics: Readonly<Record<string, number>>, known: Set<string>): string[] {
  const statuses: string[] = [];
  for (const [name, value] of Object.entries(metrics)) {
    const probe = /^ProbeAvailability\.(.+)$/.exec(name)?.[1];
    if (probe === undefined) continue;
    known.add(name);
    const latencyName = `ProbeLatencyMs.${probe}`;
    const latency = metrics[latencyName];
    if (latency !== undefined) known.add(latencyName);
    statuses.push(
      `${probe} ${value === 1 ? 'up' : 'down'}${latency === undefined ? '' : ` ${count(latency)}ms`}`,
    );
  }
  return statuses;
}
