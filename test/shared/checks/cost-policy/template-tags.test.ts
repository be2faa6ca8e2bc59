import { describe, expect, it } from 'vitest';
import { templateResource } from './helpers.js';

describe('the tags the cost policy reads from a template', () => {
  it("reads a launch template's environment from its own TagSpecifications, not from the instances'", () => {
    // Prepare: the instances it launches are dev; the launch template itself is prod.
    const resource = templateResource(
      {
        Web: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: {
            LaunchTemplateData: {
              InstanceType: 'm7g.large',
              TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'environment', Value: 'dev' }] }],
            },
            TagSpecifications: [
              { ResourceType: 'launch-template', Tags: [{ Key: 'environment', Value: 'prod' }] },
            ],
          },
        },
      },
      'Web',
    );
    // Assess
    expect(resource.tags).toEqual({ values: { environment: { kind: 'known', value: 'prod' } } });
  });

  it('reads a TagSpecifications item whose ResourceType is computed as opaque tags', () => {
    const resource = templateResource(
      {
        Vpn: {
          Type: 'AWS::EC2::ClientVpnEndpoint',
          Properties: { TagSpecifications: [{ ResourceType: { Ref: 'Kind' }, Tags: [] }] },
        },
      },
      'Vpn',
    );
    expect(resource.tags).toEqual({ values: {}, opaque: 'Ref' });
  });
});
