import { parentPort, workerData } from 'node:worker_threads';
import { reasonOf } from '../errors.js';
import { lowerThreadPriority, serializeError } from '../worker-thread.js';
import { unpackBatch } from '../record/capture-batch.js';
import { startShadowEngine, type ShadowEngine } from './shadow-engine.js';
import type { FromShadow, ShadowInit, ToShadow } from './shadow-protocol.js';

/**
 * The live shadow's thread: everything the comparison costs happens here, never on the proxy's event
 * loop. The recorder hands over sampled exchanges in batches and bounds how many are outstanding;
 * this thread tells it, in batches too, how many have finished, and sends each summary so the
 * recorder's /metrics gauges follow the rolling run.
 */

const port = parentPort!;
const init = workerData as ShadowInit;
const send = (m: FromShadow): void => port.postMessage(m);
/** Progress is reported at most this often (and at once when the thread goes idle). */
const PROGRESS_MS = 100;

// The shadow yields the CPU to the proxy (record.shadow.nice): on a busy machine it falls behind
// (and drops, counted) rather than slowing clients down.
if (init.config.record.shadow.nice > 0) lowerThreadPriority(init.config.record.shadow.nice);

let engine: ShadowEngine;
const done = { compared: 0, finished: 0, dropped: 0, outstanding: 0 };
let reportTimer: NodeJS.Timeout | null = null;

function report(): void {
  if (reportTimer) clearTimeout(reportTimer);
  reportTimer = null;
  if (done.finished === 0 && done.dropped === 0) return;
  send({ type: 'progress', compared: done.compared, finished: done.finished, dropped: done.dropped });
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
    warn: (message) => send({ type: 'warning', message }),
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'fatal', error: serializeError(e) });
  process.exit(1);
}

async function summarize(id: number): Promise<void> {
  try {
    send({ type: 'summary', id, summary: await engine.summarize() });
  } catch (e) {
    send({ type: 'summary', id, summary: null, error: reasonOf(e) });
  }
}

const timer = setInterval(() => void summarize(0), init.config.record.shadow.summaryEvery);

port.on('message', (msg: ToShadow) => {
  if (msg.type === 'batch') {
    for (const capture of unpackBatch(msg.batch)) {
      done.outstanding++;
      engine.add(capture);
    }
  } else if (msg.type === 'summarize') {
    void summarize(msg.id);
  } else {
    clearInterval(timer);
    void engine
      .close()
      .then(({ dropped, summary }) => {
        done.dropped += dropped;
        done.outstanding -= dropped;
        report();
        if (summary) send({ type: 'summary', id: 0, summary });
      })
      .catch((e: unknown) => send({ type: 'warning', message: `the live shadow did not close cleanly: ${reasonOf(e)}` }))
      .finally(() => {
        send({ type: 'closed' });
        port.close();
      });
  }
});
