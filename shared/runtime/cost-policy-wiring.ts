import { fileConfigItems, fileLogGroups } from '../adapters/file/config-items-json.js';
import { fileAccountDirectory, focusTagSpend } from '../adapters/file/tag-sources.js';
import { costPolicyCheck } from '../checks/cost-policy/runtime/check.js';
import type { CheckFactory } from './check-registry.js';
import { awsCostPolicySources } from './cost-policy-aws.js';

/**
 * Builds the cost-policy check for local files (accounts.json,
 * config-items.json, log-groups.json, and costs.csv for each resource's
 * cost) or for AWS.
 */
export const costPolicyFactory: CheckFactory = ({ mode, config, dataDir, log, region }) => {
  if (mode === 'file') {
    const files = { dir: dataDir, log };
    const focus = focusTagSpend(files);
    return costPolicyCheck({
      directory: fileAccountDirectory(files),
      config: fileConfigItems(dataDir),
      logGroups: fileLogGroups(dataDir),
      ...(focus.resourceCosts && {
        costs: {
          name: focus.name,
          resourceCosts: (input) => focus.resourceCosts?.(input) ?? Promise.resolve(new Map()),
        },
      }),
    }) as ReturnType<CheckFactory>;
  }
  return costPolicyCheck(awsCostPolicySources(config, region)) as ReturnType<CheckFactory>;
};
