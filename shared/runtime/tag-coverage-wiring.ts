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
 * Record types that count as spend to attribute: usage, including usage
 * covered by Reserved Instances and Savings Plans, whose cost would
 * otherwise vanish from both the total and the untagged share.
 */
export const TAG_SPEND_RECORD_TYPES = ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'] as const;

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
          metric: config.anomaly.costMetric,
          recordTypes: TAG_SPEND_RECORD_TYPES,
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
