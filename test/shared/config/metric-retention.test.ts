import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/loader.js';
import { periodMultipleFor } from '../../../shared/config/metric-retention.js';

const withPeriod = (lookbackDays: number, period: number) => `version: 1
anomaly: { lookbackDays: ${lookbackDays} }
workloads:
  - name: checkout
    costFilter: { services: [AmazonEC2] }
    demand: { metric: { id: requests, namespace: AWS/ApplicationELB, metricName: RequestCount, period: ${period} } }
    slos:
      - name: latency
        metric: { id: p99, namespace: AWS/ApplicationELB, metricName: TargetResponseTime, stat: p99, period: 86400 }
        objective: { comparison: '<=', threshold: 0.5 }
`;

describe('metric periods and CloudWatch retention', () => {
  it('needs multiples of 300 s from 15 days back and of 3600 s from 63 days back (GetMetricData, Period)', () => {
    expect(periodMultipleFor(14)).toBe(60);
    expect(periodMultipleFor(15)).toBe(300);
    expect(periodMultipleFor(62)).toBe(300);
    expect(periodMultipleFor(63)).toBe(3600);
    expect(periodMultipleFor(395)).toBe(3600);
  });

  it('rejects a period CloudWatch cannot serve over the lookback, naming its path', () => {
    expect(() => parseConfig(withPeriod(90, 300), 'g.yaml')).toThrow(
      /^g\.yaml: workloads\[0\]\.demand\.metric\.period: must be a multiple of 3600 seconds: anomaly\.lookbackDays is 90/,
    );
    expect(() => parseConfig(withPeriod(30, 60), 'g.yaml')).toThrow(/must be a multiple of 300 seconds/);
  });

  it('accepts periods that fit the lookback', () => {
    expect(parseConfig(withPeriod(90, 3600)).workloads[0]?.demand?.metric.period).toBe(3600);
    expect(parseConfig(withPeriod(30, 300)).workloads[0]?.demand?.metric.period).toBe(300);
  });
});
