import { COST_EXPLORER_SOURCE } from '../adapters/aws/source-names.js';
import { fileAccountDirectory, fileInventory, focusTagSpend } from '../adapters/file/tag-sources.js';
import { type TagCoveragePorts, tagCoverageCheck } from '../checks/tag-coverage/check.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { AccountDirectory, TagSpendSource } from '../core/sources.js';
import type { CheckFactory } from './check-registry.js';
import { awsInventory } from './inventory-wiring.js';
import { lazyAdapter } from './lazy-adapter.js';
import { organizationAccess } from './organization-access.js';

/**
 * The tag-coverage AWS sources:
 * Organizations and Cost Explorer through the management role, the
 * inventory `organization.inventory` names (see {@link awsInventory}).
 */
export function awsTagSources(config: GuardrailsConfig, region?: string): TagCoveragePorts {
  const { assumer, management } = organizationAccess(config, 'tag-coverage', { region });
  // Each adapter, with its SDK client, loads on its first call: none is parsed at a Lambda init.
  return {
    directory: lazyAdapter<AccountDirectory, 'listAccounts'>(
      async () =>
        new (await import('../adapters/aws/organizations-directory.js')).OrganizationsDirectory(management),
      ['listAccounts'],
      {},
    ),
    inventory: awsInventory(config, assumer),
    spend: lazyAdapter<TagSpendSource, 'untaggedSpend'>(
      async () =>
        new (await import('../adapters/aws/cost-explorer-tag-spend.js')).CostExplorerTagSpend({
          ...management,
          // Amortized, not anomaly.costMetric: covered usage costs 0 unblended (see the adapter).
          ...(config.tagPolicy && { metric: config.tagPolicy.spendMetric }),
        }),
      ['untaggedSpend'],
      { name: COST_EXPLORER_SOURCE },
    ),
  };
}

/** Builds the tag-coverage check for local files or for AWS. */
export const tagCoverageFactory: CheckFactory = ({ mode, config, dataDir, log, region }) => {
  if (mode === 'file') {
    const files = { dir: dataDir, log };
    return tagCoverageCheck({
      directory: fileAccountDirectory(files),
      inventory: fileInventory(files),
      spend: focusTagSpend(files),
    }) as ReturnType<CheckFactory>;
  }
  return tagCoverageCheck(awsTagSources(config, region)) as ReturnType<CheckFactory>;
};
