import type { RoleAssumer } from '../adapters/aws/assume-role.js';
import { mergedInventory } from '../checks/tag-coverage/merged-inventory.js';
import type { GuardrailsConfig } from '../config/schema.js';
import { loadOnce } from '../core/load-once.js';
import type { InventorySource } from '../core/sources.js';

/** The AWS inventory adapters, by the name each reports (`InventorySource.name`). */
type AwsSourceName = 'resource-explorer' | 'config' | 'tagging-api';

/**
 * The AWS inventory `organization.inventory` asks for: each listed source,
 * merged by ARN when there are several. The Tagging API reads each member
 * through its read role; Resource Explorer and Config read the view or
 * aggregator in the management account (or the delegated administrator the
 * config names) through the one role assumer the check already has, or with
 * the caller's own credentials when it runs there (one-account setups).
 *
 * Each adapter, with its SDK client, is imported when the source is first
 * listed: a function loads only the sources its config names, and the
 * tag-coverage starter none when the run fans out.
 *
 * @example
 * const inventory = awsInventory(config, organizationAccess(config, 'tag-coverage').assumer);
 */
export function awsInventory(config: GuardrailsConfig, assumer: RoleAssumer): InventorySource {
  const { inventory } = config.organization;
  return mergedInventory(
    inventory.sources.map((source) => {
      const name = adapterOf(source, config);
      return onFirstList(name, () => loadSource(name, config, assumer));
    }),
  );
}

/** Which adapter serves a configured source: the schema requires the view or aggregator a source names. */
function adapterOf(source: string, config: GuardrailsConfig): AwsSourceName {
  const { inventory } = config.organization;
  if (source === 'resource-explorer' && inventory.resourceExplorer) return 'resource-explorer';
  if (source === 'config' && inventory.config) return 'config';
  return 'tagging-api';
}

async function loadSource(
  name: AwsSourceName,
  config: GuardrailsConfig,
  assumer: RoleAssumer,
): Promise<InventorySource> {
  const { organization } = config;
  const { inventory } = organization;
  if (name === 'resource-explorer' && inventory.resourceExplorer) {
    const { ResourceExplorerInventory } = await import('../adapters/aws/resource-explorer-inventory.js');
    return new ResourceExplorerInventory({
      viewArn: inventory.resourceExplorer.viewArn,
      roleName: inventory.resourceExplorer.roleName ?? organization.managementRoleName,
      assumer,
    });
  }
  if (name === 'config' && inventory.config) {
    const { ConfigAggregatorInventory } = await import('../adapters/aws/config-aggregator-inventory.js');
    const accountId = inventory.config.accountId ?? organization.managementAccountId;
    return new ConfigAggregatorInventory({
      aggregatorName: inventory.config.aggregatorName,
      region: inventory.config.region,
      account: {
        ...(accountId !== undefined && { managementAccountId: accountId }),
        managementRoleName: inventory.config.roleName ?? organization.managementRoleName,
      },
      assumer,
    });
  }
  const { TaggingInventory } = await import('../adapters/aws/tagging-inventory.js');
  return new TaggingInventory({ assumer, memberRoleName: organization.memberRoleName });
}

/**
 * An inventory source that imports its adapter on the first listing. Every
 * AWS adapter lists global resources (`globalScope`), each its own way; the
 * loaded adapter must report the name it stands for.
 */
function onFirstList(name: AwsSourceName, load: () => Promise<InventorySource>): InventorySource {
  let loaded: InventorySource | undefined;
  // A failed load is not kept: the next listing (this run's next scope, or the next run) tries again.
  const source = loadOnce(async () => {
    const adapter = await load();
    if (adapter.name !== name || adapter.globalScope !== true)
      throw new Error(`inventory adapter ${adapter.name} loaded for ${name}`);
    loaded = adapter;
    return adapter;
  });
  return {
    name,
    globalScope: true,
    get pageRequests() {
      return loaded?.pageRequests ?? 0;
    },
    async listResources(accountId, region) {
      return (await source()).listResources(accountId, region);
    },
  };
}
