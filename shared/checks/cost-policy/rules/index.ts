import type { CostRuleKind } from '../../../config/cost-policy-schema.js';
import type { CostRuleDefinition } from '../model.js';
import { allowedInstanceTypes } from './allowed-instance-types.js';
import { egress } from './egress.js';
import { logRetention } from './log-retention.js';
import { resourceLimit } from './resource-limit.js';
import { s3Lifecycle } from './s3-lifecycle.js';
import { volumeType } from './volume-type.js';

/** Every rule kind, by the `kind` the config names. */
export const COST_RULES: { readonly [K in CostRuleKind]: CostRuleDefinition<K> } = {
  'allowed-instance-types': allowedInstanceTypes,
  'log-retention': logRetention,
  's3-lifecycle': s3Lifecycle,
  'resource-limit': resourceLimit,
  'volume-type': volumeType,
  egress,
};
