import path from 'node:path';
import type { Command } from 'commander';
import { learnedNoiseToConfig } from '../noise/learned-config.js';
import { findFinishedRun } from '../store/find-run.js';
import { openResultsStore, resultsLocation } from '../store/open-store.js';
import type { CliIo } from './cli-io.js';
import { storedRunOptions, type StoredRunFlags } from './parse-values.js';

export function registerNoise(program: Command, io: CliIo): void {
  storedRunOptions(program.command('noise').description('print the noise learned by a replay (--baseline or --repeat) as a config snippet to commit'))
    .action(async (flags: StoredRunFlags) => {
      const file = resultsLocation(path.resolve(io.cwd, flags.out));
      const store = await openResultsStore(file, { readonly: true });
      try {
        const { run, summary } = await findFinishedRun(store, flags.run);
        if (summary.learnedNoise.length === 0) {
          io.err(`run ${run.id} learned no noise (replay with --baseline URL or --repeat 2 to learn it)`);
          io.out('{}');
          return;
        }
        io.err(`noise learned by run ${run.id} (${summary.learnedNoise.length} patterns); merge into replayguard.config.json:`);
        io.out(JSON.stringify(learnedNoiseToConfig(summary.learnedNoise), null, 2));
      } finally {
        await store.close();
      }
    });
}
