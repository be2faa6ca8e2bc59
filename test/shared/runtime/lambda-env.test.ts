import { describe, expect, it } from 'vitest';
import {
  invocationTime,
  lambdaConfigFromEnv,
  lambdaPortsFromEnv,
  scheduledEventSchema,
} from '../../../shared/runtime/lambda-env.js';

describe('invocationTime', () => {
  const clock = () => new Date('2026-11-20T06:00:07Z');

  it('judges a scheduled run at its scheduled time, the same on every retry', () => {
    const event = scheduledEventSchema.parse({
      source: 'finops-guardrails.schedule',
      check: 'tag-coverage',
      scheduledTime: '2026-11-20T06:00:00Z',
      executionId: 'e-1',
    });
    expect(invocationTime(event, clock).toISOString()).toBe('2026-11-20T06:00:00.000Z');
  });

  it('prefers an explicit now (replays), and falls back to the clock', () => {
    expect(
      invocationTime(
        { now: '2026-11-01T00:00:00Z', scheduledTime: '2026-11-20T06:00:00Z' },
        clock,
      ).toISOString(),
    ).toBe('2026-11-01T00:00:00.000Z');
    expect(invocationTime({}, clock).toISOString()).toBe('2026-11-20T06:00:07.000Z');
  });

  it('rejects a scheduled time that is not an ISO time', () => {
    expect(scheduledEventSchema.safeParse({ scheduledTime: 'yesterday' }).success).toBe(false);
  });
});

describe('lambdaConfigFromEnv', () => {
  it('validates the config as JSON, naming the variable and each bad path', async () => {
    expect((await lambdaConfigFromEnv({ GUARDRAILS_CONFIG: '{"version":1}' })).version).toBe(1);
    await expect(lambdaConfigFromEnv({ GUARDRAILS_CONFIG: 'version: 1' })).rejects.toThrow(
      /GUARDRAILS_CONFIG.*not JSON/,
    );
    await expect(
      lambdaConfigFromEnv({ GUARDRAILS_CONFIG: '{"version":1,"sinks":{"sqs":{"fifo":"yes"}}}' }),
    ).rejects.toThrow(/GUARDRAILS_CONFIG.*sinks\.sqs\.fifo/);
    await expect(lambdaConfigFromEnv({})).rejects.toThrow(/no config in the bundle or the environment/);
  });

  it('fills the defaults of a config from the environment, as the bundle has them from synth', async () => {
    const config = await lambdaConfigFromEnv({ GUARDRAILS_CONFIG: '{"version":1}' });
    expect(config.sinks.sqs.fifo).toBe(false);
  });
});

describe('lambdaPortsFromEnv', () => {
  it('names each bad variable with the message classic zod gave before the schema moved to zod/mini', async () => {
    await expect(
      lambdaPortsFromEnv({ STATE_TABLE_NAME: 'ab', INCIDENT_QUEUE_URL: 'not a url' }),
    ).rejects.toThrow(
      'environment: STATE_TABLE_NAME: Too small: expected string to have >=3 characters; INCIDENT_QUEUE_URL: Invalid URL',
    );
    await expect(lambdaPortsFromEnv({})).rejects.toThrow(
      'environment: STATE_TABLE_NAME: Invalid input: expected string, received undefined; INCIDENT_QUEUE_URL: Invalid input: expected string, received undefined',
    );
  });
});
