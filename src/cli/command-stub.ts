import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadFaultPlan } from '../faults/fault-plan.js';
import { resolveLocation } from '../store/open-store.js';
import { collect, intArg } from './parse-values.js';
import { resolveForCli, type CliIo } from './cli-io.js';
import { reloadTlsOnSighup, serverTlsOptions, serverTlsOverride, type ServerTlsFlags } from './tls-flags.js';

interface StubFlags extends ServerTlsFlags {
  db?: string;
  session?: string;
  port?: number;
  host?: string;
  config?: string;
  faults?: string;
  seed?: number;
  onMiss?: string;
  latency?: 'none' | 'recorded' | number;
  ignore?: string[];
  matchHeader?: string[];
}

function latencyArg(v: string): 'none' | 'recorded' | number {
  if (v === 'none' || v === 'recorded') return v;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--latency must be none, recorded or a scale such as 0.5 (got "${v}")`);
  return n;
}

export function registerStub(program: Command, io: CliIo): void {
  const command = program
    .command('stub')
    .description('serve a recorded session as the dependency it was recorded from, optionally injecting faults from a plan')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--session <name>', 'session served (name, id or latest) [default: latest]')
    .option('--port <port>', 'port to listen on (0 picks a free one) [default: 9100]', intArg('--port', 0, 65535))
    .option('--host <host>', 'address to listen on [default: 127.0.0.1]')
    .option('--config <file>', 'configuration file [default: ./replayguard.config.json if present]')
    .option('--faults <file>', 'fault plan (JSON): { "seed": 7, "faults": [ { "match": "GET /price/**", "status": { "code": 503 } } ] }')
    .option('--seed <n>', "seed of the fault decisions (overrides the plan's)", intArg('--seed'))
    .option('--on-miss <policy>', 'fail (502 naming the closest recorded requests), passthrough=URL, record=URL [default: fail]')
    .option('--latency <mode>', 'none, recorded, or a scale of the recorded time such as 0.5 [default: none]', latencyArg)
    .option('--ignore <part>', 'leave a request part out of matching: a JSON pointer (/nonce, **/ts) or a query name (_) (repeatable)', collect)
    .option('--match-header <name>', 'a request header that must match too (repeatable)', collect);
  serverTlsOptions(command).action(async (flags: StubFlags) => {
      const faults = flags.faults ? loadFaultPlan(path.resolve(io.cwd, flags.faults)) : undefined;
      const { config } = resolveForCli(io, flags.config, {
        db: flags.db,
        stub: {
          session: flags.session,
          port: flags.port,
          host: flags.host,
          seed: flags.seed,
          onMiss: flags.onMiss,
          latency: flags.latency,
          ignore: flags.ignore,
          matchHeaders: flags.matchHeader,
          faults,
          tls: serverTlsOverride(flags, 'stub'),
        },
      });
      // Relative paths are relative to the CLI's working directory; URLs (postgres://) stay URLs.
      // Loaded only by `stub`: prom-client weighs on every other command's memory.
      const { startStub } = await import('../stub/stub-server.js');
      const stub = await startStub({ config: { ...config, db: resolveLocation(config.db, io.cwd) }, log: (line) => io.err(line), env: io.env, cwd: io.cwd });
      if (config.stub.tls) reloadTlsOnSighup(io, 'stub', () => stub.reloadTls());
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          const s = stub.stats();
          io.err(`replayguard stub: ${signal}: stopping; ${s.requests} requests, ${s.hits} hits, ${s.misses} misses, ${s.faults.reduce((n, f) => n + f.injected, 0)} faults injected`);
          void stub.close().then(resolve);
        };
        io.onSignal('SIGINT', () => stop('SIGINT'));
        io.onSignal('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
