import type { Command } from 'commander';
import { resolveLocation } from '../store/open-store.js';
import { collect, fractionArg, intArg } from './parse-values.js';
import { resolveForCli, type CliIo } from './cli-io.js';
import { clientTlsOptions, clientTlsOverrides, reloadTlsOnSighup, serverTlsOptions, serverTlsOverride, type ClientTlsFlags, type ServerTlsFlags } from './tls-flags.js';

/** How long flushing may take once the grace period has cut what was in flight. */
const FLUSH_ALLOWANCE_MS = 10_000;

interface RecordFlags extends ClientTlsFlags, ServerTlsFlags {
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
  shadow?: string;
  shadowBaseline?: string;
  shadowSample?: number;
  shadowMethods?: string[];
  shadowOut?: string;
}

export function registerRecord(program: Command, io: CliIo): void {
  const command = program
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
    .option('--max-body-bytes <n>', 'store at most this many bytes of each body [default: 1048576]', intArg('--max-body-bytes'));
  serverTlsOptions(command)
    .option('--shadow <url>', 'mirror a sample of live requests to this candidate after each client has its answer, and compare')
    .option('--shadow-baseline <url>', 'a second instance of the code the upstream runs: differences it shows too are noise')
    .option('--shadow-sample <fraction>', 'fraction of recorded requests mirrored, 0..1 [default: 0.05]', fractionArg('--shadow-sample'))
    .option('--shadow-methods <list>', 'methods mirrored, e.g. GET,HEAD [default: GET,HEAD]; mutating ones only when listed', (v: string) => v.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean))
    .option('--shadow-out <dir>', 'folder of the rolling shadow run [default: shadow-out]');
  clientTlsOptions(command, 'an https upstream').action(async (flags: RecordFlags) => {
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
          tls: serverTlsOverride(flags, 'record'),
          upstreamTls: clientTlsOverrides(flags),
          shadow: { target: flags.shadow, baseline: flags.shadowBaseline, sample: flags.shadowSample, methods: flags.shadowMethods, out: flags.shadowOut },
        },
      });
      // Relative paths are relative to the CLI's working directory, as `ls` reads them; URLs stay URLs.
      // Loaded only by `record`: the proxy, prom-client and the shadow mirror weigh on every other command's memory.
      const { startRecorder } = await import('../record/recorder.js');
      const recorder = await startRecorder({ config: { ...config, db: resolveLocation(config.db, io.cwd) }, env: io.env, cwd: io.cwd, log: (line) => io.err(line) });
      if (config.record.tls) reloadTlsOnSighup(io, 'record', () => recorder.reloadTls());
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
          const backstop = setTimeout(() => {
            io.err(`replayguard record: storage did not finish within ${FLUSH_ALLOWANCE_MS} ms of the grace period; exiting`);
            io.exit(2);
          }, config.record.shutdownGrace + FLUSH_ALLOWANCE_MS).unref();
          void recorder.close().then(() => {
            // Cleared, not only unref'd: run in-process (tests, the API) it would fire after a clean stop.
            clearTimeout(backstop);
            const s = recorder.stats();
            const why = s.dropped > 0 ? ' (not stored: the queue was full or storage was unreachable)' : '';
            io.err(`replayguard record: stopped; session "${s.session}": ${s.written} exchanges stored, ${s.dropped} dropped${why}`);
            resolve();
          });
        };
        io.onSignal('SIGINT', () => stop('SIGINT'));
        io.onSignal('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
