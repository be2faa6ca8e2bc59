import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SEVERITIES } from '../../shared/core/severity.js';

/** The namespace of every metric the functions publish (shared/runtime/middleware.ts). */
export const METRICS_NAMESPACE = 'FinopsGuardrails';
const DAY = Duration.days(1);

/**
 * A run metric as Powertools publishes it from `runInLambda`: dimensions
 * `service` (the function's POWERTOOLS_SERVICE_NAME, a Powertools default
 * dimension) and `check` (added per run).
 */
export function runMetric(
  metricName: string,
  service: string,
  check: string,
  opts: { statistic?: string; period?: Duration; label?: string } = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, check },
    statistic: opts.statistic ?? 'Maximum',
    period: opts.period ?? DAY,
    ...(opts.label && { label: opts.label }),
  });
}

/**
 * A tag-coverage figure whichever function published it: the tag-coverage
 * function in process, or the aggregator after a fan-out. Only one of them
 * reports a given run, so the larger of the two is that run's value.
 */
export function tagCoverageMetric(metricName: string, services: readonly string[], label: string): IMetric {
  if (services.length === 1)
    return runMetric(metricName, services[0] ?? 'tag-coverage', 'tag-coverage', { label });
  const usingMetrics = Object.fromEntries(
    services.map((service, i) => [
      `${metricName.toLowerCase()}${i}`,
      runMetric(metricName, service, 'tag-coverage'),
    ]),
  );
  return new MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label,
    period: DAY,
  });
}

/** Props of the {@link GuardrailsDashboard}. */
export interface GuardrailsDashboardProps {
  readonly dashboardName?: string;
  /** Services (POWERTOOLS_SERVICE_NAME) that publish tag-coverage run metrics: `tag-coverage`, and `aggregate` with the fan-out. */
  readonly tagCoverageServices: readonly string[];
  /** Whether cost-anomaly is deployed. */
  readonly costAnomaly: boolean;
  /** Every function of the stack, by name, for errors and duration. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly incidentQueue?: IQueue;
  readonly deadLetterQueue?: IQueue;
  readonly scheduleDeadLetterQueue: IQueue;
  readonly fanOut?: IStateMachine;
  /** Where the probe's own dashboard is (its metrics live in the observer account). */
  readonly probeDashboardNote?: string;
  /** The latest HTML report in the results bucket (its S3 console page): linked at the top. */
  readonly reportUrl?: string;
}

/**
 * The guardrails' own dashboard in the tooling account: tag coverage by
 * count and by spend, untagged spend, findings by severity and cost
 * anomalies, scan gaps, function errors and duration, queue depth and age,
 * and the fan-out's executions.
 */
export class GuardrailsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: GuardrailsDashboardProps) {
    super(scope, id);
    const services = props.tagCoverageServices;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName && { dashboardName: props.dashboardName }),
      defaultInterval: Duration.days(30),
    });
    if (props.reportUrl) {
      this.dashboard.addWidgets(
        new TextWidget({
          markdown: `**[Latest report](${props.reportUrl})**: open findings, tag coverage per account and over time, cost anomalies with their expected bands, unit cost and SLOs. One HTML file in the results bucket (reports/latest.html), rewritten by every run: open it from the S3 console.`,
          width: 24,
          height: 2,
        }),
      );
    }

    if (services.length > 0) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Tag coverage (org, per run)',
          left: [
            tagCoverageMetric('CoverageByCount', services, 'by count'),
            tagCoverageMetric('CoverageBySpend', services, 'by spend'),
          ],
          leftYAxis: { min: 0, max: 1 },
          width: 8,
        }),
        new GraphWidget({
          title: 'Untagged spend (USD, per run)',
          left: [tagCoverageMetric('UntaggedSpendUsd', services, 'untagged spend')],
          width: 8,
        }),
        new SingleValueWidget({
          title: 'Latest coverage',
          metrics: [
            tagCoverageMetric('CoverageByCount', services, 'by count'),
            tagCoverageMetric('CoverageBySpend', services, 'by spend'),
          ],
          width: 8,
        }),
      );
    }

    const checks: Array<{ service: string; check: string }> = [
      ...services.map((service) => ({ service, check: 'tag-coverage' })),
      ...(props.costAnomaly ? [{ service: 'cost-anomaly', check: 'cost-anomaly' }] : []),
    ];
    const findingsWidgets = [
      new GraphWidget({
        title: 'Findings by severity (per run)',
        left: checks.flatMap(({ service, check }) =>
          SEVERITIES.map((severity) =>
            runMetric(`Findings_${severity}`, service, check, { label: `${service} ${severity}` }),
          ),
        ),
        stacked: true,
        width: 8,
      }),
      new GraphWidget({
        title: 'Scan gaps (scopes not fully observed, per run)',
        left: checks.map(({ service, check }) => runMetric('ScanGaps', service, check, { label: service })),
        width: 8,
      }),
    ];
    if (props.costAnomaly) {
      findingsWidgets.push(
        new GraphWidget({
          title: 'Cost anomalies (detector) and their impact',
          left: [runMetric('costAnomalies', 'cost-anomaly', 'cost-anomaly', { label: 'anomalies' })],
          right: [
            runMetric('costImpactUsdPerMonth', 'cost-anomaly', 'cost-anomaly', {
              label: 'impact USD/month',
            }),
          ],
          width: 8,
        }),
      );
    }
    this.dashboard.addWidgets(...findingsWidgets);

    const fns = [...props.functions.entries()];
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: fns.map(([name, fn]) => fn.metricErrors({ period: Duration.hours(1), label: name })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Function duration (p99)',
        left: fns.map(([name, fn]) =>
          fn.metricDuration({ period: Duration.hours(1), statistic: 'p99', label: name }),
        ),
        width: 12,
      }),
    );

    const queueMetrics: IMetric[] = [];
    const ageMetrics: IMetric[] = [];
    if (props.incidentQueue) {
      queueMetrics.push(
        props.incidentQueue.metricApproximateNumberOfMessagesVisible({ label: 'incident queue depth' }),
      );
      ageMetrics.push(
        props.incidentQueue.metricApproximateAgeOfOldestMessage({ label: 'incident queue oldest (s)' }),
      );
    }
    if (props.deadLetterQueue) {
      queueMetrics.push(
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'incident DLQ depth' }),
      );
    }
    queueMetrics.push(
      props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        label: 'schedule DLQ depth',
      }),
    );
    const queueWidgets = [
      new GraphWidget({ title: 'Queue depth', left: queueMetrics, statistic: 'Maximum', width: 12 }),
    ];
    if (ageMetrics.length > 0)
      queueWidgets.push(new GraphWidget({ title: 'Queue age', left: ageMetrics, width: 12 }));
    this.dashboard.addWidgets(...queueWidgets);

    if (props.fanOut) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Fan-out executions',
          left: [
            props.fanOut.metricStarted({ label: 'started', period: DAY }),
            props.fanOut.metricSucceeded({ label: 'succeeded', period: DAY }),
            props.fanOut.metricFailed({ label: 'failed', period: DAY }),
          ],
          right: [props.fanOut.metricTime({ label: 'duration (ms)', period: DAY, statistic: 'Maximum' })],
          width: 24,
        }),
      );
    }

    if (props.probeDashboardNote) {
      this.dashboard.addWidgets(new TextWidget({ markdown: props.probeDashboardNote, width: 24, height: 2 }));
    }
  }
}
