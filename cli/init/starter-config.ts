/**
 * The commented starter `guardrails.config.yaml` that `init` writes. The
 * optional sections are examples, commented out; `enabled` writes them
 * uncommented, which is how a test proves that they validate too.
 */
export function starterConfig(examples: 'commented' | 'enabled' = 'commented'): string {
  // Commented at the block's own indentation, so uncommenting keeps the YAML structure.
  const example = (block: string) => {
    const lines = block.trimEnd().split('\n');
    if (examples === 'enabled') return lines.join('\n');
    const base = Math.min(...lines.map((l) => l.length - l.trimStart().length));
    return lines.map((l) => `${l.slice(0, base)}# ${l.slice(base)}`).join('\n');
  };
  return `# finops-guardrails configuration. Reference: README.md, "Configuration reference".
# Check it with:  finops-guardrails validate-config guardrails.config.yaml
# Editors: point the YAML language server at schemas/guardrails-config.schema.json.
version: 1

organization:
  # auto: every ACTIVE account that AWS Organizations lists; or a list of 12-digit ids.
  accounts: auto
  # Regions scanned in every account. Global resources (IAM) count in the first.
  regions: [us-east-1]
  # The payer account; Organizations, Cost Explorer and Budgets are read through
  # managementRoleName there. Leave it out to use your own account.
${example(`  managementAccountId: "111111111111"`)}
  # Tag keys that name a resource's or an account's owner, first match wins.
  ownerTagKeys: [owner, team]
  # Who receives what nobody owns, and the organization-wide findings.
  defaultOwner: { team: finops, contact: finops@example.com }

tagPolicy:
  requiredTags:
    - key: owner
      pattern: "^[a-z][a-z0-9-]+$"        # a regular expression the whole value must match
    - key: environment
      allowedValues: [prod, staging, dev]
      keyCase: insensitive               # accept Environment too (still suggests the canonical spelling)
    - key: cost-center
  # A violation is info during the grace period, a warning after, an error after escalateAfter.
  gracePeriod: 7d
  escalateAfter: 30d
  # The share of resources, and of spend, that must carry every required tag:
  # a number between 0 and 1 (0.95 means 95%).
  coverageObjective: 0.95

# Workloads: cost anomalies judged against demand (unit cost) and SLOs. Uncomment and adapt:
${example(`workloads:
  - name: checkout
    owner: { team: payments, contact: payments-oncall@example.com }
    costFilter: { accounts: ["222222222222"] }
    demand:
      metric: { id: checkout_requests, namespace: AWS/ApiGateway, metricName: Count, dimensions: { ApiName: checkout } }
      unit: requests
    slos:
      - name: checkout-p99-latency
        kind: latency
        metric: { id: checkout_p99, namespace: AWS/ApiGateway, metricName: Latency, dimensions: { ApiName: checkout }, stat: p99 }
        objective: { comparison: "<=", threshold: 450 }`)}

anomaly:
  # Daily dollar impact below which a deviation is never an anomaly.
  minImpactUsd: 25

# Out-of-band probes, each an http:// or https:// URL. Uncomment and adapt:
${example(`probes:
  - name: checkout-health
    url: https://checkout.example.com/health
    expect: { status: ["200-299"], latencyMs: 1000, certDaysLeft: 14 }
    owner: { team: payments }`)}

sinks:
  # The incident queue: created by the stack, or an existing one imported by ARN.
  sqs: { fifo: false }

deployment:
  toolingRegion: us-east-1
  # Probes run from another region (and ideally another account) than production.
  observer: { region: us-west-2 }
  # Tags on every resource the stacks create; they must meet tagPolicy.
  tags: { owner: finops, environment: prod, cost-center: cc-0100 }
`;
}
