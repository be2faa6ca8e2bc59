import { s3ConsoleUrl } from '../adapters/aws/s3-console-url.js';
import type { ProgressLog, StateStore } from '../core/ports.js';
import type { LambdaPorts } from './lambda-env.js';

/** Where the deployed functions write the report in the results bucket. */
export const REPORT_KEYS = { html: 'reports/latest.html', json: 'reports/latest.json' } as const;

/** Writes the latest report of a state somewhere people can open it. */
export interface ReportPublisher {
  /** Where people open it; findings link to it (`links.report`). */
  readonly url: string;
  /** Renders the state's report as of `now` and writes it; returns the keys written. */
  publish(state: StateStore, now: Date, log: ProgressLog): Promise<string[]>;
}

/**
 * The publisher the stack configures through REPORTS_BUCKET, or none. The
 * renderer, the chart library and the S3 client load on the first publish,
 * after the run delivered, so they add nothing to a cold start.
 */
export function reportPublisherFromEnv(env: NodeJS.ProcessEnv = process.env): ReportPublisher | undefined {
  const bucket = env.REPORTS_BUCKET;
  if (!bucket) return undefined;
  const region = env.AWS_REGION ?? 'us-east-1';
  return {
    url: s3ConsoleUrl(bucket, region, REPORT_KEYS.html),
    async publish(state, now, log) {
      const { bucketReportPublisher } = await import('./report-publisher.js');
      return bucketReportPublisher(bucket, region).publish(state, now, log);
    },
  };
}

/**
 * The ports of a tooling function that writes the report: the tag-coverage,
 * aggregate and cost-anomaly handlers. The probe does not: its state lives in
 * the observer account, and its bundle stays without the report writer.
 */
export function withReportPublisher(ports: LambdaPorts, env: NodeJS.ProcessEnv = process.env): LambdaPorts {
  const report = reportPublisherFromEnv(env);
  return report ? { ...ports, report } : ports;
}
