import type { Check } from '../core/ports.js';

/**
 * The check with `links.report` on every finding it makes, so each event
 * (and the page it becomes in PagerDuty or Slack) leads to the latest report.
 */
export function withReportLink<O>(check: Check<O>, url: string): Check<O> {
  return {
    ...check,
    evaluate(observations, ctx) {
      const evaluation = check.evaluate(observations, ctx);
      return {
        ...evaluation,
        findings: evaluation.findings.map((f) => ({ ...f, links: { ...f.links, report: url } })),
      };
    },
  };
}
