import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { describeWaiverStatus } from '../../shared/checks/cost-policy/waivers.js';
import type { Severity } from '../../shared/core/severity.js';
import { type GateFinding, type GateResult, WAIVER_RULE_ID } from './gate-result.js';

/** The SARIF log's URI base: paths are relative to where `check-template` ran (the repository root in CI). */
const SRCROOT = '%SRCROOT%';

/**
 * SARIF 2.1.0 (`--format sarif`), for code-scanning dashboards such as
 * GitHub's: one result per finding, located at the file and line of the
 * resource's logical id. Violations are `kind: fail` with the rule's level;
 * waived ones carry an accepted external suppression with the waiver's
 * reason; unresolved and not-judged ones are `review` and `notApplicable`
 * (level `none`, as the spec requires for kinds other than `fail`).
 */
export function renderSarif(result: GateResult, cwd: string): string {
  const ruleIndex = new Map(result.rules.map((rule, i) => [rule.id, i]));
  const uri = (file: string) =>
    relative(cwd, file)
      .split(sep)
      .map((part) => encodeURIComponent(part))
      .join('/');
  const results = [
    ...result.findings.map((f) => findingResult(f, uri(f.file), ruleIndex.get(f.ruleId) ?? -1)),
    ...result.waivers
      .filter((w) => w.status !== 'applied')
      .map((w) => ({
        ruleId: WAIVER_RULE_ID,
        ruleIndex: ruleIndex.get(WAIVER_RULE_ID) ?? -1,
        level: w.status === 'unused' ? ('note' as const) : ('warning' as const),
        message: { text: `costPolicy.waivers[${w.index}]: ${describeWaiverStatus(w)}` },
        locations: [
          { physicalLocation: { artifactLocation: { uri: uri(result.configFile), uriBaseId: SRCROOT } } },
        ],
        partialFingerprints: {
          'finopsGuardrails/v1': fingerprint(result.configFile, String(w.index), w.waiver.rule),
        },
      })),
  ];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'finops-guardrails',
            semanticVersion: '0.1.0',
            rules: result.rules.map((rule) => ({
              id: rule.id,
              name: rule.kind,
              shortDescription: { text: rule.description },
              defaultConfiguration: { level: level(rule.severity) },
              properties: { tags: ['finops', rule.kind] },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: `file://${encodeURI(cwd.split(sep).join('/'))}/` } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function findingResult(f: GateFinding, uri: string, ruleIndex: number) {
  const kind =
    f.status === 'unresolved' ? 'review' : f.status === 'not-judged' ? 'notApplicable' : ('fail' as const);
  const text = [
    `${f.logicalId} (${f.type}): ${f.message}`,
    ...(f.candidates?.length
      ? [`candidates: ${f.candidates.map((c) => `${c.value} ${c.status}`).join('; ')}`]
      : []),
    ...(f.fix && f.status !== 'unresolved' ? [`fix: ${f.fix}`] : []),
  ].join('. ');
  return {
    ruleId: f.ruleId,
    ruleIndex,
    kind,
    level: kind === 'fail' ? level(f.severity) : 'none',
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: SRCROOT },
          ...(f.line !== undefined && { region: { startLine: f.line } }),
        },
        logicalLocations: [
          { name: f.logicalId, fullyQualifiedName: `Resources.${f.logicalId}`, kind: 'resource' },
        ],
      },
    ],
    partialFingerprints: { 'finopsGuardrails/v1': fingerprint(f.file, f.logicalId, f.ruleId) },
    ...(f.waiver &&
      !f.waiver.expired && {
        suppressions: [
          {
            kind: 'external',
            state: 'accepted',
            justification: `${f.waiver.reason} (until ${f.waiver.expires})`,
          },
        ],
      }),
    properties: { resourceType: f.type, status: f.status, blocking: f.blocking },
  };
}

/** SARIF levels from our severities: `info` is a note. */
function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'info' ? 'note' : severity === 'warning' ? 'warning' : 'error';
}

/** Stable across runs and line moves: the problem's identity, not its position. */
function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
