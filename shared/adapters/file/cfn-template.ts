import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CollectionTag,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import * as z from 'zod';
import { type CfnTemplate, cfnTemplateSchema } from '../../checks/tag-coverage/template.js';
import { expandForEach, type UnexpandedLoop } from '../../checks/template/language-extensions.js';
import { localModules } from '../../checks/template/local-modules.js';
import { applySamGlobals } from '../../checks/template/sam-globals.js';
import { addSamImplicitApis } from '../../checks/template/sam-implicit-apis.js';
import {
  type DeployTimeContent,
  splitIncludedResources,
  unmodelledTransforms,
} from '../../checks/template/transforms.js';
import { formatIssues } from '../../config/issue-format.js';
import { yamlToJs } from '../../config/yaml-document.js';
import { InputError } from '../../core/errors.js';
import { parseJsonText } from './json-text.js';
import { indentQuotedContinuation } from './yaml-flow-continuation.js';

/**
 * Short-form intrinsics of CloudFormation YAML, besides `!Ref`, `!Condition`
 * and `!GetAtt`: every function of the intrinsic function reference,
 * including the condition, rule (`Rules` section) and language-extension
 * functions. `!X` is `{"Fn::X": …}`.
 */
const FN_TAGS = [
  'And',
  'Base64',
  'Cidr',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'Equals',
  'FindInMap',
  'ForEach',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'RefAll',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
  'ValueOf',
  'ValueOfAll',
] as const;

/** `!GetAtt Res.Attr` is `{"Fn::GetAtt": ["Res", "Attr"]}`; the list form passes through. */
function getAtt(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** One YAML tag for each node kind (`!Sub 'x'`, `!Sub [x, {}]`, `!Transform {Name: …}`). */
function intrinsicTags(tag: string, name: string, shape: (v: unknown) => unknown = (v) => v) {
  const scalar: ScalarTag = { tag, resolve: (text) => ({ [name]: shape(text) }) };
  const collections = (['seq', 'map'] as const).map(
    (collection): CollectionTag => ({
      tag,
      collection,
      resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [name]: shape(node.toJSON()) }),
    }),
  );
  return [scalar, ...collections];
}

const CFN_YAML_TAGS = [
  ...intrinsicTags('!Ref', 'Ref'),
  ...intrinsicTags('!Condition', 'Condition'),
  ...intrinsicTags('!GetAtt', 'Fn::GetAtt', getAtt),
  ...FN_TAGS.flatMap((fn) => intrinsicTags(`!${fn}`, `Fn::${fn}`)),
];

/** A parsed template, with what parsing learned besides the template itself. */
export interface ParsedTemplate {
  /** After `Fn::ForEach` expansion and SAM `Globals`: what CloudFormation would create. */
  readonly template: CfnTemplate;
  /** `Fn::ForEach` loops known only at deploy, with the reason. */
  readonly unexpandedLoops: readonly UnexpandedLoop[];
  /** The 1-based line of each resource's logical id (of its loop, for generated ones), where found. */
  readonly resourceLines: Readonly<Record<string, number>>;
  /**
   * What a transform writes at deploy: template-level transforms the gate
   * does not model, `Fn::Transform` entries of `Resources` (left out of
   * {@link template}), and resources whose properties one fills in (kept in
   * {@link template}, but not to be judged). Each with its line, where found.
   */
  readonly deployTimeContent: ReadonlyArray<DeployTimeContent & { readonly line?: number }>;
}

/**
 * Parses a CloudFormation template, JSON or YAML with short-form intrinsics
 * (`!Ref X` → `{Ref: 'X'}`, `!Sub` → `{'Fn::Sub': …}`), and validates the
 * part the checks read.
 *
 * @throws InputError naming the file (and `file:line:col` for YAML syntax).
 */
export function parseCfnTemplate(text: string, file: string): CfnTemplate {
  return parseCfnTemplateWithDetails(text, file).template;
}

/**
 * {@link parseCfnTemplate}, also expanding `Fn::ForEach` (the
 * `AWS::LanguageExtensions` transform) and applying SAM `Globals`, and
 * locating each resource's line for SARIF and JUnit reports.
 */
export function parseCfnTemplateWithDetails(text: string, file: string): ParsedTemplate {
  const json = looksLikeJson(text);
  const { value: raw, lines } = json ? parseJson(text, file) : parseYaml(text, file);
  const expanded =
    isRecord(raw) && isRecord(raw.Resources)
      ? expandForEach(raw.Resources)
      : { resources: undefined, unexpanded: [], generatedBy: new Map<string, string>() };
  const split = expanded.resources && splitIncludedResources(expanded.resources);
  const implicit = split && addSamImplicitApis(split.resources);
  const withGlobals =
    implicit && isRecord(raw) ? { ...raw, Resources: applySamGlobals(implicit.resources, raw.Globals) } : raw;
  const result = cfnTemplateSchema.safeParse(withGlobals);
  const macros = unmodelledTransforms(isRecord(raw) ? raw.Transform : undefined);
  const modules = localModules(isRecord(raw) ? raw.Modules : undefined);
  // A file of modules only has no Resources until the packager inlines them.
  const modulesOnly = modules.length > 0 && isRecord(raw) && raw.Resources === undefined;
  if (!result.success && (macros.length > 0 || modulesOnly)) {
    // CloudFormation runs the macro first: only its output must have a template's shape.
    const issues = formatIssues(result.error.issues).join('; ');
    return {
      template: { Resources: {} },
      unexpandedLoops: [],
      resourceLines: {},
      deployTimeContent: [
        ...macros.map((macro) => ({
          ...macro,
          reason: `the transform ${macro.type} rewrites the template at deploy, and as written it is not yet a CloudFormation template (${issues}): nothing in it is judged`,
        })),
        ...modules,
      ],
    };
  }
  if (!result.success) {
    throw new InputError(
      file,
      `not a CloudFormation template: ${formatIssues(result.error.issues).join('; ')}`,
      {
        cause: result.error,
      },
    );
  }
  const resourceLines: Record<string, number> = {};
  for (const logicalId of Object.keys(result.data.Resources)) {
    const line = lines(
      expanded.generatedBy.get(logicalId) ?? implicit?.createdBy.get(logicalId) ?? logicalId,
    );
    if (line !== undefined) resourceLines[logicalId] = line;
  }
  const deployTimeContent = [...macros, ...(split ? [...split.included, ...split.partial] : [])].map(
    (content) => {
      const line = content.key === 'Transform' ? undefined : lines(content.key);
      return line === undefined ? content : { ...content, line };
    },
  );
  deployTimeContent.push(...modules);
  return { template: result.data, unexpandedLoops: expanded.unexpanded, resourceLines, deployTimeContent };
}

/** Reads and parses one template file. */
export function readCfnTemplate(file: string): CfnTemplate {
  return parseCfnTemplate(readText(file), file);
}

/** Reads and parses one template file, with its loops and resource lines. */
export function readCfnTemplateWithDetails(file: string): ParsedTemplate {
  return parseCfnTemplateWithDetails(readText(file), file);
}

function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/** The line of a key under `Resources`. */
type LineOf = (resourceKey: string) => number | undefined;

interface Parsed {
  readonly value: unknown;
  readonly lines: LineOf;
}

function parseJson(text: string, file: string): Parsed {
  return { value: parseJsonText(text, file), lines: jsonResourceLines(text) };
}

/** Finds `"Key":` after `"Resources"`: enough for a report's line, never for parsing. */
function jsonResourceLines(text: string): LineOf {
  const resourcesAt = text.search(/"Resources"\s*:/);
  return (key) => {
    if (resourcesAt < 0) return undefined;
    const needle = `${JSON.stringify(key)}`;
    let at = text.indexOf(needle, resourcesAt);
    while (at >= 0 && !/^\s*:/.test(text.slice(at + needle.length, at + needle.length + 20)))
      at = text.indexOf(needle, at + 1);
    return at < 0 ? undefined : lineAt(text, at);
  };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** How many under-indented quoted scalars one template may have before its YAML error is reported. */
const MAX_REINDENTED_SCALARS = 20;

function parseYaml(text: string, file: string): Parsed {
  let lineCounter = new LineCounter();
  const parse = (source: string) =>
    parseDocument(source, { customTags: CFN_YAML_TAGS, prettyErrors: true, uniqueKeys: true, lineCounter });
  let doc = parse(text);
  const firstProblem = yamlProblem(doc);
  // A quoted scalar continued on a line no deeper than its key: read as YAML 1.1 parsers do.
  for (let attempt = 0, source = text; attempt < MAX_REINDENTED_SCALARS; attempt++) {
    const problem = yamlProblem(doc);
    const quote = problem?.message.match(/^Missing closing (['"])quote/)?.[1] as "'" | '"' | undefined;
    const line = problem?.linePos?.[0]?.line;
    const repaired = quote && line ? indentQuotedContinuation(source, line, quote) : undefined;
    if (repaired === undefined) break;
    source = repaired;
    lineCounter = new LineCounter();
    doc = parse(source);
  }
  const problem = yamlProblem(doc) && firstProblem;
  if (problem) {
    const line = problem.linePos?.[0];
    const where = line ? `${file}:${line.line}:${line.col}` : file;
    throw new InputError(
      where,
      `YAML error: ${problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const resources = doc.get('Resources', true);
  const lines: LineOf = (key) => {
    if (!isMap(resources)) return undefined;
    const pair = resources.items.find((item) => isScalar(item.key) && item.key.value === key);
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { value: yamlToJs(doc, { file, lineCounter }), lines };
}

/** The first error of a parsed document, or an unknown tag (reported as a warning by `yaml`). */
function yamlProblem(doc: ReturnType<typeof parseDocument>) {
  return doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'file not found' : 'cannot be read', { cause: error });
  }
}

/** A stack template of a cloud assembly, with the tags `cdk deploy` gives the stack. */
export interface AssemblyTemplate {
  readonly file: string;
  readonly stackName: string;
  readonly stackTags: Readonly<Record<string, string>>;
}

// The part of cdk.out/manifest.json we read (cloud-assembly-schema's AssemblyManifest).
const manifestSchema = z.object({
  artifacts: z
    .record(
      z.string(),
      z.object({
        type: z.string(),
        properties: z
          .object({
            templateFile: z.string().optional(),
            stackName: z.string().optional(),
            tags: z.record(z.string(), z.string()).optional(),
            directoryName: z.string().optional(),
          })
          .loose()
          .optional(),
      }),
    )
    .default({}),
});

/**
 * The stack templates of a `cdk.out` directory. With a `manifest.json`, its
 * stacks (and those of nested assemblies, such as stages) with their stack
 * tags; without one, every `*.template.json` with no stack tags.
 *
 * @throws InputError when the directory holds no template or a bad manifest.
 */
export function cloudAssemblyTemplates(dir: string): AssemblyTemplate[] {
  const manifestFile = join(dir, 'manifest.json');
  const templates = isFile(manifestFile)
    ? fromManifest(dir, manifestFile)
    : readdirSync(dir)
        .filter((name) => name.endsWith('.template.json'))
        .sort()
        .map((name) => ({
          file: join(dir, name),
          stackName: name.replace(/\.template\.json$/, ''),
          stackTags: {},
        }));
  if (templates.length === 0) throw new InputError(dir, 'no *.template.json in this directory');
  return templates;
}

function fromManifest(dir: string, manifestFile: string): AssemblyTemplate[] {
  const parsed = manifestSchema.safeParse(parseJson(readText(manifestFile), manifestFile).value);
  if (!parsed.success) {
    throw new InputError(
      manifestFile,
      `not a cloud assembly manifest: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  }
  return Object.entries(parsed.data.artifacts).flatMap(([id, artifact]): AssemblyTemplate[] => {
    const props = artifact.properties;
    if (artifact.type === 'cdk:cloud-assembly' && props?.directoryName)
      return cloudAssemblyTemplates(join(dir, props.directoryName));
    if (artifact.type !== 'aws:cloudformation:stack' || !props?.templateFile) return [];
    return [
      { file: join(dir, props.templateFile), stackName: props.stackName ?? id, stackTags: props.tags ?? {} },
    ];
  });
}

/** True when the path is a directory (a `cdk.out`). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
