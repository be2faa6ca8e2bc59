import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import { type BuildAppOptions, buildApp, type GuardrailsApp } from '../../infra/build-app.js';
import { defaultCheckFunctions } from '../../infra/check-functions.js';
import { configSchema, type GuardrailsConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/core/errors.js';
import { FIXTURE_HANDLER, NO_BUNDLING, SYNTH_TIMEOUT_MS, statementsOf } from './support/cdk.js';

// Synthesizing tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const organization = {
  organizationId: 'o-test123456',
  managementAccountId: '111111111111',
  toolingAccountId: '222222222222',
};
const PAGERDUTY = {
  routingKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty',
};
const IMPORTED = {
  queueArn: 'arn:aws:sqs:eu-west-1:333333333333:reliability-incidents',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

function config(overrides: Record<string, unknown>): GuardrailsConfig {
  return configSchema.parse({
    version: 1,
    organization,
    deployment: { toolingRegion: 'eu-west-1' },
    ...overrides,
  });
}

function build(cfg: GuardrailsConfig, options: BuildAppOptions = {}): GuardrailsApp {
  return buildApp(cfg, {
    context: NO_BUNDLING,
    functions: defaultCheckFunctions(cfg).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER })),
    probeEntry: FIXTURE_HANDLER,
    supportEntry: FIXTURE_HANDLER,
    nag: false,
    enforceTagPolicy: false,
    ...options,
  });
}

/**
 * Two apps serve every test: a separate observer account in three regions
 * with its own PagerDuty secret and an imported encrypted queue, and the
 * plain Organization, each synthesized once.
 */
let spread: GuardrailsApp | undefined;
function spreadApp(): GuardrailsApp {
  spread ??= build(
    config({
      tagPolicy: { requiredTags: [{ key: 'owner' }] },
      sinks: {
        sqs: { fifo: false, ...IMPORTED },
        pagerduty: { ...PAGERDUTY, observerSecretName: 'finops-guardrails/pagerduty' },
      },
      deployment: {
        toolingRegion: 'eu-west-1',
        observer: {
          accountId: '444444444444',
          region: 'us-west-2',
          regions: ['eu-central-1', 'ap-southeast-2'],
        },
      },
    }),
  );
  return spread;
}
let plain: GuardrailsApp | undefined;
function plainApp(): GuardrailsApp {
  plain ??= build(config({ sinks: { pagerduty: PAGERDUTY } }));
  return plain;
}

function probeEnvironment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  const environment = fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

describe("the probe's PagerDuty key", () => {
  it('must be a secret of the observer account when the observer is another account', () => {
    const separate = config({
      sinks: { pagerduty: PAGERDUTY },
      deployment: {
        toolingRegion: 'eu-west-1',
        observer: { accountId: '444444444444', region: 'us-west-2' },
      },
    });
    expect(() => build(separate)).toThrow(ConfigError);
    expect(() => build(separate)).toThrow(/sinks\.pagerduty\.observerSecretName.*444444444444/);
  });

  it("is read by name in each observer region's own account, never from the tooling account", () => {
    const { probes } = spreadApp();
    expect(probes).toHaveLength(3);
    for (const probe of probes) {
      const template = Template.fromStack(probe);
      const partial = `arn:aws:secretsmanager:${probe.region}:444444444444:secret:finops-guardrails/pagerduty`;
      expect(probeEnvironment(template).PAGERDUTY_SECRET_ARN).toBe(partial);
      expect(statementsOf(template, 'ProbeRole')).toContainEqual(
        expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: `${partial}-??????` }),
      );
      expect(JSON.stringify(template.toJSON())).not.toContain('secret:guardrails/pagerduty');
    }
  });

  it('may stay the tooling secret when the observer is the tooling account', () => {
    const { probe } = plainApp();
    expect(probeEnvironment(Template.fromStack(probe)).PAGERDUTY_SECRET_ARN).toBe(
      PAGERDUTY.routingKeySecretArn,
    );
  });
});

describe('an imported incident queue under a customer-managed key', () => {
  it('lets every sender generate and decrypt data keys with it, only through SQS in the queue region', () => {
    const built = spreadApp();
    const guardrails = Template.fromStack(built.guardrails);
    const probe = Template.fromStack(built.probe);
    const senders: Array<[Template, string]> = [
      [guardrails, 'TagCoverageRole'],
      [guardrails, 'CostAnomalyRole'],
      [guardrails, 'AggregateRole'],
      [probe, 'ProbeRole'],
    ];
    for (const [template, role] of senders) {
      const keyStatement = statementsOf(template, role).find((s) => s.Resource === IMPORTED.kmsKeyArn);
      expect(keyStatement, role).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['sqs.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
          },
        },
      });
    }
  });
});

describe('quorum verdicts across observer regions', () => {
  it('alarm from each region when its writes reach another region over a minute late', () => {
    const { probes } = spreadApp();
    for (const probe of probes) {
      const alarms = Object.values(Template.fromStack(probe).findResources('AWS::CloudWatch::Alarm')).filter(
        (a) => a.Properties.MetricName === 'ReplicationLatency',
      );
      const receiving = alarms.map(
        (a) =>
          (a.Properties.Dimensions as Array<{ Name: string; Value: string }>).find(
            (d) => d.Name === 'ReceivingRegion',
          )?.Value,
      );
      expect(receiving.sort()).toEqual(
        ['us-west-2', 'eu-central-1', 'ap-southeast-2'].filter((r) => r !== probe.region).sort(),
      );
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/DynamoDB',
          Threshold: 60_000,
          Dimensions: expect.arrayContaining([{ Name: 'TableName', Value: 'finops-guardrails-probe-state' }]),
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('are not alarmed on with a single observer region', () => {
    const { probe } = plainApp();
    const replication = Object.values(
      Template.fromStack(probe).findResources('AWS::CloudWatch::Alarm'),
    ).filter((a) => a.Properties.MetricName === 'ReplicationLatency');
    expect(replication).toEqual([]);
  });
});

describe('the config of the cross-account paths', () => {
  it('takes a queue key only with an imported queue, and only in its region', () => {
    const parse = (sqs: Record<string, unknown>) =>
      configSchema.safeParse({ version: 1, sinks: { sqs: { fifo: false, ...sqs } } });
    expect(parse(IMPORTED).success).toBe(true);
    const withoutQueue = parse({ kmsKeyArn: IMPORTED.kmsKeyArn });
    expect(withoutQueue.error?.issues[0]).toMatchObject({ path: ['sinks', 'sqs', 'kmsKeyArn'] });
    const otherRegion = parse({
      ...IMPORTED,
      kmsKeyArn: IMPORTED.kmsKeyArn.replace('eu-west-1', 'us-east-1'),
    });
    expect(otherRegion.error?.issues[0]?.message).toMatch(/queue's region/);
    const alias = parse({ ...IMPORTED, kmsKeyArn: 'arn:aws:kms:eu-west-1:333333333333:alias/incidents' });
    expect(alias.error?.issues[0]?.message).toMatch(/not an alias/);
  });

  it('refuses an observer secret name Secrets Manager would read as an ARN suffix', () => {
    const parse = (observerSecretName: string) =>
      configSchema.safeParse({ version: 1, sinks: { pagerduty: { ...PAGERDUTY, observerSecretName } } });
    expect(parse('finops-guardrails/pagerduty').success).toBe(true);
    expect(parse('pagerduty-AbC123').error?.issues[0]?.message).toMatch(/six characters/);
  });
});
