import { spawn } from 'node:child_process';
import { afterEach } from 'vitest';
import { ROOT, type RecorderProcess } from './cli-process.js';
import { CHILD_START_MS } from './loaded-machine.js';

const children: RecorderProcess['child'][] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * The real `replayguard stub` as a child process, from source through tsx. Resolves with its URL once
 * it logs `listening on`, rejects with everything it wrote if it exits first (or within 60 s).
 */
export function spawnStub(args: string[]): Promise<RecorderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'stub', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, REPLAYGUARD_DB: '', REPLAYGUARD_CONFIG: '' } });
  children.push(child);
  let err = '';
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stub did not start within ${CHILD_START_MS / 1000} s:\n${err}`)), CHILD_START_MS);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const url = /listening on (https?:\/\/[^\s,]+)/.exec(err)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ child, url, stderr: () => err, exited });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`stub exited early with ${code}:\n${err}`));
    });
  });
}
