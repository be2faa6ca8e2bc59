import type { Command } from 'commander';
import {
  type AssemblyTemplate,
  cloudAssemblyTemplates,
  isDirectory,
  readCfnTemplate,
} from '../../shared/adapters/file/cfn-template.js';
import { compileTagPolicy, describeProblem } from '../../shared/checks/tag-coverage/policy.js';
import { checkTemplateTags, describeUnresolved } from '../../shared/checks/tag-coverage/template.js';
import { ConfigError, InputError } from '../../shared/core/errors.js';
import { loadCliConfig } from '../config-hint.js';
import { type CliIo, EXIT } from '../io.js';

export interface CheckTemplateOptions {
  readonly config?: string;
  /** `k=v,k2=v2`: tags `cdk deploy --tags` gives every stack; they count as present on every resource. */
  readonly stackTags?: string;
}

/** `check-template FILE...`: the tag policy on CloudFormation templates before deploy; exit 1 on violations. */
export function registerCheckTemplate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('check-template')
    .description('check CloudFormation templates (JSON, YAML or a cdk.out directory) against the tag policy')
    .argument('<files...>', 'template files, or cdk.out directories (their stacks and stack tags)')
    .option('-c, --config <file>', 'config file with the tagPolicy', 'guardrails.config.yaml')
    .option('--stack-tags <tags>', 'k=v,... tags given to the stacks at deploy time (cdk deploy --tags)')
    .action((files: string[], options: CheckTemplateOptions) =>
      setExit(checkTemplateCommand(files, options, io)),
    );
}

/**
 * The `check-template` command, callable from tests. Prints one line per
 * problem (`file: LogicalId (AWS::Type): missing owner`) and, for
 * information, one per tag computed at deploy time; returns the exit code.
 */
export function checkTemplateCommand(
  files: readonly string[],
  options: CheckTemplateOptions,
  io: CliIo,
): number {
  let lines: string[];
  let summary: Summary;
  try {
    const config = loadCliConfig(options.config ?? 'guardrails.config.yaml');
    if (!config.tagPolicy)
      throw new ConfigError(options.config ?? 'guardrails.config.yaml', 'has no tagPolicy');
    const policy = compileTagPolicy(config.tagPolicy);
    const cliStackTags = parseStackTags(options.stackTags);
    summary = { templates: 0, checked: 0, violations: 0, resources: 0, unresolved: 0, skipped: 0 };
    lines = [];
    for (const template of files.flatMap(expand)) {
      const report = checkTemplateTags(readCfnTemplate(template.file), policy, {
        stackTags: { ...template.stackTags, ...cliStackTags },
      });
      summary.templates++;
      summary.checked += report.checked;
      summary.skipped += report.notTaggable + report.exempt + report.unknownTypes.length;
      for (const resource of report.resources) {
        const where = `${template.file}: ${resource.logicalId} (${resource.type})`;
        for (const problem of resource.problems) lines.push(`${where}: ${describeProblem(problem)}`);
        for (const tag of resource.unresolved)
          lines.push(`${where}: unresolved at synth: ${describeUnresolved(tag)}`);
        summary.violations += resource.problems.length;
        summary.unresolved += resource.unresolved.length;
        if (resource.problems.length) summary.resources++;
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  io.stderr.write(
    `${summary.templates} templates, ${summary.checked} taggable resources checked: ${summary.violations} violations on ${summary.resources} resources, ${summary.unresolved} tags unresolved at synth, ${summary.skipped} resources not taggable or exempt\n`,
  );
  return summary.violations > 0 ? EXIT.findings : EXIT.ok;
}

interface Summary {
  templates: number;
  checked: number;
  violations: number;
  resources: number;
  unresolved: number;
  skipped: number;
}

function expand(path: string): AssemblyTemplate[] {
  if (isDirectory(path)) return cloudAssemblyTemplates(path);
  return [{ file: path, stackName: path, stackTags: {} }];
}

/** `owner=search,environment=prod` → a record; values may contain `=`. */
export function parseStackTags(text: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (text === undefined) return tags;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, Math.max(eq, 0)).trim();
    if (eq < 0 || key === '') throw new InputError('--stack-tags', `"${pair}" is not key=value`);
    tags[key] = pair.slice(eq + 1).trim();
  }
  return tags;
}
