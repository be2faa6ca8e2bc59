import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runCheck } from '../core/pipeline.js';
import type { Check } from '../core/ports.js';
import { SEVERITIES } from '../core/severity.js';
import type { LambdaPorts } from './lambda-env.js';
import { lambdaLog, logger, metrics } from './middleware.js';

/** What an invocation returns: small, so it reads well in the Lambda console and Step Functions. */
export interface InvocationSummary {
  readonly check: string;
  readonly findings: number;
  readonly events: number;
  readonly scanGaps: number;
  readonly heldOpen: number;
}

/**
 * Runs one check through the pipeline with the deployed ports and publishes
 * its figures as CloudWatch metrics (EMF) for the dashboard and alarms.
 */
export async function runInLambda(
  check: Check<unknown>,
  ports: LambdaPorts,
  now: Date,
): Promise<InvocationSummary> {
  const report = await runCheck(check, { ...ports, now, log: lambdaLog });
  metrics.addDimension('check', check.name);
  for (const severity of SEVERITIES) {
    metrics.addMetric(
      `Findings_${severity}`,
      MetricUnit.Count,
      report.findings.filter((f) => f.severity === severity).length,
    );
  }
  metrics.addMetric('EventsDelivered', MetricUnit.Count, report.events.length);
  metrics.addMetric('ScanGaps', MetricUnit.Count, report.scope.failed.length);
  for (const [name, value] of Object.entries(report.metrics))
    metrics.addMetric(name, MetricUnit.NoUnit, value);
  const summary = {
    check: check.name,
    findings: report.findings.length,
    events: report.events.length,
    scanGaps: report.scope.failed.length,
    heldOpen: report.heldOpen,
  };
  logger.info('run complete', { ...summary });
  return summary;
}
