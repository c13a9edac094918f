import { resolveConfig, type ConfigOverrides, type ResolvedConfig } from '../config/resolve-config.js';

/** Everything the CLI touches of the outside world, injectable for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTTY: boolean;
  stdout: NodeJS.WritableStream;
  /** Calls `handler` on every delivery of `signal` (a second one must be seen, to force the stop). */
  onSignal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', handler: () => void): void;
  /** Ends the process now, without waiting for the event loop (a forced stop). */
  exit(code: number): void;
}

export function processIo(): CliIo {
  // `replayguard ls | head`: once the reader is gone, output is dropped instead of crashing on EPIPE;
  // the command still finishes and exits with its own code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    stdout: process.stdout,
    onSignal: (s, h) => process.on(s, h),
    exit: (code) => process.exit(code),
  };
}

/** Configuration is resolved here, once, at the edge; commands pass the frozen result inward. */
export function resolveForCli(io: CliIo, configFile: string | undefined, overrides: ConfigOverrides): ResolvedConfig {
  return resolveConfig({ configFile, overrides, env: io.env, cwd: io.cwd });
}
