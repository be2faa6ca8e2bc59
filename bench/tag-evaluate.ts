/**
 * Scenario 1: 1,000,000 resources judged against a six-key policy by
 * `evaluateTagCoverage`, as one run over a large organization would.
 */
// Registers the RE2 compiler that the policy's patterns use.
import '../shared/config/pattern.js';
import { evaluateTagCoverage } from '../shared/checks/tag-coverage/evaluate.js';
import type { TaggedResource } from '../shared/checks/tag-coverage/types.js';
import { collectGarbage, peakRssMiB, rssMiB } from './memory.js';
import { below, type Figure, info, type ScenarioOptions, type ScenarioResult } from './report.js';
import {
  benchAccounts,
  benchConfig,
  generatedTags,
  resourceArn,
  resourceType,
  seededRandom,
  TAG_MIX,
} from './tag-fixtures.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const TIME_LIMIT_MS = 3000;
const RSS_LIMIT_MIB = 1024;

/** `held`: every resource in memory first, as the in-process check holds them. `streamed`: made as read. */
export type InputMode = 'held' | 'streamed';

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return runWith(options, 'held');
}

export async function runWith({ quick }: ScenarioOptions, mode: InputMode): Promise<ScenarioResult> {
  const resourceCount = quick ? 100_000 : 1_000_000;
  const accounts = benchAccounts(200);
  const config = benchConfig('  regions: [us-east-1, eu-west-1, eu-central-1, ap-southeast-2]');
  const rng = seededRandom(1);
  const tagsOf = generatedTags(rng);
  const make = (serial: number): TaggedResource => {
    const account = accounts[serial % accounts.length] ?? accounts[0];
    const region = REGIONS[(serial >> 8) % REGIONS.length] ?? 'us-east-1';
    if (!account) throw new Error('no accounts');
    return {
      arn: resourceArn(account.id, region, serial),
      accountId: account.id,
      region,
      resourceType: resourceType(serial),
      tags: tagsOf(serial),
    };
  };
  const stream = function* (): Generator<TaggedResource> {
    for (let serial = 0; serial < resourceCount; serial++) yield make(serial);
  };
  const resources: Iterable<TaggedResource> =
    mode === 'held' ? Array.from({ length: resourceCount }, (_, serial) => make(serial)) : stream();
  collectGarbage();
  const rssBefore = rssMiB();

  const now = new Date('2026-11-20T06:00:00Z');
  const started = performance.now();
  const evaluation = evaluateTagCoverage(
    { accounts, resources, sources: ['bench'] },
    { completeAccounts: new Set(accounts.map((a) => a.id)) },
    { config, now, memory: new Map() },
  );
  const wallMs = performance.now() - started;
  const peak = peakRssMiB();

  const metrics = evaluation.metrics ?? {};
  const nonCompliant = metrics.ResourcesNonCompliant ?? Number.NaN;
  const figures: Figure[] = [
    below('wall time (evaluateTagCoverage)', wallMs, 'ms', TIME_LIMIT_MS),
    below('peak RSS (process)', peak, 'MiB', RSS_LIMIT_MIB),
    info('RSS holding the input, before evaluating', rssBefore, 'MiB'),
    info('RSS added by evaluating (peak - before)', peak - rssBefore, 'MiB'),
    info('throughput', resourceCount / (wallMs / 1000), 'resources/s'),
    info('resources non-compliant', nonCompliant),
    info('findings (digests + coverage)', evaluation.findings.length),
    info('first-seen memory entries written', evaluation.memory?.set.size ?? 0),
  ];
  return {
    scenario: mode === 'held' ? 'tag-evaluate' : 'tag-evaluate-streamed',
    title:
      mode === 'held'
        ? 'evaluateTagCoverage over a large inventory held in memory'
        : 'evaluateTagCoverage over a large inventory streamed as it is read (generation time included)',
    sizes: { resources: resourceCount, accounts: accounts.length, requiredKeys: 6 },
    figures,
    notes: [
      `tag mix: ${Object.entries(TAG_MIX)
        .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
        .join(', ')}; every resource also carries two aws: tags and a Name.`,
      'first run: no first-seen memory yet, so every violating resource writes one entry (the heaviest case for memory).',
      'peak RSS is the child process maximum (getrusage), input generation included; input objects are distinct per resource, as parsed API pages are.',
    ],
  };
}
