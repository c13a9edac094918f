import { hostname } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { reasonOf } from '../errors.js';
import { serializeError } from '../worker-thread.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { openRecordingStore } from '../store/open-store.js';
import type { RecordingStore } from '../store/store.js';
import type { Capture, NewExchange } from '../types.js';
import { createRedactor } from '../redact/redactor.js';
import { unpackBatch, type PackedBatch } from './capture-batch.js';
import { StoreRetry } from './store-retry.js';
import { OTHER_ROUTE, UpstreamLatencyBook } from './upstream-latency.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';

/**
 * The writer thread: redaction, route templates and store writes happen here, never on the proxy's
 * event loop. Each batch is redacted as it arrives (see redactBatch), its write queued behind the
 * earlier ones. Each batch is one `append` (one transaction). A store that fails (disk full, locked
 * file) costs the batch, counted as dropped; it never ends this thread, and so never ends recording.
 *
 * A store shared by several recorders (PostgreSQL) registers this recorder, and every exchange
 * carries this recorder's own sequence number, so a batch written again is stored once. Such a store
 * going away (a restart) is waited out: the batch is retried with backoff while later ones wait
 * behind it, bounded by the recorder's queue (record.queue.maxBytes), past which captures are dropped
 * and counted. At shutdown the retries stop at the deadline the recorder sets.
 */

const port = parentPort!;
const init = workerData as WriterInit;
const send = (m: FromWriter): void => port.postMessage(m);

let store: RecordingStore;
let sessionId: number;
/** Set when the store takes several recorders: writes then name this recorder and are retried. */
let recorderId: number | undefined;
try {
  store = await openRecordingStore(init.location);
  const session = await store.openSession(init.session);
  sessionId = session.id;
  recorderId = await store.registerRecorder?.(sessionId, { host: hostname(), pid: process.pid, upstream: init.session.upstream, startedAt: init.session.startedAt });
  send({ type: 'ready', session });
} catch (e) {
  send({ type: 'fatal', error: serializeError(e) });
  process.exit(1);
}

// One redactor for the session: a secret redacted once is recognised wherever it appears later.
const redactor = createRedactor({ config: init.redact, key: Buffer.from(init.redactionKey), maxDecodedBytes: init.maxDecodedBytes });
const templater = createRouteTemplater(init.routeTemplates);
const latency = new UpstreamLatencyBook();
const appendOptions = recorderId === undefined ? {} : { recorderId };
/** This recorder's sequence: the next exchange's number. */
let nextSeq = 1;
const retry = new StoreRetry({
  onDown: (reason) => send({ type: 'warning', message: `recording storage is unreachable (${reason}): captures wait in the queue and writing is retried; past record.queue.maxBytes they are dropped and counted` }),
  onBack: () => send({ type: 'warning', message: 'recording storage is reachable again: writing resumed' }),
});
/** Drops not yet added to the session's counter (the store failed when they happened). */
let uncounted = 0;

async function countDrops(): Promise<string | undefined> {
  if (uncounted === 0) return undefined;
  try {
    await retry.run(() => store.addDropped(sessionId, uncounted, appendOptions), false);
    uncounted = 0;
    return undefined;
  } catch (e) {
    // Kept, and added with the next batch once the store answers again.
    return reasonOf(e);
  }
}

/** A batch redacted as it arrived: its exchanges, or why redaction failed (the batch is then lost, counted). */
type RedactedBatch = { exchanges: NewExchange[]; error?: undefined } | { exchanges: null; error: string };

/**
 * Redacted as the batch arrives, before anything else sees its URLs: route templates (stored, and
 * labels of the latency histogram that /metrics exposes and scrapers keep) are made from redacted
 * URLs, so a secret in a path (a token learned from a login, then sent in `DELETE /tokens/<token>`)
 * reaches neither. Batches arrive in order, so secrets are learned in the order exchanges happened.
 * A batch waiting behind a slow store holds its redacted bodies beside the batch buffer: a body that
 * redaction changed is kept twice until the batch is written.
 */
function redactBatch(captures: readonly Capture[]): RedactedBatch {
  try {
    return {
      exchanges: captures.map((c) => {
        const e = redactor.redact(c);
        return { ...e, route: templater.templateOf(e.request.url) };
      }),
    };
  } catch (e) {
    return { exchanges: null, error: reasonOf(e) };
  }
}

/**
 * Observed as the batch arrives, not once it is written: a scrape asks for the histogram after the
 * batches sent before it and must not wait for a store that is slow or down. Redaction is CPU work
 * of this thread, not the store's, so observing after it keeps that promise.
 */
function observeLatencies(batch: PackedBatch, captures: readonly Capture[], redacted: RedactedBatch): void {
  captures.forEach((c, i) => {
    const seconds = batch.latencies[i];
    // Redaction failed (a bug): the URL is not known to be clean, so no route of its own.
    const route = redacted.exchanges?.[i]!.route ?? OTHER_ROUTE;
    if (seconds !== null && seconds !== undefined) latency.observe(c.request.method, route, c.response?.status ?? null, seconds);
  });
  for (const [method, url, status, seconds] of batch.observed) latency.observe(method, templater.templateOf(redactor.redactUrl(url)), status, seconds);
}

async function writeBatch(batch: PackedBatch, redacted: RedactedBatch): Promise<void> {
  let written = 0;
  let failed = 0;
  let error: string | undefined = redacted.error;
  if (redacted.exchanges === null) failed = batch.items.length;
  else {
    try {
      // Numbered once, before the first attempt: a retry carries the same numbers and is stored once.
      const exchanges = recorderId === undefined ? redacted.exchanges : redacted.exchanges.map((e) => ({ ...e, seq: nextSeq++ }));
      // A batch of latency observations only has nothing to store.
      if (exchanges.length > 0) await retry.run(() => store.append(sessionId, exchanges, appendOptions), recorderId !== undefined);
      written = exchanges.length;
    } catch (e) {
      // The batch is lost, counted; the proxy keeps serving.
      failed = batch.items.length;
      error = reasonOf(e);
    }
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
    if (recorderId !== undefined) await retry.run(() => store.endRecorder!(recorderId!, endedAt), false);
    await retry.run(() => store.endSession(sessionId, endedAt), false);
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
  // The shutdown deadline applies at once, to the batch being retried too, not after it.
  if (msg.type === 'stopBy') return retry.stopBy(msg.at);
  if (msg.type === 'latency') return send({ type: 'latency', series: latency.snapshot() });
  if (msg.type === 'close') {
    chain = chain.then(() => close(msg.endedAt)).catch(unexpected);
    return;
  }
  // Views into the batch buffer, which stays here until the batch is acknowledged.
  const captures = unpackBatch(msg.batch);
  const redacted = redactBatch(captures);
  observeLatencies(msg.batch, captures, redacted);
  chain = chain.then(() => writeBatch(msg.batch, redacted)).catch(unexpected);
});

function unexpected(e: unknown): void {
  // Only a bug gets here (every step above handles its own failures): say so, keep the thread.
  console.error(`replayguard: writer thread: unexpected error: ${reasonOf(e)}`);
}
