import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'finops-guardrails';

/**
 * The directory of this package's package.json, found by walking up from
 * `from`. The CLI runs both from cli/ (tests) and from the bundle's chunks
 * in dist/cli/, at different depths, so a fixed `../..` would be wrong in one.
 *
 * @example
 * join(packageRoot(), 'examples', 'demo-org');
 */
export function packageRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}
