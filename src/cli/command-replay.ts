import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../config/schema.js';
import { replay } from '../run/replay.js';
import { collect, headerArg, intArg, numberArg, secretArg } from './parse-values.js';
import { resolveForCli, type CliIo } from './cli-io.js';
import { clientTlsOptions, clientTlsOverrides, type ClientTlsFlags } from './tls-flags.js';
import type { CommandResult } from './run-cli.js';

interface ReplayFlags extends ClientTlsFlags {
  target?: string;
  baseline?: string;
  db?: string;
  session?: string;
  config?: string;
  concurrency?: number;
  rate?: number;
  timeout?: number;
  header?: Record<string, string>;
  secret?: Record<string, string>;
  out?: string;
  failOn?: string[];
  repeat?: number;
  reporter?: string[];
  metricsFile?: string;
  targetMetrics?: string;
  baselineMetrics?: string;
  metrics?: string[];
  oracle?: 'recording' | 'baseline';
  stubs?: string[];
  shard?: string;
  shardKey?: string;
}

function durationArg(v: string): number {
  try {
    return parseDuration(/^\d+(\.\d+)?$/.test(v) ? `${v}ms` : v);
  } catch {
    throw new InvalidArgumentError(`--timeout must be a duration such as 500ms, 10s or 2m (got "${v}")`);
  }
}

export function registerReplay(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('replay')
    .description('re-send a recorded session to a candidate build, compare every response, exit 1 on regressions')
    .option('--target <url>', 'the candidate build, e.g. http://127.0.0.1:3000')
    .option('--baseline <url>', 'a second instance of the recorded code: differences it shows too are noise')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--session <name>', 'session to replay: name, id or latest [default: latest]')
    .option('--config <file>', 'configuration file [default: ./replayguard.config.json if present]')
    .option('--concurrency <n>', 'requests in flight at most [default: 8]', intArg('--concurrency', 1, 1024))
    .option('--rate <n>', 'requests per second at most', numberArg('--rate'))
    .option('--timeout <duration>', 'per-request timeout, e.g. 10s [default: 10s]', durationArg)
    .option('--header <header>', "set a request header on every request, e.g. 'Authorization: Bearer ${CI_TOKEN}' (repeatable)", headerArg)
    .option('--secret <name=value>', "value of a secret redacted at record time, by key name, e.g. 'password=${PASSWORD}' (repeatable)", secretArg)
    .option('--out <dir>', 'folder for results.db, junit.xml, summary.json, summary.md, report.html [default: replay-out]')
    .option('--fail-on <tokens>', 'what fails the run, e.g. regression,error or regression>1% [default: regression,error]', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)])
    .option('--repeat <n>', 'send each exchange n times; values that differ between the repeats are noise', intArg('--repeat', 1, 5))
    .option('--reporter <name>', 'console, json, junit, markdown, html, prometheus (repeatable) [default: all but prometheus]', collect)
    .option('--metrics-file <file>', 'also write the run as Prometheus text (exchanges by verdict, duration) to this file')
    .option('--target-metrics <url>', "the candidate's Prometheus endpoint: its metrics are judged against --baseline-metrics")
    .option('--baseline-metrics <url>', "the baseline's Prometheus endpoint")
    .option('--metrics <names>', 'metrics judged, comma-separated [default: process_resident_memory_bytes,process_cpu_seconds_total]', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--oracle <what>', 'judge the candidate against the recording or the baseline (resilience under a stub fault plan) [default: recording]', (v: string) => {
      if (v !== 'recording' && v !== 'baseline') throw new InvalidArgumentError(`--oracle must be recording or baseline (got "${v}")`);
      return v;
    })
    .option('--stubs <urls>', 'replayguard stubs serving the targets\' dependencies, comma-separated: their hits, misses and faults go into the report', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)])
    .option('--shard <i/n>', 'replay part i of n of the session (a CI matrix job); combine the parts with `replayguard merge`')
    .option('--shard-key <key>', 'keep exchanges with the same header:NAME or query:NAME value in one shard, e.g. header:X-User-Id');
  clientTlsOptions(command, 'https targets').action(async (flags: ReplayFlags) => {
      const { config, fingerprint } = resolveForCli(io, flags.config, {
        db: flags.db,
        replay: {
          target: flags.target,
          baseline: flags.baseline,
          session: flags.session,
          concurrency: flags.concurrency,
          rate: flags.rate,
          timeout: flags.timeout,
          headers: flags.header,
          secrets: flags.secret,
          out: flags.out,
          failOn: flags.failOn,
          repeat: flags.repeat,
          oracle: flags.oracle,
          stubs: flags.stubs,
          shard: flags.shard,
          shardKey: flags.shardKey,
          tls: clientTlsOverrides(flags),
          metricsFile: flags.metricsFile,
          metrics: { target: flags.targetMetrics, baseline: flags.baselineMetrics, names: flags.metrics },
        },
      });
      const outcome = await replay({
        config,
        configFingerprint: fingerprint,
        cwd: io.cwd,
        env: io.env,
        reporters: flags.reporter,
        stdout: io.stdout,
        isTTY: io.isTTY,
        githubStepSummary: io.env.GITHUB_STEP_SUMMARY || null,
        warn: (m) => io.err(`replayguard: warning: ${m}`),
      });
      result.exitCode = outcome.exitCode;
    });

}
