import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { GuardrailsDashboard } from '../../infra/constructs/guardrails-dashboard.js';

function dashboardBody(reportUrl?: string): string {
  const stack = new Stack(new App(), 'Dashboard');
  new GuardrailsDashboard(stack, 'Dashboard', {
    tagCoverageServices: [],
    costAnomaly: false,
    functions: new Map(),
    scheduleDeadLetterQueue: new Queue(stack, 'Dlq'),
    ...(reportUrl && { reportUrl }),
  });
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  return JSON.stringify(dashboard?.Properties?.DashboardBody);
}

describe('GuardrailsDashboard: the report link', () => {
  it('links the latest report at the top when the stack gives its URL', () => {
    const url =
      'https://console.aws.amazon.com/s3/object/results?region=us-east-1&prefix=reports/latest.html';
    expect(dashboardBody(url)).toContain(`[Latest report](${url})`);
  });

  it('has no link without one', () => {
    expect(dashboardBody()).not.toContain('Latest report');
  });
});
