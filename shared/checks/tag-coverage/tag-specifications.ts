/**
 * The tags a resource gives itself through `TagSpecifications`, as a list
 * of `{Key, Value}`: the `Tags` of every item whose `ResourceType` names the
 * resource (`launch-template` for `AWS::EC2::LaunchTemplate`). Items for
 * other resource types (the instances an EC2 Fleet launches) are left out.
 *
 * What cannot be read stays an intrinsic in the list, so the reader treats
 * the key set as computed: the whole property, an item, an item's
 * `ResourceType` or its `Tags` given by an intrinsic function.
 *
 * @example
 * ownTagSpecifications([{ ResourceType: 'launch-template', Tags: [{ Key: 'owner', Value: 'search' }] },
 *   { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }], 'launch-template')
 * // [{ Key: 'owner', Value: 'search' }]
 */
export function ownTagSpecifications(value: unknown, resourceType: string): unknown {
  if (!Array.isArray(value)) return value;
  const tags: unknown[] = [];
  for (const item of value) {
    if (!isPlainRecord(item) || isIntrinsic(item)) {
      tags.push(item);
      continue;
    }
    const named = item.ResourceType;
    if (isIntrinsic(named)) {
      tags.push(named);
      continue;
    }
    if (named !== resourceType) continue;
    if (Array.isArray(item.Tags)) tags.push(...item.Tags);
    else if (item.Tags !== undefined) tags.push(item.Tags);
  }
  return tags;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Ref`, `Fn::*` or `Condition` as the only key. */
function isIntrinsic(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  const keys = Object.keys(value);
  const [only] = keys;
  return (
    keys.length === 1 &&
    only !== undefined &&
    (only === 'Ref' || only === 'Condition' || only.startsWith('Fn::'))
  );
}
