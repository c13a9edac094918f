import path from 'node:path';
import type { Command } from 'commander';
import { regenerateReport } from '../report/regenerate.js';
import type { CliIo } from './cli-io.js';
import { SHADOW_OUT_DEFAULT } from '../shadow/shadow-out.js';
import { storedRunOptions, type StoredRunFlags } from './parse-values.js';

export function registerReport(program: Command, io: CliIo): void {
  const command = storedRunOptions(program.command('report').description('regenerate report.html (and the other reports) from the results of a stored run'))
    .option('--shadow', 'render the current state of the live shadow run (in shadow-out/ unless --out is given)');
  command.action(async (flags: StoredRunFlags & { shadow?: boolean }) => {
      // The shadow run lives in its own folder; --out still wins when given.
      const out = flags.shadow && command.getOptionValueSource('out') === 'default' ? SHADOW_OUT_DEFAULT : flags.out;
      const { summary, reportPath } = await regenerateReport({ outDir: path.resolve(io.cwd, out), run: flags.run, stdout: io.stdout });
      io.out(`report for run ${summary.run.id} (${summary.counts.total} exchanges): ${reportPath}`);
    });
}
