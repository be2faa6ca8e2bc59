import { describe, expect, it } from 'vitest';
import { cliAwsRegion } from '../../cli/aws-region.js';
import { parseConfig } from '../../shared/config/loader.js';

const config = parseConfig('version: 1\ndeployment: { toolingRegion: eu-central-1 }\n');
const recorder = () => {
  const warnings: string[] = [];
  return { log: { info: () => {}, warn: (m: string) => warnings.push(m) }, warnings };
};

describe('cliAwsRegion', () => {
  it('takes --region first, without asking the SDK', async () => {
    const { log, warnings } = recorder();
    const region = await cliAwsRegion('ap-south-1', config, log, async () => {
      throw new Error('not asked');
    });
    expect(region).toBe('ap-south-1');
    expect(warnings).toEqual([]);
  });

  it("takes the SDK's region (AWS_REGION or the profile) next", async () => {
    const { log, warnings } = recorder();
    expect(await cliAwsRegion(undefined, config, log, async () => 'us-west-2')).toBe('us-west-2');
    expect(warnings).toEqual([]);
  });

  it('falls back to the tooling region with a warning naming what to set', async () => {
    const { log, warnings } = recorder();
    expect(await cliAwsRegion(undefined, config, log, async () => undefined)).toBe('eu-central-1');
    expect(warnings).toEqual([
      'no AWS region set (set AWS_REGION, a region in your AWS profile, or pass --region): using deployment.toolingRegion eu-central-1 for STS and CloudWatch',
    ]);
  });
});
