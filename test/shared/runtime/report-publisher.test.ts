import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ReportStore } from '../../../shared/adapters/aws/report-s3.js';
import { MemoryStateStore } from '../../../shared/adapters/memory/memory-state.js';
import { parseConfig } from '../../../shared/config/loader.js';
import type { Envelope } from '../../../shared/core/envelope.js';
import type { Check, Sink } from '../../../shared/core/ports.js';
import { runInLambda } from '../../../shared/runtime/lambda-run.js';
import {
  REPORT_KEYS,
  type ReportPublisher,
  s3ReportPublisher,
} from '../../../shared/runtime/report-publisher.js';
import { type FakeWorld, fakeCheck, silentLog, violation } from '../../support/fake-check.js';

const BUCKET = 'guardrails-results-123456789012';
const now = new Date('2026-11-20T06:00:00Z');
const config = parseConfig('version: 1');
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

/** A check with one open violation and a coverage scorecard in its report snapshot. */
const reporting: Check<FakeWorld> = {
  ...fakeCheck({ findings: [violation('111122223333', 'error')], scope: { completed: [], failed: [] } }),
  evaluate: (world) => ({
    findings: world.findings,
    report: {
      latest: new Map([
        [
          'coverage/org',
          {
            scope: 'org',
            name: 'organization',
            taggable: 4,
            compliant: 3,
            byCount: 0.75,
            bySpend: null,
            spendUsd: 0,
            untaggedUsd: 0,
            byKey: [],
            objective: 0.95,
          },
        ],
      ]),
      daily: new Map([['coverage/org', [0.75, null, 0]]]),
    },
  }),
};

function capture(): Sink & { events: Envelope[] } {
  const events: Envelope[] = [];
  return { name: 'capture', events, deliver: async (batch) => void events.push(...batch) };
}

describe('s3ReportPublisher', () => {
  it('writes the latest report, HTML and JSON, to the reports/ prefix of the results bucket', async () => {
    s3.on(PutObjectCommand).resolves({});
    const state = new MemoryStateStore();
    await runInLambda(reporting as Check<unknown>, { config, state, sinks: [] }, now);
    const publisher = s3ReportPublisher({
      store: new S3ReportStore({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) }),
      region: 'eu-west-1',
    });
    expect(await publisher.publish(state, now, silentLog)).toEqual([REPORT_KEYS.html, REPORT_KEYS.json]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'reports/latest.html',
      ContentType: 'text/html; charset=utf-8',
      CacheControl: 'no-cache',
    });
    const calls = s3.commandCalls(PutObjectCommand);
    const html = String(calls[0]?.args[0].input.Body);
    // Booleans, so a failure does not print half a megabyte of inlined library.
    expect(html.includes('3 resources in 111122223333 miss required tags')).toBe(true);
    expect(html.includes('@observablehq/plot 0.6')).toBe(true);
    const json = JSON.parse(String(calls[1]?.args[0].input.Body));
    expect(json.coverage.org.byCount).toBe(0.75);
    expect(calls[0]?.args[0].input).not.toHaveProperty('ACL');
    expect(publisher.url).toBe(
      `https://console.aws.amazon.com/s3/object/${BUCKET}?region=eu-west-1&bucketType=general&prefix=reports%2Flatest.html`,
    );
  });

  it('still writes the tables when the bundle lacks the chart library, and says why', async () => {
    s3.on(PutObjectCommand).resolves({});
    const warnings: string[] = [];
    const publisher = s3ReportPublisher({
      store: new S3ReportStore({ bucket: BUCKET, client: new S3Client({ region: 'us-east-1' }) }),
      region: 'us-east-1',
      library: () => {
        throw new Error('no node_modules');
      },
    });
    await publisher.publish(new MemoryStateStore(), now, { info: () => {}, warn: (m) => warnings.push(m) });
    const html = String(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body);
    expect(html).toContain("script-src 'none'");
    expect(html).toContain('built without its chart library');
    expect(warnings[0]).toMatch(/tables only: no node_modules/);
  });
});

describe('runInLambda with a report', () => {
  it('links every finding to the report and writes it after the run', async () => {
    const published: Date[] = [];
    const report: ReportPublisher = {
      url: 'https://console.aws.amazon.com/s3/object/b?prefix=reports%2Flatest.html',
      publish: async (_state, at) => {
        published.push(at);
        return [];
      },
    };
    const sink = capture();
    const summary = await runInLambda(
      reporting as Check<unknown>,
      { config, state: new MemoryStateStore(), sinks: [sink], report },
      now,
    );
    expect(summary.events).toBe(1);
    expect(sink.events[0]?.data.links?.report).toBe(report.url);
    expect(published).toEqual([now]);
  });

  it('does not fail the run when the report cannot be written: its events are delivered and committed', async () => {
    const state = new MemoryStateStore();
    const report: ReportPublisher = {
      url: 'https://console.aws.amazon.com/s3/object/b',
      publish: async () => {
        throw new Error('AccessDenied');
      },
    };
    const summary = await runInLambda(
      reporting as Check<unknown>,
      { config, state, sinks: [capture()], report },
      now,
    );
    expect(summary.events).toBe(1);
    expect((await state.load('tag-coverage')).incidents).toHaveLength(1);
  });
});
