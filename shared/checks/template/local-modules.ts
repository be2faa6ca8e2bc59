import { isRecord } from './resolve.js';
import type { DeployTimeContent } from './transforms.js';

/**
 * The entries of a template's `Modules` section, each reported as not
 * judged. CloudFormation accepts no such section: a packager (the AWS CLI's
 * `cloudformation package` with local modules, aws/aws-cli pull request
 * 9124, or Rain's `rain pkg`) inlines each module's resources before the
 * template is deployed, so they are not in the file the gate reads. The key
 * is `Modules.<name>`, which no logical id can equal.
 *
 * @example
 * localModules({ Logs: { Source: './bucket.yaml' } })
 * // [{ key: 'Modules.Logs', type: 'module ./bucket.yaml', reason: 'the module Logs (./bucket.yaml) is inlined … ' }]
 */
export function localModules(modules: unknown): DeployTimeContent[] {
  if (!isRecord(modules)) return [];
  return Object.entries(modules).map(([name, module]) => {
    const source = isRecord(module) && typeof module.Source === 'string' ? module.Source : undefined;
    const what = source === undefined ? `the module ${name}` : `the module ${name} (${source})`;
    return {
      key: `Modules.${name}`,
      type: source === undefined ? 'module' : `module ${source}`,
      reason: `${what} is inlined by a packager (aws cloudformation package, rain pkg) before deploy: its resources are not judged here; run the gate on the packaged template`,
    };
  });
}
