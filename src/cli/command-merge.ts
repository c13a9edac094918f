import type { Command } from 'commander';
import { mergeShards } from '../run/merge.js';
import type { CliIo } from './cli-io.js';
import { collect } from './parse-values.js';
import type { CommandResult } from './run-cli.js';

interface MergeFlags {
  out?: string;
  reporter?: string[];
}

export function registerMerge(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('merge')
    .description('combine the outputs of `replay --shard i/n` into one run: results, learned noise, latency, every report, one exit code')
    .argument('<shard-out...>', 'the --out folder of each shard')
    .option('--out <dir>', 'folder for the merged results.db and reports [default: replay-out]')
    .option('--reporter <name>', 'console, json, junit, markdown, html (repeatable) [default: all]', collect)
    .action(async (dirs: string[], flags: MergeFlags) => {
      const outcome = await mergeShards({
        shardDirs: dirs,
        outDir: flags.out ?? 'replay-out',
        cwd: io.cwd,
        reporters: flags.reporter,
        stdout: io.stdout,
        isTTY: io.isTTY,
        githubStepSummary: io.env.GITHUB_STEP_SUMMARY || null,
      });
      result.exitCode = outcome.exitCode;
    });
}
