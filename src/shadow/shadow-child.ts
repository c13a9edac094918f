import { Socket } from 'node:net';
import { reasonOf } from '../errors.js';
import { serializeError } from '../worker-thread.js';
import { readMessages, writeMessage } from './shadow-channel.js';
import { startShadowEngine, type ShadowEngine } from './shadow-engine.js';
import type { FromShadow, ShadowInit, ToShadow } from './shadow-protocol.js';

/**
 * The live shadow's process: everything the comparison costs happens here, never in the recorder's
 * process. It is started at the lowest CPU priority as a whole (record.shadow.nice, by
 * niced-process.ts), its GC and threadpool included: on a busy machine it falls behind (and drops,
 * counted) rather than slow clients down. The recorder hands over sampled exchanges in batches and
 * bounds how many are outstanding; this process tells it, in batches too, how many have finished,
 * and sends each summary so the recorder's /metrics gauges follow the rolling run.
 *
 * It lives as long as its channel to the recorder (fd 3, shadow-channel.ts): when the recorder goes,
 * however it goes (even SIGKILL), the channel closes and this process exits, so it is never left behind.
 */

const channel = new Socket({ fd: 3, readable: true, writable: true });
// The recorder is gone (or has closed the channel): nobody is left to shadow for.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
/** Resolves once the message is written (messages are written in order). */
const send = (m: FromShadow): Promise<void> =>
  new Promise((resolve) => {
    if (channel.writable) writeMessage(channel, m, resolve);
    else resolve();
  });
/** Progress is reported at most this often (and at once when the process goes idle). */
const PROGRESS_MS = 100;

// Ctrl-C reaches the whole process group: the recorder takes it and closes this process itself,
// after the last exchanges are handed over; dying here would lose them and the last summary.
process.on('SIGINT', () => {});

/** Messages that arrive while the engine starts wait for it. */
let handle: (m: ToShadow) => void = () => {};
const early: ToShadow[] = [];
const init = await new Promise<ShadowInit>((resolve) => {
  handle = (m) => (m.type === 'init' ? resolve(m.init) : early.push(m));
  readMessages<ToShadow>(channel, (m) => handle(m));
});

let engine: ShadowEngine;
const done = { compared: 0, finished: 0, dropped: 0, outstanding: 0 };
let reportTimer: NodeJS.Timeout | null = null;

function report(): void {
  if (reportTimer) clearTimeout(reportTimer);
  reportTimer = null;
  if (done.finished === 0 && done.dropped === 0) return;
  void send({ type: 'progress', compared: done.compared, finished: done.finished, dropped: done.dropped });
  done.compared = done.finished = done.dropped = 0;
}

try {
  engine = await startShadowEngine(init, {
    finished(compared) {
      done.outstanding--;
      done.finished++;
      if (compared) done.compared++;
      if (done.outstanding === 0) report();
      else reportTimer ??= setTimeout(report, PROGRESS_MS);
    },
    warn: (message) => void send({ type: 'warning', message }),
  });
  void send({ type: 'ready' });
} catch (e) {
  void send({ type: 'fatal', error: serializeError(e) });
  // The recorder reports the error; it ends this process once it has read it.
  await new Promise(() => {});
}

async function summarize(id: number): Promise<void> {
  try {
    void send({ type: 'summary', id, summary: await engine.summarize() });
  } catch (e) {
    void send({ type: 'summary', id, summary: null, error: reasonOf(e) });
  }
}

const timer = setInterval(() => void summarize(0), init.config.record.shadow.summaryEvery);

let closing = false;
function close(): void {
  if (closing) return;
  closing = true;
  clearInterval(timer);
  void engine
    .close()
    .then(({ dropped, summary }) => {
      done.dropped += dropped;
      done.outstanding -= dropped;
      report();
      if (summary) void send({ type: 'summary', id: 0, summary });
    })
    .catch((e: unknown) => send({ type: 'warning', message: `the live shadow did not close cleanly: ${reasonOf(e)}` }))
    // Out once every message is written: the recorder waits for this exit.
    .finally(() => send({ type: 'closed' }).then(() => process.exit(0)));
}

// Stopped on its own (an operator's `kill`): close as the recorder would have asked.
process.on('SIGTERM', close);

handle = (msg) => {
  if (msg.type === 'batch') {
    for (const capture of msg.captures) {
      done.outstanding++;
      engine.add(capture);
    }
  } else if (msg.type === 'summarize') {
    void summarize(msg.id);
  } else if (msg.type === 'close') {
    close();
  }
};
for (const m of early.splice(0)) handle(m);
