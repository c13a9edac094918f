import { readdirSync, readFileSync } from 'node:fs';

/** The fields of a /proc `stat` file after the command name (which may hold spaces): state first, ppid second, nice the 17th. */
function statFields(file: string): string[] {
  const stat = readFileSync(file, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A thread's nice value (Linux: each thread has its own), from its /proc stat file. */
export function niceOf(statFile: string): number {
  return Number(statFields(statFile)[16]);
}

/** The nice value of each thread of a process, by thread id; threads that end while being read are skipped. */
export function threadNices(pid: number | 'self'): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, niceOf(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** Whether a process exists and has not ended (a zombie has ended: only its parent has not looked yet). */
export function isRunning(pid: number): boolean {
  try {
    return statFields(`/proc/${pid}/stat`)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The ids of the processes whose parent is `pid` and whose command line contains `word`. */
export function childPids(pid: number, word: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(`/proc/${entry}/stat`)[1]) === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(word)) out.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
