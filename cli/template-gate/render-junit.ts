import { describeWaiverStatus } from '../../shared/checks/cost-policy/waivers.js';
import type { GateFinding, GateResult } from './gate-result.js';

/**
 * JUnit XML (`--format junit`) for CI test reports: a test suite per
 * template, a test case per resource, a `<failure>` per blocking violation;
 * findings that do not block (unresolved, waived, informational, not judged)
 * make the case `<skipped>` with the reason. Waivers that did not apply are
 * a suite of their own, skipped with their fate. Valid against the Jenkins
 * xUnit plugin's junit-10.xsd (checked in the tests).
 */
export function renderJunit(result: GateResult): string {
  const suites = result.templates.map((template) => {
    const findings = result.findings.filter((f) => f.file === template.file);
    const ids = new Set(template.resources.map((r) => r.logicalId));
    // Loops and other findings without a resource of their own get a case too.
    const extra = findings
      .filter((f) => !ids.has(f.logicalId))
      .map((f) => ({ logicalId: f.logicalId, type: f.type }));
    const cases = [...template.resources, ...dedupe(extra)].map((resource) =>
      testCase(
        template.file,
        `${resource.logicalId} (${resource.type})`,
        findings.filter((f) => f.logicalId === resource.logicalId),
      ),
    );
    return suite(template.file, cases);
  });
  const stale = result.waivers.filter((w) => w.status !== 'applied');
  if (stale.length)
    suites.push(
      suite(
        `${result.configFile} waivers`,
        stale.map((w) => ({
          xml: `    <testcase classname="${attr(result.configFile)}" name="costPolicy.waivers[${w.index}]"><skipped message="${attr(describeWaiverStatus(w))}"/></testcase>\n`,
          failed: false,
          skipped: true,
        })),
      ),
    );
  const totals = suites.reduce((t, s) => ({ tests: t.tests + s.tests, failures: t.failures + s.failures }), {
    tests: 0,
    failures: 0,
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="finops-guardrails check-template" tests="${totals.tests}" failures="${totals.failures}" errors="0">\n` +
    suites.map((s) => s.xml).join('') +
    '</testsuites>\n'
  );
}

interface Case {
  readonly xml: string;
  readonly failed: boolean;
  readonly skipped: boolean;
}

function testCase(file: string, name: string, findings: readonly GateFinding[]): Case {
  const blocking = findings.filter((f) => f.blocking);
  const open = `    <testcase classname="${attr(file)}" name="${attr(name)}">`;
  if (blocking.length)
    return {
      xml: `${open}\n${blocking.map((f) => `      <failure type="${attr(f.ruleId)}" message="${attr(f.message)}">${text(`${f.ruleId}: ${f.message}${f.fix ? `\nfix: ${f.fix}` : ''}`)}</failure>\n`).join('')}    </testcase>\n`,
      failed: true,
      skipped: false,
    };
  if (findings.length) {
    const message = findings.map((f) => `${f.ruleId}: ${f.status}: ${f.message}`).join('; ');
    return { xml: `${open}<skipped message="${attr(message)}"/></testcase>\n`, failed: false, skipped: true };
  }
  return { xml: `${open}</testcase>\n`, failed: false, skipped: false };
}

function suite(name: string, cases: readonly Case[]) {
  const failures = cases.filter((c) => c.failed).length;
  const skipped = cases.filter((c) => c.skipped).length;
  return {
    tests: cases.length,
    failures,
    xml:
      `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n` +
      cases.map((c) => c.xml).join('') +
      '  </testsuite>\n',
  };
}

function dedupe<T extends { readonly logicalId: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.logicalId) && seen.add(i.logicalId));
}

/** XML-escapes text, dropping characters XML 1.0 cannot carry. */
function text(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

function attr(value: string): string {
  return text(value).replaceAll('"', '&quot;').replaceAll('\n', '&#10;');
}
