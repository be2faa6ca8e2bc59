import { AwsFault, json11 } from '../protocols/json11.js';
import { page, type World } from '../world.js';

/** Services whose resources the Tagging API returns only from us-east-1. */
const US_EAST_1_ONLY = new Set(['cloudfront', 'route53']);

/**
 * The Resource Groups Tagging API over JSON 1.1, with AWS's semantics:
 * GetResources lists only resources that are or once were tagged (API
 * reference, GetResources: "does not return untagged resources"), never IAM
 * users and roles, global CloudFront and Route 53 resources only in
 * us-east-1, at most 100 a page, and an empty PaginationToken on the last.
 */
export function taggingService(world: World) {
  return json11('ResourceGroupsTaggingAPI_20170126', {
    GetResources: (input, caller) => {
      const size = Number(input.ResourcesPerPage ?? 50);
      if (size < 1 || size > 100)
        throw new AwsFault('InvalidParameterException', 'ResourcesPerPage must be between 1 and 100');
      const listed = world.resources.filter((r) => {
        if (r.accountId !== caller.accountId || !r.everTagged) return false;
        const service = r.arn.split(':')[2] ?? '';
        if (service === 'iam') return false;
        if (r.region === 'global') return US_EAST_1_ONLY.has(service) && caller.region === 'us-east-1';
        return r.region === caller.region;
      });
      const { items, next } = page(listed, input.PaginationToken, size);
      return {
        ResourceTagMappingList: items.map((r) => ({
          ResourceARN: r.arn,
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
        })),
        PaginationToken: next ?? '',
      };
    },
  });
}
