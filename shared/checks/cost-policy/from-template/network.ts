import { intrinsic, isRecord, mapResolved, resolveAt, type TemplateScope } from '../../template/resolve.js';
import type { EgressFact, Resolved } from '../model.js';
import { stringAt } from './compute.js';

type Resources = Readonly<
  Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
>;

const INTERNET: Resolved<string | undefined> = { kind: 'known', value: 'internet' };
const NONE: Resolved<string | undefined> = { kind: 'known', value: undefined };

/**
 * The public egress paths of each template resource: public NAT gateways,
 * internet gateways attached by an `AWS::EC2::VPCGatewayAttachment`,
 * egress-only internet gateways, and security-group egress destinations
 * (inline, and `AWS::EC2::SecurityGroupEgress` resources folded into the
 * group they name, as AWS Config records them).
 */
export function templateEgress(
  resources: Resources,
  scope: TemplateScope,
): ReadonlyMap<string, EgressFact[]> {
  const facts = new Map<string, EgressFact[]>();
  const add = (id: string, fact: EgressFact) => facts.set(id, [...(facts.get(id) ?? []), fact]);
  const attached = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::EC2::VPCGatewayAttachment') continue;
    const ref = referencedId(resource.Properties?.InternetGatewayId);
    if (ref) attached.add(ref);
  }
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::EC2::NatGateway':
        add(id, {
          kind: 'nat-gateway',
          property: 'ConnectivityType',
          // Unset, a NAT gateway is public (its default connectivity type).
          destination: mapResolved(stringAt(props, ['ConnectivityType'], scope), (t) =>
            (t ?? 'public') === 'public' ? 'internet' : undefined,
          ),
        });
        break;
      case 'AWS::EC2::InternetGateway':
        add(id, {
          kind: 'internet-gateway',
          property: 'VPCGatewayAttachment',
          destination: attached.has(id) ? INTERNET : NONE,
        });
        break;
      case 'AWS::EC2::EgressOnlyInternetGateway':
        add(id, { kind: 'egress-only-internet-gateway', property: 'VpcId', destination: INTERNET });
        break;
      case 'AWS::EC2::SecurityGroup':
        for (const fact of inlineEgress(props, scope)) add(id, fact);
        break;
      case 'AWS::EC2::SecurityGroupEgress': {
        const group = referencedId(props.GroupId);
        const owner =
          group !== undefined && resources[group]?.Type === 'AWS::EC2::SecurityGroup' ? group : id;
        for (const fact of egressRule(props, `AWS::EC2::SecurityGroupEgress ${id}`, scope)) add(owner, fact);
        break;
      }
    }
  }
  return facts;
}

function inlineEgress(props: Readonly<Record<string, unknown>>, scope: TemplateScope): EgressFact[] {
  const list = resolveAt(props, ['SecurityGroupEgress'], scope);
  if (list.kind === 'known' && list.value === undefined) {
    // EC2 gives every new VPC security group an allow-all IPv4 egress rule unless egress rules are declared.
    return [
      {
        kind: 'security-group',
        property: "SecurityGroupEgress (unset: EC2's default allow-all rule)",
        destination: { kind: 'known', value: '0.0.0.0/0' },
      },
    ];
  }
  if (list.kind !== 'known' || !Array.isArray(list.value))
    return [
      {
        kind: 'security-group',
        property: 'SecurityGroupEgress',
        destination: {
          kind: 'unknown',
          via: list.kind === 'known' ? 'SecurityGroupEgress' : list.via,
          options: [],
        },
      },
    ];
  return list.value.flatMap((rule, i) => egressRule(rule, `SecurityGroupEgress[${i}]`, scope));
}

function egressRule(rule: unknown, property: string, scope: TemplateScope): EgressFact[] {
  if (!isRecord(rule)) return [];
  return (['CidrIp', 'CidrIpv6'] as const)
    .filter((field) => rule[field] !== undefined)
    .map((field) => ({
      kind: 'security-group' as const,
      property: `${property}.${field}`,
      destination: stringAt(rule, [field], scope),
    }));
}

/** The logical id a `Ref` or `Fn::GetAtt` names. */
function referencedId(value: unknown): string | undefined {
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string') return fn[1];
  if (fn?.[0] === 'Fn::GetAtt' && Array.isArray(fn[1]) && typeof fn[1][0] === 'string') return fn[1][0];
  return undefined;
}
