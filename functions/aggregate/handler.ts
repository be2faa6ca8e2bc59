import { S3_SCAN_RESULTS_SOURCE } from '../../shared/adapters/aws/source-names.js';
import { type ScanResultSource, tagCoverageFromScans } from '../../shared/checks/tag-coverage/from-scans.js';
import { loadOnce } from '../../shared/core/load-once.js';
import { aggregateEventSchema } from '../../shared/runtime/fan-out.js';
import { lambdaPortsFromEnv } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { lazyAdapter } from '../../shared/runtime/lazy-adapter.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { withReportPublisher } from '../../shared/runtime/report-publisher-env.js';
import { awsTagSources } from '../../shared/runtime/tag-coverage-wiring.js';

// Cold start: config, state and queue; the directory, spend and results-bucket clients load on first use.
const ports = withReportPublisher(await lambdaPortsFromEnv());
const { directory, spend } = awsTagSources(ports.config);
const store = loadOnce(
  async () =>
    new (await import('../../shared/adapters/aws/scan-results-s3.js')).S3ScanResults({
      bucket: process.env.RESULTS_BUCKET ?? '',
    }),
);

/**
 * After the Distributed Map: reads every account's scan through the Map
 * run's ResultWriter manifest and runs the same evaluation and pipeline as
 * the in-process check, at the run's own `now`.
 */
export const handler = guardrailHandler(aggregateEventSchema, async (event) => {
  const scans = lazyAdapter<ScanResultSource, 'scanResults'>(
    async () => (await store()).fromMapRun(event.map.ResultWriterDetails),
    ['scanResults'],
    { name: S3_SCAN_RESULTS_SOURCE },
  );
  const check = tagCoverageFromScans({ directory, scans, ...(spend && { spend }) });
  return runInLambda(check as Parameters<typeof runInLambda>[0], ports, new Date(event.now));
});
