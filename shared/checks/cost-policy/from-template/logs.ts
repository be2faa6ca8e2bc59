import { intrinsic, isRecord, type TemplateScope } from '../../template/resolve.js';
import type { FunctionLogGroupFact, Resolved } from '../model.js';
import { numberAt } from './compute.js';

type Resources = Readonly<
  Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
>;

/** A log group the template creates: an `AWS::Logs::LogGroup`, or CDK's `Custom::LogRetention`. */
interface DeclaredLogGroup {
  readonly logicalId: string;
  /** The name, with references kept symbolic (`/aws/lambda/{Ref Fn}`); `undefined` when computed otherwise. */
  readonly name?: string;
  readonly retentionDays: Resolved<number | undefined>;
}

/** How each function's logs are kept, and which log groups belong to a function. */
export interface TemplateLogGroups {
  readonly functions: ReadonlyMap<string, FunctionLogGroupFact>;
  /** Log group logical id → the function it serves. */
  readonly ownedBy: ReadonlyMap<string, string>;
}

const FUNCTION_TYPES: ReadonlySet<string> = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

/**
 * Links every function to the log group the template creates for it:
 * through `LoggingConfig.LogGroup`, or by the name Lambda writes to,
 * `/aws/lambda/<function name>`, whether spelled literally, with `Fn::Sub`
 * or with `Fn::Join` around a `Ref` to the function.
 */
export function templateLogGroups(resources: Resources, scope: TemplateScope): TemplateLogGroups {
  const declared: DeclaredLogGroup[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Logs::LogGroup' || resource.Type === 'Custom::LogRetention') {
      const name = symbolicName(props.LogGroupName);
      declared.push({
        logicalId,
        ...(name !== undefined && { name }),
        retentionDays: numberAt(props, ['RetentionInDays'], scope),
      });
    }
  }
  const functions = new Map<string, FunctionLogGroupFact>();
  const ownedBy = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!FUNCTION_TYPES.has(resource.Type)) continue;
    const fact = functionLogGroup(logicalId, resource.Properties ?? {}, declared);
    functions.set(logicalId, fact);
    if (fact.state === 'declared') ownedBy.set(fact.logGroup, logicalId);
  }
  return { functions, ownedBy };
}

function functionLogGroup(
  logicalId: string,
  props: Readonly<Record<string, unknown>>,
  declared: readonly DeclaredLogGroup[],
): FunctionLogGroupFact {
  const loggingConfig = props.LoggingConfig;
  const configured = isRecord(loggingConfig) ? loggingConfig.LogGroup : undefined;
  if (configured !== undefined) {
    const ref = intrinsic(configured);
    const byRef = ref?.[0] === 'Ref' ? declared.find((d) => d.logicalId === ref[1]) : undefined;
    if (byRef) return { state: 'declared', logGroup: byRef.logicalId, retentionDays: byRef.retentionDays };
  }
  const functionName =
    props.FunctionName === undefined ? `{Ref ${logicalId}}` : symbolicName(props.FunctionName);
  const name =
    configured !== undefined ? symbolicName(configured) : functionName && `/aws/lambda/${functionName}`;
  if (name === undefined) return { state: 'unknown', reason: 'its log group name, computed at deploy,' };
  const match = declared.find((d) => d.name === name);
  if (match) return { state: 'declared', logGroup: match.logicalId, retentionDays: match.retentionDays };
  return { state: 'absent', name: name.replace(/\{Ref ([^}]+)\}/g, (_, ref: string) => `\${${ref}}`) };
}

/**
 * A name with its references kept as `{Ref X}`, so that `!Sub /aws/lambda/${Fn}`
 * and `!Join ['', ['/aws/lambda/', !Ref Fn]]` compare equal.
 */
export function symbolicName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const fn = intrinsic(value);
  if (!fn) return undefined;
  const [name, arg] = fn;
  if (name === 'Ref') return typeof arg === 'string' ? `{Ref ${arg}}` : undefined;
  if (name === 'Fn::Sub') {
    const text = Array.isArray(arg) && isRecord(arg[1]) && Object.keys(arg[1]).length === 0 ? arg[0] : arg;
    if (typeof text !== 'string') return undefined;
    return text.replace(/\$\{([^!}][^}]*)\}/g, (_, ref: string) => `{Ref ${ref}}`).replaceAll('${!', '${');
  }
  if (name === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const parts = arg[1].map(symbolicName);
    return parts.every((p) => p !== undefined) ? parts.join(arg[0]) : undefined;
  }
  return undefined;
}
