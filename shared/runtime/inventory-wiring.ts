import type { RoleAssumer } from '../adapters/aws/assume-role.js';
import { ConfigAggregatorInventory } from '../adapters/aws/config-aggregator-inventory.js';
import { ResourceExplorerInventory } from '../adapters/aws/resource-explorer-inventory.js';
import { TaggingInventory } from '../adapters/aws/tagging-inventory.js';
import { mergedInventory } from '../checks/tag-coverage/merged-inventory.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { InventorySource } from '../core/sources.js';

/**
 * The AWS inventory `organization.inventory` asks for: each listed source,
 * merged by ARN when there are several. The Tagging API reads each member
 * through its read role; Resource Explorer and Config read the view or
 * aggregator in the management account (or the delegated administrator the
 * config names) through the one role assumer the check already has, or with
 * the caller's own credentials when it runs there (one-account setups).
 *
 * @example
 * const inventory = awsInventory(config, organizationAccess(config, 'tag-coverage').assumer);
 */
export function awsInventory(config: GuardrailsConfig, assumer: RoleAssumer): InventorySource {
  const { organization } = config;
  const { inventory } = organization;
  const sources = inventory.sources.map((source): InventorySource => {
    if (source === 'resource-explorer' && inventory.resourceExplorer) {
      return new ResourceExplorerInventory({
        viewArn: inventory.resourceExplorer.viewArn,
        roleName: inventory.resourceExplorer.roleName ?? organization.managementRoleName,
        assumer,
      });
    }
    if (source === 'config' && inventory.config) {
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
    return new TaggingInventory({ assumer, memberRoleName: organization.memberRoleName });
  });
  return mergedInventory(sources);
}
