import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { functionBuildOptions, LAMBDA_HANDLERS } from '../../infra/constructs/function-bundle.js';
import { repoFile } from './support/cdk.js';

const out = mkdtempSync(join(tmpdir(), 'runtime-zod-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * The packages a handler's cold start imports: the function's own build,
 * with every package left external so only the project's code is bundled
 * (a fraction of a second), then the static imports followed from the entry.
 */
async function coldStartPackages(handler: string): Promise<string[]> {
  const { metafile } = await build({
    ...functionBuildOptions({
      entry: repoFile(`functions/${handler}/handler.ts`),
      outdir: join(out, handler),
      sourcemap: false,
    }),
    packages: 'external',
    minify: false,
    write: false,
  });
  const outputs = (metafile as Metafile).outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith('index.mjs'));
  const loaded = entry ? [entry] : [];
  const packages = new Set<string>();
  for (let i = 0; i < loaded.length; i++) {
    for (const imported of outputs[loaded[i] as string]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else if (!loaded.includes(imported.path)) loaded.push(imported.path);
    }
  }
  return [...packages];
}

describe('zod in the Lambda functions', () => {
  it.each(LAMBDA_HANDLERS)('%s reaches zod only through zod/mini at a cold start', async (handler) => {
    const packages = await coldStartPackages(handler);
    // Classic zod (`zod`, `zod/v4`) carries its JSON-schema code and every method into the cold start.
    expect(packages.filter((p) => p === 'zod' || p === 'zod/v4' || p.startsWith('zod/v4/classic'))).toEqual(
      [],
    );
    expect(packages).toContain('zod/mini');
  });

  it('every module that imports zod/mini also sets the English locale', () => {
    const sources = ['shared', 'functions'].flatMap((dir) =>
      readdirSync(repoFile(dir), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${dir}/${file}`),
    );
    const mini = sources.filter((file) =>
      /^import (?!type )[^;]*from 'zod\/mini';/m.test(readFileSync(repoFile(file), 'utf8')),
    );
    const withoutLocale = mini.filter(
      (file) =>
        file !== 'shared/core/zod-locale.ts' &&
        !/^import '[./\w-]*\/zod-locale\.js';/m.test(readFileSync(repoFile(file), 'utf8')),
    );
    expect(mini.length).toBeGreaterThan(10);
    expect(withoutLocale).toEqual([]);
  });

  it('word their errors in English without classic zod, which zod/mini alone does not', async () => {
    // A fresh process with the runtime schemas and no classic zod: zod/mini's own messages are
    // bare until a runtime schema module (through shared/core/zod-locale.ts) sets the locale.
    const dir = join(out, 'messages');
    const schema = JSON.stringify(repoFile('shared/checks/tag-coverage/scan-result.ts'));
    const result = await build({
      stdin: {
        contents: [
          "import * as z from 'zod/mini';",
          'const bare = z.safeParse(z.string(), 1).error?.issues[0]?.message;',
          `const { accountScanResultSchema } = await import(${schema});`,
          "const parsed = accountScanResultSchema.safeParse({ accountId: '12', source: 7 });",
          'process.stdout.write(JSON.stringify({ bare, messages: parsed.error?.issues.map((i) => i.message) }));',
        ].join('\n'),
        resolveDir: repoFile('.'),
        loader: 'ts',
      },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      mainFields: ['module', 'main'],
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      metafile: true,
      logLevel: 'error',
    });
    expect(Object.keys(result.metafile.inputs).filter((input) => input.includes('zod/v4/classic'))).toEqual(
      [],
    );
    const printed = JSON.parse(
      execFileSync(process.execPath, [join(dir, 'stdin.mjs')], { encoding: 'utf8' }),
    );
    expect(printed.bare).toBe('Invalid input');
    expect(printed.messages).toEqual([
      'must be a 12-digit account id',
      'Invalid input: expected string, received number',
      'Invalid input: expected array, received undefined',
      'Invalid input: expected array, received undefined',
      'Invalid input: expected array, received undefined',
    ]);
  });
});
