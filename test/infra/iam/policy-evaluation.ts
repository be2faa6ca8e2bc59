import { type Json, resolve, type StackTemplate } from './cfn-values.js';

/**
 * IAM policy evaluation, as much of it as the project's policies use: Allow
 * and Deny statements, Action and Resource with `*` and `?` wildcards, AWS
 * and Service principals, and the condition operators StringEquals,
 * StringLike, ArnLike, ArnEquals and Bool (with IfExists), ForAnyValue and
 * ForAllValues left out. A condition key absent from the request fails its
 * condition, as IAM's does. (IAM User Guide, "Policy evaluation logic" and
 * "IAM JSON policy elements: Condition operators".)
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A statement with its values resolved in the stack that holds it. */
export interface ResolvedStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** Resolved resources; `undefined` entries could not be resolved and match nothing. */
  readonly resources: readonly (string | undefined)[];
  readonly principals: { readonly aws: readonly string[]; readonly service: readonly string[] } | undefined;
  readonly conditions: ReadonlyArray<{
    operator: string;
    key: string;
    values: readonly (string | undefined)[];
  }>;
  /** Where it comes from, for messages. */
  readonly where: string;
}

/** One request to authorize. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  /** The principal's ARN, for resource and trust policies. */
  readonly principal?: string;
  /** Condition keys of the request context, such as `kms:ViaService`. */
  readonly context: Readonly<Record<string, string>>;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Resolves the statements of a policy document held by `stack`. */
export function resolveStatements(
  document: unknown,
  stack: StackTemplate,
  where: string,
): ResolvedStatement[] {
  const statements = asList((document as { Statement?: Statement | Statement[] } | undefined)?.Statement);
  return statements.map((statement) => {
    if (statement.NotAction) throw new Error(`${where}: NotAction is not modelled`);
    const principal = statement.Principal as { AWS?: unknown; Service?: unknown } | '*' | undefined;
    return {
      effect: statement.Effect,
      actions: asList(statement.Action),
      resources: asList(statement.Resource as unknown[]).map((r) => resolve(r, stack)),
      principals:
        principal === undefined
          ? undefined
          : typeof principal === 'string'
            ? { aws: ['*'], service: [] }
            : {
                aws: asList(principal.AWS as unknown[]).map((p) => resolve(p, stack) ?? '<unresolved>'),
                service: asList(principal.Service as unknown[]).map(
                  (p) => resolve(p, stack) ?? '<unresolved>',
                ),
              },
      conditions: Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
        Object.entries(keys).map(([key, values]) => ({
          operator,
          key,
          values: asList(values as unknown[]).map((v) => resolve(v, stack)),
        })),
      ),
      where,
    };
  });
}

/** `*` and `?` wildcards, as IAM matches actions (case-insensitively) and resources. */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function conditionHolds(
  condition: ResolvedStatement['conditions'][number],
  context: Readonly<Record<string, string>>,
): boolean {
  const ifExists = condition.operator.endsWith('IfExists');
  const operator = condition.operator.replace(/IfExists$/, '');
  const actual = context[condition.key];
  if (actual === undefined) return ifExists;
  const values = condition.values.filter((v): v is string => v !== undefined);
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(actual);
    case 'StringLike':
    case 'ArnLike':
      return values.some((v) => wildcardMatches(v, actual));
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'Bool':
      return values.includes(actual);
    default:
      throw new Error(`condition operator ${condition.operator} is not modelled`);
  }
}

/** The AWS principals a statement names match the requester: its ARN, its account root, or `*`. */
function principalMatches(statement: ResolvedStatement, principal: string | undefined): boolean {
  if (!statement.principals) return true;
  if (!principal) return false;
  const account = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
  return statement.principals.aws.some(
    (p) =>
      p === '*' ||
      p === principal ||
      (account !== undefined && (p === account || p.endsWith(`:${account}:root`))),
  );
}

function applies(statement: ResolvedStatement, request: Request): boolean {
  // A trust policy names no resource: it is the role's own.
  const resourceMatches =
    statement.resources.length === 0
      ? statement.principals !== undefined
      : statement.resources.some((r) => r !== undefined && wildcardMatches(r, request.resource));
  return (
    statement.actions.some((a) => wildcardMatches(a, request.action, true)) &&
    resourceMatches &&
    principalMatches(statement, request.principal) &&
    statement.conditions.every((c) => conditionHolds(c, request.context))
  );
}

/**
 * `allow` when an Allow statement applies and no Deny does; `deny` for an
 * explicit Deny; `none` otherwise (IAM's implicit deny).
 */
export function evaluate(
  statements: readonly ResolvedStatement[],
  request: Request,
): 'allow' | 'deny' | 'none' {
  const matching = statements.filter((s) => applies(s, request));
  if (matching.some((s) => s.effect === 'Deny')) return 'deny';
  return matching.some((s) => s.effect === 'Allow') ? 'allow' : 'none';
}

/** Every action an Allow statement names, as written (wildcards kept). */
export function allowedActions(statements: readonly ResolvedStatement[]): string[] {
  return [...new Set(statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions))];
}

/** The service principals of a trust policy's statements. */
export function trustedServices(document: Json | undefined, stack: StackTemplate): string[] {
  return resolveStatements(document, stack, 'trust').flatMap((s) => s.principals?.service ?? []);
}
