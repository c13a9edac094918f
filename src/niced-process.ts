import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { siblingModule } from './worker-thread.js';

/**
 * Background work that must never slow the proxy runs in a process of its own, started at a lower
 * CPU priority as a whole. Linux gives every thread its own nice value, and a thread inherits it from
 * the thread that creates it: a process exec'd by `nice` starts niced, so every thread node ever
 * creates in it (V8's GC and compiler threads, the libuv threadpool) is niced too. Niceing one worker
 * thread of the proxy's own process left those helpers, shared with the proxy, at full priority.
 */

export interface NicedProcess {
  child: ChildProcess;
  /** Set when the process could not be started niced as a whole: say so once. */
  warning: string | null;
}

/** `name` on PATH (or in the usual system folders), as an executable file; null when there is none. */
function findExecutable(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Start the node module `name` (without extension) that sits next to the module at `here` (its
 * `import.meta.url`) as a child process at nice `nice`, with `options` (a stdio pipe for messages).
 * `nice` is the value the child runs at, as `record.shadow.nice` says; a process cannot raise its
 * priority, so a child asked to run above its parent's runs at the parent's. From the build the child
 * is the `.js` file; from source (tests, tsx) it is the `.ts` file with the TypeScript loader.
 */
export function spawnNicedProcess(here: string, name: string, nice: number, options: Pick<SpawnOptions, 'stdio' | 'env'>): NicedProcess {
  const env = options.env ?? process.env;
  const { url, fromSource } = siblingModule(here, name);
  const script = fileURLToPath(url);
  // The parent's own flags (a debugger, vitest's loaders) are not the child's business.
  const nodeArgs = fromSource ? ['--import', import.meta.resolve('tsx/esm'), script] : [script];
  let own = 0;
  try {
    own = getPriority();
  } catch {
    // unknown: assume the default
  }
  const lower = nice - own;
  const spawnOptions = { ...options, env };
  if (lower <= 0) return { child: spawn(process.execPath, nodeArgs, spawnOptions), warning: null };
  const niceBin = findExecutable('nice', env);
  if (niceBin) return { child: spawn(niceBin, ['-n', String(lower), process.execPath, ...nodeArgs], spawnOptions), warning: null };
  // No `nice` (Windows, a bare container): renice the process as soon as it exists. Windows and macOS
  // prioritise the whole process. Linux only its main thread and the threads started from then on:
  // spawn returns once node is exec'd, before it starts its own threads, so usually all of them, but
  // that is a race `nice` does not run.
  const child = spawn(process.execPath, nodeArgs, spawnOptions);
  let warning = `no \`nice\` program found: the ${name} process was reniced to ${nice} just after it started (a thread it started first would keep the recorder's priority)`;
  try {
    if (child.pid !== undefined) setPriority(child.pid, nice);
  } catch (e) {
    warning = `no \`nice\` program found and the ${name} process could not be reniced (${(e as Error).message}): it runs at the recorder's priority`;
  }
  return { child, warning };
}
