import type { CostRuleDefinition, EgressFact, EgressKind } from '../model.js';
import { allOf, COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

const PUBLIC_DESTINATIONS: ReadonlySet<string> = new Set(['internet', '0.0.0.0/0', '::/0']);

const LABEL: Readonly<Record<EgressKind, string>> = {
  'nat-gateway': 'a public NAT gateway',
  'internet-gateway': 'an attached internet gateway',
  'egress-only-internet-gateway': 'an egress-only internet gateway',
  'security-group': 'security-group egress',
};

/**
 * `egress`: NAT gateways, internet gateways and security-group egress to
 * `0.0.0.0/0` or `::/0` only in `allowedEnvironments`. A security group
 * that declares no egress rule keeps EC2's default allow-all IPv4 rule.
 */
export const egress: CostRuleDefinition<'egress'> = {
  kind: 'egress',
  templateTypes: [
    'AWS::EC2::NatGateway',
    'AWS::EC2::InternetGateway',
    'AWS::EC2::EgressOnlyInternetGateway',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::SecurityGroupEgress',
  ],
  configTypes: [
    'AWS::EC2::NatGateway',
    'AWS::EC2::InternetGateway',
    'AWS::EC2::EgressOnlyInternetGateway',
    'AWS::EC2::SecurityGroup',
  ],
  readsEnvironment: true,
  judge(resource, rule, context) {
    const paths = (resource.facts.egress ?? []).filter(
      (e) => !rule.resources || rule.resources.includes(e.kind),
    );
    if (paths.length === 0) return notApplicable('no public egress path this rule judges');
    const allowed =
      context.environment !== undefined && rule.allowedEnvironments.includes(context.environment);
    return allOf(
      paths.map((path) =>
        judgeEach(
          path.destination,
          (d) => d ?? 'none',
          (d) => {
            if (d === undefined || !PUBLIC_DESTINATIONS.has(d))
              return notApplicable(`${path.property} is not public`);
            return allowed
              ? COMPLIANT
              : violation(path, d, context.environment, context.environmentTagKey, rule);
          },
        ),
      ),
      'no public egress',
    );
  },
};

function violation(
  path: EgressFact,
  destination: string,
  environment: string | undefined,
  tagKey: string,
  rule: { readonly allowedEnvironments: readonly string[] },
) {
  const where = environment === undefined ? `with no ${tagKey} tag` : `in ${environment}`;
  const to = destination === 'internet' ? '' : ` to ${destination} (${path.property})`;
  const allowedText = rule.allowedEnvironments.length
    ? `only in ${rule.allowedEnvironments.join(', ')}`
    : 'in no environment';
  return nonCompliant(
    `${LABEL[path.kind]}${to} ${where}: public egress is allowed ${allowedText}`,
    path.kind === 'security-group'
      ? `restrict ${path.property.split(' ')[0]} to the destinations the workload needs (VPC endpoints, prefix lists)`
      : `remove it and reach AWS services through VPC endpoints, or deploy to ${rule.allowedEnvironments.join(' or ') || 'an environment that allows egress'}`,
  );
}
