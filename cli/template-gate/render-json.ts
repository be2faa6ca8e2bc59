import type { GateResult } from './gate-result.js';
import { gateBlocks } from './gate-result.js';

/** The whole result as one JSON document (`--format json`). */
export function renderJson(result: GateResult): string {
  return `${JSON.stringify(
    {
      version: 1,
      blocked: gateBlocks(result),
      config: result.configFile,
      templates: result.templates,
      rules: result.rules,
      findings: result.findings,
      waivers: result.waivers.map(({ waiver, index, status, waived }) => ({
        index,
        status,
        waived,
        ...waiver,
      })),
    },
    null,
    2,
  )}\n`;
}
