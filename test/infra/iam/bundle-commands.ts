import { build } from 'esbuild';

/** One SDK command the code of a handler's bundle can send. */
export interface SentCommand {
  /** `client-sqs`, `client-dynamodb`, …: the `@aws-sdk/*` package; lib-dynamodb commands count as client-dynamodb's. */
  readonly package: string;
  /** The operation: `SendMessageBatch`, `PutItem`, … */
  readonly command: string;
}

/** What a handler's bundle sends, derived from its code. */
export interface BundleCommands {
  readonly commands: readonly SentCommand[];
  /**
   * The item kinds (`Put`, `Delete`, `ConditionCheck`, …) written as keys of
   * objects in the project's own code: the items a TransactWriteItems or
   * TransactGetItems can carry, each authorized by its own action.
   */
  readonly transactItemKinds: readonly string[];
  /** The project's own modules in the bundle. */
  readonly modules: readonly string[];
}

const TRANSACT_ITEM_KEYS = ['Put', 'Update', 'Delete', 'ConditionCheck', 'Get'];

/**
 * Bundles a handler as the stacks do (esbuild, ESM, tree-shaken, the SDK
 * included) but unminified, and collects the SDK commands its own code
 * references: a `XxxCommand` class or a `paginateXxx` paginator imported
 * from an `@aws-sdk/*` package, where the bundle still uses it after tree
 * shaking, and through lazy `import()` too, which esbuild bundles in (a
 * destructured namespace included).
 *
 * Only the project's own modules count: the SDK's credential providers send
 * STS and SSO calls of their own that Lambda's credentials never trigger,
 * and its clients reference commands (DescribeEndpoints, CreateSession) that
 * run only with features the project does not use.
 *
 * @param mapDocumentCommand lib-dynamodb's command (`Put`) → client-dynamodb's operation (`PutItem`).
 */
export async function bundleCommands(
  entry: string,
  mapDocumentCommand: (command: string) => string | undefined,
): Promise<BundleCommands> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    outfile: 'handler.mjs',
  });
  const text = result.outputFiles[0]?.text ?? '';
  // esbuild starts every module of an unminified bundle with a `// <path>` comment line.
  const sections = text.split(/^\/\/ (?=\S+\.(?:js|mjs|cjs|ts)$)/m).map((section) => {
    const newline = section.indexOf('\n');
    return { path: section.slice(0, newline), body: section.slice(newline + 1) };
  });

  /** Bundle identifier → command, from the SDK's command and paginator modules. */
  const definitions = new Map<string, SentCommand>();
  const paginators = new Map<string, string>();
  for (const { path, body } of sections) {
    const command = /@aws-sdk\/([^/]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(path);
    if (command) {
      // `var X = class …`, or `X = class …` inside the lazy `__esm` wrapper of a module loaded by import().
      const identifier = /\b(\w+) = class extends\b/.exec(body)?.[1];
      const [, pkg = '', name = ''] = command;
      if (identifier) definitions.set(identifier, toSent(pkg, name, mapDocumentCommand));
      continue;
    }
    const paginator = /\b(paginate\w+) = createPaginator\(\w+, (\w+),/.exec(body);
    if (paginator && path.includes('@aws-sdk/')) {
      const [, identifier = '', commandIdentifier = ''] = paginator;
      paginators.set(identifier, commandIdentifier);
    }
  }

  // A package imported with `import()` and destructured (`const { AssumeRoleCommand } = await import(…)`)
  // is reached through its namespace object: its export names map to the (possibly renamed) classes.
  const exported = new Map<string, SentCommand>();
  for (const { path, body } of sections) {
    const index = /@aws-sdk\/([^/]+)\/dist-es\/index\.js$/.exec(path);
    if (!index) continue;
    for (const [, name = '', identifier = ''] of body.matchAll(/^\s+(\w+): \(\) => (\w+),?$/gm)) {
      const command = definitions.get(identifier);
      if (command && name.endsWith('Command')) exported.set(name, command);
    }
  }

  const own = sections.filter(({ path }) => !path.includes('node_modules') && /\.ts$/.test(path));
  const sent = new Map<string, SentCommand>();
  const itemKinds = new Set<string>();
  for (const { body } of own) {
    for (const identifier of new Set(body.match(/\b[A-Za-z_$][\w$]*\b/g) ?? [])) {
      const command = definitions.get(paginators.get(identifier) ?? identifier) ?? exported.get(identifier);
      if (command) sent.set(`${command.package}:${command.command}`, command);
    }
    for (const key of TRANSACT_ITEM_KEYS) if (new RegExp(`\\b${key}\\s*:`).test(body)) itemKinds.add(key);
  }
  return {
    commands: [...sent.values()].sort((a, b) =>
      `${a.package}:${a.command}`.localeCompare(`${b.package}:${b.command}`),
    ),
    transactItemKinds: [...itemKinds].sort(),
    modules: own.map(({ path }) => path),
  };
}

function toSent(
  pkg: string,
  name: string,
  mapDocumentCommand: (command: string) => string | undefined,
): SentCommand {
  if (pkg !== 'lib-dynamodb') return { package: pkg, command: name };
  return { package: 'client-dynamodb', command: mapDocumentCommand(name) ?? `lib-dynamodb ${name}` };
}
