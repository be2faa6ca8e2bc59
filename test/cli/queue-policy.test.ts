import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueuePolicy } from '../../cli/commands/queue-policy.js';
import { memoryIo } from '../support/memory-io.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:333333333333:reliability-incidents';
const KEY = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'queue-policy-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** Runs `finops-guardrails queue-policy …` on a program of our own, as cli/main.ts does. */
async function queuePolicy(...args: string[]) {
  const io = memoryIo();
  let code = 0;
  const program = new Command('finops-guardrails').exitOverride();
  registerQueuePolicy(program, io, (c) => {
    code = c;
  });
  await program.parseAsync(['node', 'finops-guardrails', 'queue-policy', ...args]);
  return { code, out: io.out(), err: io.err() };
}

const IMPORTED = `version: 1
organization: { organizationId: o-test123456, toolingAccountId: "222222222222", accounts: auto }
tagPolicy: { requiredTags: [{ key: owner }] }
sinks: { sqs: { queueArn: ${QUEUE}, kmsKeyArn: ${KEY} } }
deployment: { observer: { accountId: "444444444444", region: us-west-2, regions: [eu-central-1] } }
`;

describe('finops-guardrails queue-policy', () => {
  it("prints the queue and key policy statements for every sending role, the key's only through SQS", async () => {
    const { code, out } = await queuePolicy('--config', configFile('imported.yaml', IMPORTED), '--json');
    expect(code).toBe(0);
    const printed = JSON.parse(out) as {
      queuePolicyStatement: Record<string, unknown>;
      keyPolicyStatement: Record<string, unknown>;
    };
    const principalArns = [
      'arn:aws:iam::222222222222:role/GuardrailsStack-TagCoverageRole*',
      'arn:aws:iam::222222222222:role/GuardrailsStack-CostAnomalyRole*',
      'arn:aws:iam::222222222222:role/GuardrailsStack-AggregateRole*',
      'arn:aws:iam::444444444444:role/ProbeStack-ProbeRole*',
      'arn:aws:iam::444444444444:role/ProbeStack-eu-central-1-ProbeRole*',
    ];
    expect(printed.queuePolicyStatement).toEqual({
      Sid: 'FinopsGuardrailsSendIncidents',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::444444444444:root'] },
      Action: 'sqs:SendMessage',
      Resource: QUEUE,
      Condition: {
        ArnLike: { 'aws:PrincipalArn': principalArns },
        StringEquals: { 'aws:PrincipalOrgID': 'o-test123456' },
      },
    });
    expect(printed.keyPolicyStatement).toEqual({
      Sid: 'FinopsGuardrailsEncryptIncidents',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::444444444444:root'] },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        ArnLike: { 'aws:PrincipalArn': principalArns },
        StringEquals: {
          'aws:PrincipalOrgID': 'o-test123456',
          'kms:ViaService': 'sqs.eu-west-1.amazonaws.com',
        },
      },
    });
  });

  it('prints commented JSON by default, and says so when the queue has no customer key', async () => {
    const file = configFile('sse-sqs.yaml', IMPORTED.replace(`, kmsKeyArn: ${KEY}`, ''));
    const { code, out } = await queuePolicy('--config', file);
    expect(code).toBe(0);
    expect(out).toContain(`# Add to the access policy of ${QUEUE}:`);
    expect(out).toContain('"Action": "sqs:SendMessage"');
    expect(out).toContain('nothing to add to a key policy');
  });

  it('refuses a config that imports no queue, or does not say which account sends', async () => {
    const created = await queuePolicy('--config', configFile('created.yaml', 'version: 1\n'));
    expect(created.code).toBe(2);
    expect(created.err).toMatch(/sinks\.sqs\.queueArn: no imported queue/);
    const noTooling = await queuePolicy(
      '--config',
      configFile('no-tooling.yaml', IMPORTED.replace('toolingAccountId: "222222222222", ', '')),
    );
    expect(noTooling.code).toBe(2);
    expect(noTooling.err).toMatch(/organization\.toolingAccountId/);
    const given = await queuePolicy(
      '--config',
      configFile('no-tooling-2.yaml', IMPORTED.replace('toolingAccountId: "222222222222", ', '')),
      '--tooling-account',
      '222222222222',
      '--json',
    );
    expect(given.code).toBe(0);
  });
});
