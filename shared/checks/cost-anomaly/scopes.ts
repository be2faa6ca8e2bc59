/**
 * The scopes of the cost-anomaly check: what a run must have observed
 * completely before an open finding of that scope may resolve
 * (docs/design/completeness.md).
 */

/** Scopes that are not per account, service or workload. */
export const SCOPES = {
  /** The whole cost read: complete when every series in it is. Earlier versions filed unmapped anomalies here. */
  costs: 'costs',
  /** Reading the demand and SLO metrics at all. */
  metrics: 'metrics',
  /** AWS Cost Anomaly Detection and Budgets. */
  awsSignals: 'aws-signals',
} as const;

/** The scope of an unmapped (account, service) anomaly: its cost series, complete on every day of the window. */
export function pairScope(accountId: string, service: string): string {
  return `${SCOPES.costs}/${accountId}/${service}`;
}

/** Every (account, service) scope of one account: where a hole in that account's costs is reported. */
export function accountScope(accountId: string): string {
  return `${SCOPES.costs}/${accountId}`;
}

/** The scope of a workload's anomalies: its cost series complete, and its metrics on the days its verdict needs. */
export function workloadScope(workload: string): string {
  return `workload/${workload}`;
}

/**
 * The scope earlier versions gave a workload judged with metrics. It is
 * completed together with {@link workloadScope}, so findings stored under it
 * still resolve, and only then.
 */
export function legacyWorkloadScope(workload: string): string {
  return `${SCOPES.metrics}/${workload}`;
}

/** The workload a workload scope (current or legacy) names, if it is one. */
export function workloadOfScope(scope: string): string | undefined {
  for (const prefix of ['workload/', `${SCOPES.metrics}/`]) {
    if (scope.startsWith(prefix)) return scope.slice(prefix.length);
  }
  return undefined;
}
