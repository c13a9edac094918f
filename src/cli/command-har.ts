import type { Command } from 'commander';
import { exportHar } from '../har/export-har.js';
import { importHar } from '../har/import-har.js';
import { displayLocation, resolveLocation } from '../store/open-store.js';
import { resolveForCli, type CliIo } from './cli-io.js';

interface HarFlags {
  db?: string;
  config?: string;
  session: string;
  origin?: string;
  har?: string;
}

/** `replayguard import FILE.har` and `replayguard export --har FILE`: HAR 1.2 in and out. */
export function registerHar(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('import a HAR 1.2 file (browser DevTools, Playwright, mitmproxy, Charles …) as a recorded session, redacted as recording does')
    .argument('<file>', 'the .har file')
    .requiredOption('--session <name>', 'session to import into')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--config <file>', 'configuration file')
    .option('--origin <url>', 'import the entries of this origin [default: the one most entries went to]')
    .action(async (file: string, flags: HarFlags) => {
      const { config } = resolveForCli(io, flags.config, { db: flags.db });
      const db = resolveLocation(config.db, io.cwd);
      const out = await importHar({ file: resolveLocation(file, io.cwd), config: { ...config, db }, session: flags.session, ...(flags.origin ? { origin: flags.origin } : {}), env: io.env });
      io.out(`imported ${out.imported} entries of ${out.origin} into session "${out.session.name}" in ${displayLocation(db)}`);
      for (const s of out.skipped) io.out(`  skipped ${s.entries}: ${s.reason}`);
    });

  program
    .command('export')
    .description('write a recorded session as a HAR 1.2 file (redacted values stay redacted)')
    .requiredOption('--session <name>', 'session to export (name, id or latest)')
    .requiredOption('--har <file>', 'the .har file to write')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--config <file>', 'configuration file')
    .action(async (flags: HarFlags) => {
      const { config } = resolveForCli(io, flags.config, { db: flags.db });
      const file = resolveLocation(flags.har!, io.cwd);
      const out = await exportHar({ config: { ...config, db: resolveLocation(config.db, io.cwd) }, session: flags.session, file, version: program.version() ?? '0.0.0' });
      io.out(`wrote ${out.entries} entries of session "${flags.session}" to ${file}`);
    });
}
