import { S3ReportStore } from '../adapters/aws/report-s3.js';
import { s3ConsoleUrl } from '../adapters/aws/s3-console-url.js';
import { reportFromState } from '../report/from-state.js';
import { chartLibrary, type LibraryScript } from '../report/html/chart-library.js';
import { renderReportHtml } from '../report/html/render-html.js';
import { loadStates } from '../report/load-states.js';

import { REPORT_KEYS, type ReportPublisher } from './report-publisher-env.js';

export { REPORT_KEYS, type ReportPublisher } from './report-publisher-env.js';

export interface S3ReportPublisherOptions {
  readonly store: Pick<S3ReportStore, 'bucket' | 'put'>;
  readonly region: string;
  /** The chart library; default the one embedded in the bundle (see chart-library.ts). */
  readonly library?: () => readonly LibraryScript[];
}

/**
 * The report in the results bucket: `reports/latest.html` (self-contained,
 * with charts) and `reports/latest.json` (the same data), replaced by every
 * run of a tooling function. The page is built from the state table, so it
 * shows every check that keeps its state there.
 */
export function s3ReportPublisher(options: S3ReportPublisherOptions): ReportPublisher {
  const { store } = options;
  return {
    url: s3ConsoleUrl(store.bucket, options.region, REPORT_KEYS.html),
    async publish(state, now, log) {
      const data = reportFromState(await loadStates(state), {
        asOf: now,
        source: `the deployed guardrails' state (written to s3://${store.bucket}/${REPORT_KEYS.html})`,
      });
      let library: readonly LibraryScript[] = [];
      try {
        library = (options.library ?? chartLibrary)();
      } catch (error) {
        // A bundle built without the chart library still writes the report: tables, no charts.
        log.warn(
          `report: the chart library is not in this bundle, so the report has tables only: ${(error as Error).message}`,
        );
      }
      await store.put(REPORT_KEYS.html, renderReportHtml(data, { library }), 'text/html; charset=utf-8');
      await store.put(REPORT_KEYS.json, `${JSON.stringify(data)}\n`, 'application/json');
      return [REPORT_KEYS.html, REPORT_KEYS.json];
    },
  };
}

/** The S3 publisher of a bucket (the Lambda entry loads it on first use: see report-publisher-env.ts). */
export function bucketReportPublisher(bucket: string, region: string): ReportPublisher {
  return s3ReportPublisher({ store: new S3ReportStore({ bucket }), region });
}
