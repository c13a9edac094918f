import { parentPort, workerData } from 'node:worker_threads';
import { isReplayguardError, reasonOf } from '../errors.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { openRecordingStore } from '../store/open-store.js';
import type { RecordingStore } from '../store/store.js';
import type { NewExchange } from '../types.js';
import { createRedactor } from '../redact/redactor.js';
import { unpackBatch, type PackedBatch } from './capture-batch.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';

/**
 * The writer thread: redaction, route templates and store writes happen here, never on the proxy's
 * event loop. Each batch is one `append` (one transaction). A store that fails (disk full, locked
 * file, a database gone away) costs the batch, counted as dropped; it never ends this thread, and so
 * never ends recording.
 */

const port = parentPort!;
const init = workerData as WriterInit;
const send = (m: FromWriter): void => port.postMessage(m);

let store: RecordingStore;
let sessionId: number;
try {
  store = await openRecordingStore(init.location);
  const session = await store.openSession(init.session);
  sessionId = session.id;
  send({ type: 'ready', session });
} catch (e) {
  send({ type: 'fatal', error: isReplayguardError(e) ? { code: e.code, params: e.params, message: e.message } : { message: reasonOf(e) } });
  process.exit(1);
}

// One redactor for the session: a secret redacted once is recognised wherever it appears later.
const redactor = createRedactor({ config: init.redact, key: Buffer.from(init.redactionKey), maxDecodedBytes: init.maxDecodedBytes });
const templater = createRouteTemplater(init.routeTemplates);
/** Drops not yet added to the session's counter (the store failed when they happened). */
let uncounted = 0;

async function countDrops(): Promise<string | undefined> {
  if (uncounted === 0) return undefined;
  try {
    await store.addDropped(sessionId, uncounted);
    uncounted = 0;
    return undefined;
  } catch (e) {
    // Kept, and added with the next batch once the store answers again.
    return reasonOf(e);
  }
}

async function writeBatch(batch: PackedBatch): Promise<void> {
  let written = 0;
  let failed = 0;
  let error: string | undefined;
  try {
    const exchanges: NewExchange[] = unpackBatch(batch).map((c) => {
      const e = redactor.redact(c);
      return { ...e, route: templater.templateOf(e.request.url) };
    });
    await store.append(sessionId, exchanges);
    written = exchanges.length;
  } catch (e) {
    // The batch is lost, counted; the proxy keeps serving.
    failed = batch.items.length;
    error = reasonOf(e);
  }
  uncounted += batch.dropped + failed;
  error ??= await countDrops();
  // Everything was bound into the store (which copies): the buffer goes back to the recorder for reuse.
  const ack: FromWriter = { type: 'ack', bytes: batch.bytes, written, failed, buffer: batch.bodies, ...(error ? { error } : {}) };
  port.postMessage(ack, [batch.bodies]);
}

async function close(endedAt: number): Promise<void> {
  await countDrops();
  try {
    await store.endSession(sessionId, endedAt);
  } catch {
    // the session stays open-ended; its captures are stored all the same
  }
  try {
    await store.close();
  } finally {
    send({ type: 'closed' });
    port.close();
  }
}

// One message at a time, in order: an asynchronous backend must not interleave two batches.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWriter) => {
  chain = chain.then(() => (msg.type === 'batch' ? writeBatch(msg.batch) : close(msg.endedAt))).catch((e: unknown) => {
    // Only a bug gets here (every step above handles its own failures): say so, keep the thread.
    console.error(`replayguard: writer thread: unexpected error: ${reasonOf(e)}`);
  });
});
