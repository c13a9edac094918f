import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';

/** The CLI in-process with captured output and signals delivered by the test. */
export interface CapturedIo extends CliIo {
  stdout_: string[];
  stderr_: string[];
  /** Deliver a signal to the handlers the command registered. */
  signal(name: 'SIGINT' | 'SIGTERM'): void;
  text(): string;
  errors(): string;
}

export function captureIo(cwd: string, env: Record<string, string | undefined> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Map<string, Array<() => void>>();
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    cwd,
    isTTY: false,
    stdout: process.stdout,
    onSignal: (s, h) => handlers.set(s, [...(handlers.get(s) ?? []), h]),
    exit: (c) => {
      throw new Error(`unexpected exit(${c})`);
    },
    signal: (s) => {
      for (const h of handlers.get(s) ?? []) h();
    },
    stdout_: out,
    stderr_: err,
    text: () => out.join('\n'),
    errors: () => err.join('\n'),
  };
}

/** `replayguard record` in-process; resolves with the proxy URL once it listens, and a stop function. */
export async function startRecordCommand(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ url: string; stop: () => Promise<number>; io: CapturedIo }> {
  const io = captureIo(cwd, env);
  const running = runCli(['record', '--port', '0', ...argv], io);
  let url: string | undefined;
  for (let i = 0; i < 400 && !url; i++) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.errors())?.[1];
    if (!url) {
      const early = await Promise.race([running, new Promise<null>((r) => setTimeout(() => r(null), 25))]);
      if (early !== null) throw new Error(`record exited with ${early}: ${io.errors()}`);
    }
  }
  if (!url) throw new Error(`record did not start: ${io.errors()}`);
  return {
    url,
    io,
    stop: async () => {
      io.signal('SIGTERM');
      return running;
    },
  };
}
