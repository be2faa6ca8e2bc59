import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_QUERIES, resourceLimitQuery } from '../../../../shared/checks/cost-policy/config-queries.js';
import { COST_RULES } from '../../../../shared/checks/cost-policy/rules/index.js';

/** AWS Config's advanced-query property schema, the properties this project reads (see the fixture's source). */
const schema = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/aws-config/advanced-query-properties.json', import.meta.url),
    'utf8',
  ),
) as { common: string[]; properties: Record<string, string[]> };

function selected(expression: string): string[] {
  const fields = /^SELECT (.+) WHERE /.exec(expression)?.[1] ?? '';
  return fields.split(',').map((f) => f.trim());
}

describe('the AWS Config queries of the runtime cost check', () => {
  it('has one query per rule kind (resource-limit: one per configured type)', () => {
    expect(CONFIG_QUERIES.map((q) => q.kind).sort()).toEqual(
      Object.keys(COST_RULES)
        .filter((k) => k !== 'resource-limit')
        .sort(),
    );
    expect(resourceLimitQuery('AWS::EC2::NatGateway').expression).toBe(
      "SELECT resourceId, resourceType, arn, accountId, awsRegion, configurationItemStatus, tags WHERE resourceType = 'AWS::EC2::NatGateway'",
    );
  });

  it('covers exactly the Config types each rule says it judges', () => {
    for (const query of CONFIG_QUERIES)
      expect(query.resourceTypes).toEqual(COST_RULES[query.kind].configTypes);
  });

  it('selects only properties the advanced-query schema lists (a leaf, or the parent of listed leaves) for some queried type', () => {
    for (const query of CONFIG_QUERIES) {
      const known = query.resourceTypes.flatMap((t) => schema.properties[t] ?? []);
      for (const field of selected(query.expression)) {
        const listed =
          field === 'tags' ||
          schema.common.includes(field) ||
          known.some((p) => p === field || p.startsWith(`${field}.`));
        expect(listed, `${query.kind}: ${field}`).toBe(true);
      }
      expect(query.expression.length).toBeLessThanOrEqual(4096); // SelectAggregateResourceConfig Expression limit
    }
  });
});
