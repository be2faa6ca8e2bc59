import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from '../../bin/node-version.mjs';
import { COMMANDS, commandNamed } from '../../cli/command-index.js';
import { main } from '../../cli/main.js';
import { memoryIo } from '../support/memory-io.js';

describe('the command index', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'lists %s as its module defines it',
    async (name, entry) => {
      const program = new Command('fg');
      (await entry.load())(program, memoryIo(), () => {});
      const command = program.commands.find((c) => c.name() === name);
      expect(command?.description()).toBe(entry.summary);
      expect(new Help().subcommandTerm(command as Command)).toBe(entry.term);
    },
  );

  it('names the command an argument vector runs', () => {
    expect(commandNamed(['node', 'fg', 'run', '--config', 'x.yaml'])).toBe('run');
    expect(commandNamed(['node', 'fg', 'help', 'doctor'])).toBe('doctor');
    expect(commandNamed(['node', 'fg', '--help'])).toBeUndefined();
  });

  it('prints the version, and suggests a command for a misspelt one', async () => {
    const io = memoryIo();
    expect(await main(['node', 'fg', '--version'], io)).toBe(0);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(io.out()).toBe(`${version}\n`);
    const typo = memoryIo();
    expect(await main(['node', 'fg', 'valdate-config'], typo)).toBe(2);
    expect(typo.err()).toMatch(/\(Did you mean validate-config\?\)/);
  });

  it('shows a command’s own options in its help', async () => {
    const io = memoryIo();
    expect(await main(['node', 'fg', 'help', 'detect'], io)).toBe(0);
    expect(io.out()).toMatch(/--input <file>/);
  });
});

describe('the Node.js version check (bin/node-version.mjs)', () => {
  it('asks for the engines version in one line, saying how to get it', () => {
    const { engines } = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`);
    const line = nodeVersionProblem('20.11.1', 'npm test') as string;
    expect(line).toMatch(
      /^npm test needs Node\.js 22 or later, and this is Node\.js v20\.11\.1: install Node\.js 24/,
    );
    expect(line).not.toContain('\n');
    expect(nodeVersionProblem('22.0.0', 'x')).toBeUndefined();
    expect(nodeVersionProblem('24.11.0', 'x')).toBeUndefined();
  });
});
