import { Command, CommanderError } from 'commander';
import { isReplayguardError, reasonOf } from '../errors.js';
import { packageVersion } from '../package-version.js';
import type { CliIo } from './cli-io.js';
import { registerApprove } from './command-approve.js';
import { registerHar } from './command-har.js';
import { registerLs } from './command-ls.js';
import { registerRecord } from './command-record.js';
import { registerMerge } from './command-merge.js';
import { registerNoise } from './command-noise.js';
import { registerReplay } from './command-replay.js';
import { registerReport } from './command-report.js';
import { registerStub } from './command-stub.js';

/** What a command may tell the shell besides output: its exit code. */
export interface CommandResult {
  exitCode: number;
}

export function buildProgram(io: CliIo, result: CommandResult): Command {
  const program = new Command('replayguard')
    .description('Record real API traffic through a proxy, replay it against a candidate build, and flag every behaviour change that is not noise.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)');
  registerRecord(program, io);
  registerReplay(program, io, result);
  registerMerge(program, io, result);
  registerReport(program, io);
  registerNoise(program, io);
  registerLs(program, io);
  registerStub(program, io);
  registerHar(program, io);
  registerApprove(program, io);
  const output = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s) };
  for (const c of [program, ...program.commands]) c.exitOverride().configureOutput(output);
  return program;
}

/**
 * Run the CLI and return the exit code: 0 ok, 1 regressions (replay), 2 usage, configuration or
 * infrastructure errors. Every error names its cause and its fix.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const result: CommandResult = { exitCode: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (isReplayguardError(e)) {
      io.err(`replayguard: ${e.describe()}`);
      return e.exitCode;
    }
    io.err(`replayguard: unexpected error: ${reasonOf(e)}\n${(e as Error).stack ?? ''}\n  this is a bug: please report it with the command you ran`);
    return 2;
  }
}
