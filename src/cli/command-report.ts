import path from 'node:path';
import type { Command } from 'commander';
import { regenerateReport } from '../report/regenerate.js';
import type { CliIo } from './cli-io.js';
import { storedRunOptions, type StoredRunFlags } from './parse-values.js';

export function registerReport(program: Command, io: CliIo): void {
  storedRunOptions(program.command('report').description('regenerate report.html (and the other reports) from the results of a stored run'))
    .action(async (flags: StoredRunFlags) => {
      const { summary, reportPath } = await regenerateReport({ outDir: path.resolve(io.cwd, flags.out), run: flags.run, stdout: io.stdout });
      io.out(`report for run ${summary.run.id} (${summary.counts.total} exchanges): ${reportPath}`);
    });
}
