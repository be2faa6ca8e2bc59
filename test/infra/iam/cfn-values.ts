/**
 * Resolves the CloudFormation values of a synthesized template to the
 * strings they would take once deployed, well enough to match IAM policies:
 * pseudo parameters from the stack's environment, `Ref` and `Fn::GetAtt` of
 * the stack's own resources to plausible physical names and ARNs (a created
 * role is `<stack>-<logical id>-RANDOM`, as CloudFormation names it), and
 * `Fn::Join`, `Fn::Select`, `Fn::Split`.
 */

export type Json = Record<string, unknown>;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
}

/** A synthesized stack, deployed in a known account and region. */
export interface StackTemplate {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: Readonly<Record<string, CfnResource>>;
  /** Values of the template's parameters (the StackSet passes the member template's). */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** The value, or undefined when it depends on something this model does not know. */
export function resolve(value: unknown, stack: StackTemplate): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Json;
  if ('Ref' in object) return ref(String(object.Ref), stack);
  if ('Fn::GetAtt' in object) {
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    return getAtt(id, attribute, stack);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    const resolved = parts.map((part) => resolve(part, stack));
    return resolved.every((p): p is string => p !== undefined) ? resolved.join(separator) : undefined;
  }
  if ('Fn::Select' in object) {
    const [index, list] = object['Fn::Select'] as [number, unknown];
    const items = resolveList(list, stack);
    return items?.[Number(index)];
  }
  return undefined;
}

function resolveList(value: unknown, stack: StackTemplate): string[] | undefined {
  if (Array.isArray(value)) {
    const items = value.map((v) => resolve(v, stack));
    return items.every((i): i is string => i !== undefined) ? items : undefined;
  }
  if (value && typeof value === 'object' && 'Fn::Split' in (value as Json)) {
    const [separator, source] = (value as Json)['Fn::Split'] as [string, unknown];
    return resolve(source, stack)?.split(separator);
  }
  return undefined;
}

function ref(id: string, stack: StackTemplate): string | undefined {
  switch (id) {
    case 'AWS::Partition':
      return stack.partition;
    case 'AWS::AccountId':
      return stack.account;
    case 'AWS::Region':
      return stack.region;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return stack.name;
  }
  if (stack.parameters && id in stack.parameters) return stack.parameters[id];
  const resource = stack.resources[id];
  if (!resource) return undefined;
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return resolve(props.TableName, stack) ?? `${stack.name}-${id}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${stack.region}.amazonaws.com/${stack.account}/${queueName(id, stack)}`;
    case 'AWS::SNS::Topic':
      return `arn:${stack.partition}:sns:${stack.region}:${stack.account}:${resolve(props.TopicName, stack) ?? `${stack.name}-${id}`}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:${stack.name}-${id}`;
    case 'AWS::S3::Bucket':
      return bucketName(id, stack);
    case 'AWS::KMS::Key':
      return `${stack.name}-${id}`;
    case 'AWS::IAM::Role':
      return roleName(id, stack);
    case 'AWS::Logs::LogGroup':
      return resolve(props.LogGroupName, stack) ?? id;
    case 'AWS::Lambda::Function':
      return `${stack.name}-${id}`;
    default:
      return id;
  }
}

function getAtt(id: string, attribute: string, stack: StackTemplate): string | undefined {
  const resource = stack.resources[id];
  if (!resource) return undefined;
  const p = stack.partition;
  const where = `${stack.region}:${stack.account}`;
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::DynamoDB::Table.Arn':
    case 'AWS::DynamoDB::GlobalTable.Arn':
      return `arn:${p}:dynamodb:${where}:table/${ref(id, stack)}`;
    case 'AWS::SQS::Queue.Arn':
      return `arn:${p}:sqs:${where}:${queueName(id, stack)}`;
    case 'AWS::SQS::Queue.QueueName':
      return queueName(id, stack);
    case 'AWS::KMS::Key.Arn':
      return `arn:${p}:kms:${where}:key/${stack.name}-${id}`;
    case 'AWS::S3::Bucket.Arn':
      return `arn:${p}:s3:::${bucketName(id, stack)}`;
    case 'AWS::IAM::Role.Arn':
      return `arn:${p}:iam::${stack.account}:role/${roleName(id, stack)}`;
    case 'AWS::Logs::LogGroup.Arn':
      return `arn:${p}:logs:${where}:log-group:${ref(id, stack)}:*`;
    case 'AWS::StepFunctions::StateMachine.Name':
      return `${stack.name}-${id}`;
    case 'AWS::SNS::Topic.TopicArn':
      return ref(id, stack);
    case 'AWS::Lambda::Function.Arn':
      return `arn:${p}:lambda:${where}:function:${ref(id, stack)}`;
    default:
      return undefined;
  }
}

function queueName(id: string, stack: StackTemplate): string {
  return resolve(stack.resources[id]?.Properties?.QueueName, stack) ?? `${stack.name}-${id}`;
}

function bucketName(id: string, stack: StackTemplate): string {
  return resolve(stack.resources[id]?.Properties?.BucketName, stack) ?? `${stack.name}-${id}`.toLowerCase();
}

/** A role's name: its RoleName, else CloudFormation's `<stack>-<logical id>-<random>`. */
export function roleName(id: string, stack: StackTemplate): string {
  return resolve(stack.resources[id]?.Properties?.RoleName, stack) ?? `${stack.name}-${id}-RANDOM`;
}
