import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/loader.js';
import { ConfigError } from '../../../shared/core/errors.js';

const VIEW =
  'arn:aws:resource-explorer-2:us-east-1:111111111111:view/org/5c1e0000-0000-4000-8000-000000000001';
const messageOf = (text: string) => {
  try {
    parseConfig(text, 'g.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('organization.inventory', () => {
  it('defaults to the Tagging API alone', () => {
    expect(parseConfig('version: 1\n').organization.inventory).toEqual({ sources: ['tagging-api'] });
  });

  it('accepts Resource Explorer and Config beside the Tagging API', () => {
    const config = parseConfig(`version: 1
organization:
  inventory:
    sources: [resource-explorer, config, tagging-api]
    resourceExplorer: { viewArn: ${VIEW} }
    config: { aggregatorName: org-aggregator, region: us-east-1, accountId: '444444444444', roleName: InventoryRead }
`);
    expect(config.organization.inventory.resourceExplorer?.viewArn).toBe(VIEW);
    expect(config.organization.inventory.config).toMatchObject({
      accountId: '444444444444',
      roleName: 'InventoryRead',
    });
  });

  it('names the missing settings of a listed source, and a source listed twice', () => {
    const message = messageOf(`version: 1
organization:
  inventory:
    sources: [resource-explorer, config, config]
`);
    expect(message).toContain('organization.inventory.sources[2]: config is listed twice');
    expect(message).toContain(
      'organization.inventory.resourceExplorer: sources lists resource-explorer: give resourceExplorer.viewArn',
    );
    expect(message).toContain('organization.inventory.config: sources lists config');
  });

  it('rejects a view ARN of another service', () => {
    expect(
      messageOf(`version: 1
organization:
  inventory:
    sources: [resource-explorer]
    resourceExplorer: { viewArn: 'arn:aws:iam::111111111111:role/x' }
`),
    ).toContain('organization.inventory.resourceExplorer.viewArn: must be a Resource Explorer view ARN');
  });

  it('takes a region of the European Sovereign Cloud, and still refuses what is not a region', () => {
    const config = parseConfig(`version: 1
organization:
  regions: [eusc-de-east-1]
  inventory:
    sources: [config]
    config: { aggregatorName: org-aggregator, region: eusc-de-east-1 }
`);
    expect(config.organization.regions).toEqual(['eusc-de-east-1']);
    expect(config.organization.inventory.config?.region).toBe('eusc-de-east-1');
    expect(
      messageOf(`version: 1
organization:
  inventory:
    sources: [config]
    config: { aggregatorName: org-aggregator, region: eusc-east-1 }
`),
    ).toContain('organization.inventory.config.region: must be an AWS region');
  });
});
