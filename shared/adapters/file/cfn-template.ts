import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CollectionTag,
  LineCounter,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import * as z from 'zod';
import { type CfnTemplate, cfnTemplateSchema } from '../../checks/tag-coverage/template.js';
import { formatIssues } from '../../config/loader.js';
import { yamlToJs } from '../../config/yaml-document.js';
import { InputError } from '../../core/errors.js';
import { parseJsonText } from './json-text.js';

/** Short-form intrinsics of CloudFormation YAML, besides `!Ref`, `!Condition` and `!GetAtt`. */
const FN_TAGS = [
  'And',
  'Base64',
  'Cidr',
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
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
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

/**
 * Parses a CloudFormation template, JSON or YAML with short-form intrinsics
 * (`!Ref X` → `{Ref: 'X'}`, `!Sub` → `{'Fn::Sub': …}`), and validates the
 * part the tag check reads.
 *
 * @throws InputError naming the file (and `file:line:col` for YAML syntax).
 */
export function parseCfnTemplate(text: string, file: string): CfnTemplate {
  const raw = looksLikeJson(text) ? parseJson(text, file) : parseYaml(text, file);
  const result = cfnTemplateSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      file,
      `not a CloudFormation template: ${formatIssues(result.error.issues).join('; ')}`,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/** Reads and parses one template file. */
export function readCfnTemplate(file: string): CfnTemplate {
  return parseCfnTemplate(readText(file), file);
}

function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

function parseJson(text: string, file: string): unknown {
  return parseJsonText(text, file);
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    customTags: CFN_YAML_TAGS,
    prettyErrors: true,
    uniqueKeys: true,
    lineCounter,
  });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const line = problem.linePos?.[0];
    const where = line ? `${file}:${line.line}:${line.col}` : file;
    throw new InputError(
      where,
      `YAML error: ${problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  return yamlToJs(doc, { file, lineCounter });
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
  const parsed = manifestSchema.safeParse(parseJson(readText(manifestFile), manifestFile));
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
