import type { Socket } from 'node:net';
import { ReplayguardError, reasonOf } from '../errors.js';
import { spawnNicedProcess } from '../niced-process.js';
import { deserializeError } from '../worker-thread.js';
import { readMessages, writeMessage } from './shadow-channel.js';
import type { FromShadow, ShadowInit, ToShadow } from './shadow-protocol.js';

/**
 * The recorder's end of the shadow process (shadow-child.ts): started niced as a whole, spoken to in
 * shadow-protocol.ts messages over a pipe of its own (shadow-channel.ts says why not node's IPC),
 * watched until it ends.
 */

export interface ShadowProcess {
  readonly pid: number;
  /** Dropped silently once the process is gone (its end is reported through `onGone`). */
  send(message: ToShadow): void;
  onMessage(handler: (message: FromShadow) => void): void;
  /** Once, when the process ends or its channel breaks: why, for a warning. */
  onGone(handler: (why: string) => void): void;
  /** Resolves once the process has exited; past `graceMs` it is killed. */
  exit(graceMs: number): Promise<void>;
}

/** How long a process whose channel broke may take to be seen exiting before it is killed. */
const BROKEN_CHANNEL_MS = 1000;

/** The last line of what the process wrote to stderr that says why it ended (an uncaught error's message). */
function lastWords(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  return lines.filter((l) => l && !l.startsWith('at ') && !/^Node\.js v\d/.test(l)).at(-1) ?? '';
}

/** Start the shadow process; resolves once it has opened its results store. */
export async function startShadowProcess(init: ShadowInit, warn: (message: string) => void): Promise<ShadowProcess> {
  const { child, warning } = spawnNicedProcess(import.meta.url, 'shadow-child', init.config.record.shadow.nice, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  if (warning) warn(warning);
  const channel = child.stdio[3] as Socket;
  const handlers: Array<(m: FromShadow) => void> = [];
  readMessages<FromShadow>(channel, (m) => {
    for (const h of handlers) h(m);
  });
  /** The channel failed (a write to a process that has died): reported once the process's end is known. */
  let broken: string | null = null;
  const brokenHandlers: Array<(reason: string) => void> = [];
  channel.on('error', (e) => {
    if (broken !== null) return;
    broken = reasonOf(e);
    for (const h of brokenHandlers) h(broken);
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    stderr = (stderr + t).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // Never started: there is nothing to wait for.
    child.once('error', () => child.pid === undefined && resolve());
  });
  const ended = (code: number | null, signal: NodeJS.Signals | null): string => {
    const words = lastWords(stderr);
    return `${signal ? `signal ${signal}` : `exit code ${code}`}${words ? `: ${words}` : ''}`;
  };
  const send = (m: ToShadow): void => {
    if (broken === null && channel.writable) writeMessage(channel, m);
  };

  const startError = (reason: string): ReplayguardError => new ReplayguardError('RG_ERR_SHADOW_START', { dir: init.outDir, reason });
  try {
    await new Promise<void>((resolve, reject) => {
      handlers.push((m) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'fatal') reject(deserializeError(m.error, startError));
      });
      child.once('error', (e) => reject(startError(reasonOf(e))));
      child.once('close', (code, signal) => reject(startError(`the process ended (${ended(code, signal)})`)));
      // Waits in the pipe until the child reads it.
      send({ type: 'init', init });
    });
    handlers.length = 0;
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }

  return {
    pid: child.pid!,
    send,
    onMessage: (handler) => handlers.push(handler),
    onGone(handler) {
      // A write to a process that has just died fails (EPIPE) before its exit is seen: the exit says
      // why. A process still running a while after its channel broke is ended here.
      let killed = false;
      const breaks = (): void => {
        setTimeout(() => {
          killed = child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
        }, BROKEN_CHANNEL_MS).unref();
      };
      brokenHandlers.push(breaks);
      child.on('error', breaks);
      child.once('close', (code, signal) => handler(killed ? `its channel broke: ${broken ?? 'unknown'}` : ended(code, signal)));
    },
    async exit(graceMs) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
