import { createHash } from 'node:crypto';
import { type CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Logical ids that do not depend on how a stack groups its resources.
 *
 * A stack split into constructs, one per concern, would otherwise give every
 * resource a new logical id (the construct's id joins the path), and
 * CloudFormation would replace every function, role, alarm and schedule on
 * the next deploy; a retained log group with a fixed name would even fail
 * the deploy. A construct marked {@link markTransparent} is left out of its
 * children's logical ids, so they keep the ids they had directly under the
 * stack.
 */

const TRANSPARENT = Symbol.for('finops-guardrails.transparent-scope');
/** CDK's own rules (aws-cdk-lib core `makeUniqueId`): a `Default` child is hidden, a `Resource` child is not named. */
const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const HASH_LENGTH = 8;
const MAX_HUMAN_LENGTH = 240;
const MAX_ID_LENGTH = 255;

/** Leaves `scope` out of the logical ids of everything below it. */
export function markTransparent(scope: IConstruct): void {
  Object.defineProperty(scope, TRANSPARENT, { value: true });
}

function isTransparent(scope: IConstruct): boolean {
  return (scope as unknown as Record<symbol, unknown>)[TRANSPARENT] === true;
}

/**
 * The logical id CDK would give `element` if every transparent scope on its
 * path were absent: CDK's hashed addressing scheme over the remaining path.
 */
export function transparentLogicalId(element: CfnElement): string {
  const scopes = element.node.scopes;
  const stackIndex = scopes.indexOf(element.stack);
  const components = scopes
    .slice(stackIndex + 1)
    .filter((scope) => !isTransparent(scope))
    .map((scope) => scope.node.id);
  return hashedId(components);
}

/**
 * CDK's `Names.nodeUniqueId` of `construct` as if its transparent scopes
 * were absent: ids that CDK derives from another construct's path (an event
 * source mapping's, for one) stay what they were before the split.
 */
export function transparentUniqueId(construct: IConstruct): string {
  const components = construct.node.scopes
    .slice(1)
    .filter((scope) => !isTransparent(scope))
    .map((scope) => scope.node.id);
  return hashedId(components);
}

/** CDK's `makeUniqueId`: a lone short component as is, else the readable path and an MD5 of the whole. */
export function hashedId(path: readonly string[]): string {
  const components = path.filter((c) => c !== HIDDEN_ID);
  if (components.length === 0) throw new Error('cannot name a resource with an empty path');
  const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1) {
    const candidate = alphanumeric(components[0] ?? '');
    if (candidate.length <= MAX_ID_LENGTH) return candidate;
  }
  const hash = createHash('md5')
    .update(components.join('/'))
    .digest('hex')
    .slice(0, HASH_LENGTH)
    .toUpperCase();
  const human = withoutRepeats(components)
    .filter((c) => c !== HIDDEN_FROM_HUMAN_ID)
    .map(alphanumeric)
    .join('')
    .slice(0, MAX_HUMAN_LENGTH);
  return human + hash;
}

/** `['Queue', 'DeadLetterQueue']` stays; `['Topic', 'Topic']` becomes `['Topic']`, as CDK does. */
function withoutRepeats(path: readonly string[]): string[] {
  const kept: string[] = [];
  for (const component of path) {
    if (kept.length === 0 || !kept[kept.length - 1]?.endsWith(component)) kept.push(component);
  }
  return kept;
}

/**
 * A stack whose transparent scopes do not count in logical ids. Two
 * resources that would collide (the same id in two transparent scopes) fail
 * synth, rather than one silently replacing the other.
 */
export class TransparentScopesStack extends Stack {
  readonly #allocated = new Map<string, string>();

  protected override allocateLogicalId(element: CfnElement): string {
    const id = transparentLogicalId(element);
    const previous = this.#allocated.get(id);
    if (previous !== undefined && previous !== element.node.path) {
      throw new Error(`${element.node.path} and ${previous} would share the logical id ${id}`);
    }
    this.#allocated.set(id, element.node.path);
    return id;
  }
}

/** Pins a stateful resource's logical id, so refactoring the construct tree can never replace it. */
export function stableLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource whose logical id could be pinned`);
  }
  resource.overrideLogicalId(logicalId);
}

/** `tag-coverage` → `TagCoverage`, for construct ids. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
