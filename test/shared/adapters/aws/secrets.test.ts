import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretCache, secretValue } from '../../../../shared/adapters/aws/secrets.js';

const ARN = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:pd-routing-key-AbCdEf';

describe('secretValue', () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'us-west-2' });
  afterEach(() => {
    sm.reset();
    clearSecretCache();
  });

  it('reads a secret once per container', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: ' r0ut1ngk3y \n' });
    expect(await secretValue(ARN, { client })).toBe('r0ut1ngk3y');
    expect(await secretValue(ARN, { client })).toBe('r0ut1ngk3y');
    expect(sm).toReceiveCommandTimes(GetSecretValueCommand, 1);
  });

  it('retries on the next call after a failed read, without the value in the error', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
      .resolves({ SecretString: 'k' });
    await expect(secretValue(ARN, { client })).rejects.toThrow(
      `cannot read secret ${ARN}: AccessDeniedException`,
    );
    expect(await secretValue(ARN, { client })).toBe('k');
  });

  it('refuses a secret without a string value', async () => {
    sm.on(GetSecretValueCommand).resolves({});
    await expect(secretValue(ARN, { client })).rejects.toThrow('has no string value');
  });
});
