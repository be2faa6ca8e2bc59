import { Command, CommanderError, Help } from 'commander';
import { COMMANDS, commandNamed } from './command-index.js';
import { type CliIo, EXIT, processIo } from './io.js';
import { VERSION } from './version.js';

/**
 * Builds the `finops-guardrails` program. Every command is listed, but only
 * the one `argv` names is loaded and defined in full; the others are
 * name-and-summary entries for the help, so start-up stays fast.
 */
export async function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  argv: readonly string[] = [],
): Promise<Command> {
  const program = new Command('finops-guardrails')
    .description('FinOps and guardrail checks for AWS Organizations, delivered to one incident queue')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const named = commandNamed(argv);
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? new Help().subcommandTerm(cmd) });
  for (const entry of COMMANDS) {
    if (entry.name === named) (await entry.load())(program, io, setExit);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  try {
    const program = await buildProgram(
      io,
      (c) => {
        code = c;
      },
      argv,
    );
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  } finally {
    io.status?.stop();
  }
  return code;
}
