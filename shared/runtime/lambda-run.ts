import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LeaseHeldError } from '../core/errors.js';
import { runCheck } from '../core/pipeline.js';
import type { Check } from '../core/ports.js';
import { SEVERITIES } from '../core/severity.js';
import type { LambdaPorts } from './lambda-env.js';
import { lambdaLog, logger, metrics } from './middleware.js';
import { withReportLink } from './report-link.js';

/** What an invocation returns: small, so it reads well in the Lambda console and Step Functions. */
export interface InvocationSummary {
  readonly check: string;
  readonly findings: number;
  readonly events: number;
  readonly scanGaps: number;
  readonly heldOpen: number;
  /** Set when another run held the check's state lease, so this one did nothing. */
  readonly skipped?: string;
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
  let report: Awaited<ReturnType<typeof runCheck>>;
  try {
    const linked = ports.report ? withReportLink(check, ports.report.url) : check;
    report = await runCheck(linked, { ...ports, now, log: lambdaLog });
  } catch (error) {
    if (!(error instanceof LeaseHeldError)) throw error;
    // An overlapping invocation (a retry while the first still runs): it finishes the work, and a
    // lease left by a crashed run expires in time for the next schedule.
    metrics.addDimension('check', check.name);
    metrics.addMetric('LeaseHeld', MetricUnit.Count, 1);
    logger.warn('skipped: another run holds the state lease', { check: check.name, reason: error.message });
    return { check: check.name, findings: 0, events: 0, scanGaps: 0, heldOpen: 0, skipped: error.message };
  }
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
  if (ports.report) await publishReport(ports, check.name, now);
  logger.info('run complete', { ...summary });
  return summary;
}

/**
 * Writes the latest report after a run. Its findings are already delivered
 * and committed, so a failed write is a warning and a `ReportWriteFailed`
 * metric, never a failed run that a retry would repeat.
 */
async function publishReport(ports: LambdaPorts, check: string, now: Date): Promise<void> {
  try {
    const keys = (await ports.report?.publish(ports.state, now, lambdaLog)) ?? [];
    logger.info('report written', { check, keys });
  } catch (error) {
    metrics.addMetric('ReportWriteFailed', MetricUnit.Count, 1);
    logger.warn('could not write the report', { check, error: (error as Error).message });
  }
}
