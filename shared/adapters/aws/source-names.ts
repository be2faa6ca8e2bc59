/**
 * The names the AWS sources report in `sources` and scan gaps, apart from
 * the adapters: a Lambda function names a source at its cold start but loads
 * the adapter (and its SDK client) on the first call (see `lazyAdapter`).
 */
export const COST_EXPLORER_SOURCE = 'cost-explorer';
export const CLOUDWATCH_SOURCE = 'cloudwatch';
export const AWS_COST_SIGNALS_SOURCE = 'aws-cost-signals';
export const S3_SCAN_RESULTS_SOURCE = 's3-scan-results';
