import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { CHILD_START_MS } from './loaded-machine.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export interface RecorderProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/**
 * The real `replayguard record` as a child process, from source through tsx; resolves once it logs its
 * address. `detached`: in a process group of its own, which a test can signal as a terminal does.
 */
export async function spawnRecorder(args: string[], env: Record<string, string> = {}, options: { detached?: boolean } = {}): Promise<RecorderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'record', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REPLAYGUARD_DB: '', REPLAYGUARD_CONFIG: '', ...env },
    detached: options.detached ?? false,
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`recorder did not start within ${CHILD_START_MS / 1000} s:\n${err}`)), CHILD_START_MS);
    const check = (): void => {
      const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    void exited.then(({ code }) => reject(new Error(`recorder exited early with ${code}:\n${err}`)));
  });
  return { child, url, stderr: () => err, exited };
}

/** Resolves with the exit, or 'timeout' past `ms`: a hang detector, not a speed check. */
export function exitWithin(p: RecorderProcess, ms: number): Promise<{ code: number | null; signal: string | null } | 'timeout'> {
  return Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

/** Peak resident set size of a live process, in bytes (Linux `VmHWM`). */
export function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) * 1024;
}
