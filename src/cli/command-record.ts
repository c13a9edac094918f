import type { Command } from 'commander';
import { startRecorder } from '../record/recorder.js';
import { resolveLocation } from '../store/open-store.js';
import { collect, fractionArg, intArg } from './parse-values.js';
import { resolveForCli, type CliIo } from './cli-io.js';

/** How long flushing may take once the grace period has cut what was in flight. */
const FLUSH_ALLOWANCE_MS = 10_000;

interface RecordFlags {
  upstream?: string;
  port?: number;
  host?: string;
  db?: string;
  session?: string;
  config?: string;
  sample?: number;
  include?: string[];
  exclude?: string[];
  maxBodyBytes?: number;
}

export function registerRecord(program: Command, io: CliIo): void {
  program
    .command('record')
    .description('run the recording proxy in front of an upstream, storing every exchange in SQLite')
    .option('--upstream <url>', 'where requests are forwarded, e.g. http://staging:8080')
    .option('--port <port>', 'port to listen on (0 picks a free one) [default: 8080]', intArg('--port', 0, 65535))
    .option('--host <host>', 'address to listen on [default: 127.0.0.1]')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--session <name>', 'session name [default: rec-<date>-<time>]')
    .option('--config <file>', 'configuration file [default: ./replayguard.config.json if present]')
    .option('--sample <fraction>', 'fraction of traffic recorded, 0..1 (all is forwarded)', fractionArg('--sample'))
    .option('--include <pattern>', 'record only matching requests, e.g. "GET /api/**" (repeatable)', collect)
    .option('--exclude <pattern>', 'never record matching requests, e.g. /health (repeatable)', collect)
    .option('--max-body-bytes <n>', 'store at most this many bytes of each body [default: 1048576]', intArg('--max-body-bytes'))
    .action(async (flags: RecordFlags) => {
      const { config } = resolveForCli(io, flags.config, {
        db: flags.db,
        record: {
          upstream: flags.upstream,
          port: flags.port,
          host: flags.host,
          session: flags.session,
          sample: flags.sample,
          include: flags.include,
          exclude: flags.exclude,
          maxBodyBytes: flags.maxBodyBytes,
        },
      });
      // Relative paths are relative to the CLI's working directory, as `ls` reads them; URLs stay URLs.
      const recorder = await startRecorder({ config: { ...config, db: resolveLocation(config.db, io.cwd) }, env: io.env, cwd: io.cwd, log: (line) => io.err(line) });
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) {
            const s = recorder.stats();
            io.err(`replayguard record: second ${signal}: exiting now; ${s.queued} captures not yet stored are lost`);
            io.exit(2);
            return;
          }
          stopping = true;
          io.err(`replayguard record: ${signal}: finishing in-flight requests (up to ${config.record.shutdownGrace} ms) and flushing…`);
          // In-flight requests are cut at the grace; this only fires if storing what was captured hangs.
          setTimeout(() => {
            io.err(`replayguard record: storage did not finish within ${FLUSH_ALLOWANCE_MS} ms of the grace period; exiting`);
            io.exit(2);
          }, config.record.shutdownGrace + FLUSH_ALLOWANCE_MS).unref();
          void recorder.close().then(() => {
            const s = recorder.stats();
            io.err(`replayguard record: stopped; session "${s.session}": ${s.written} exchanges stored, ${s.dropped} dropped`);
            resolve();
          });
        };
        io.onSignal('SIGINT', () => stop('SIGINT'));
        io.onSignal('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
