import { parentPort, workerData } from 'node:worker_threads';
import { isReplayguardError, reasonOf } from '../errors.js';
import { SqliteRecordingStore } from '../store/sqlite-recording-store.js';
import { unpackBatch } from './capture-batch.js';
import { createRedactor } from './redact.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';

/**
 * The writer thread: redaction and SQLite writes happen here, never on the proxy's event loop.
 * Each batch is one transaction; WAL checkpoints run here too, whenever SQLite decides.
 */

const port = parentPort!;
const init = workerData as WriterInit;
const send = (m: FromWriter): void => port.postMessage(m);

let store: SqliteRecordingStore;
let sessionId: number;
try {
  store = new SqliteRecordingStore(init.dbFile, { routeTemplates: init.routeTemplates });
  const session = await store.openSession(init.session);
  sessionId = session.id;
  send({ type: 'ready', session });
} catch (e) {
  send({ type: 'fatal', error: isReplayguardError(e) ? { code: e.code, params: e.params, message: e.message } : { message: reasonOf(e) } });
  process.exit(1);
}

const redactor = createRedactor(init.redact, init.maxDecodedBytes);

port.on('message', (msg: ToWriter) => {
  if (msg.type === 'batch') {
    const { batch } = msg;
    let written = 0;
    let failed = 0;
    let error: string | undefined;
    try {
      const exchanges = unpackBatch(batch).map((e) => redactor.redact(e));
      store.appendSync(sessionId, exchanges);
      written = exchanges.length;
    } catch (e) {
      // A failed write (disk full, locked file) loses this batch, counted; the proxy keeps serving.
      failed = batch.items.length;
      error = reasonOf(e);
    }
    try {
      if (batch.dropped + failed > 0) void store.addDropped(sessionId, batch.dropped + failed);
    } catch {
      // counting is best effort when the disk itself fails
    }
    // Everything was bound into SQLite (which copies): the buffer goes back to the recorder for reuse.
    const ack: FromWriter = { type: 'ack', bytes: batch.bytes, written, failed, buffer: batch.bodies, ...(error ? { error } : {}) };
    port.postMessage(ack, [batch.bodies]);
  } else if (msg.type === 'close') {
    void store
      .endSession(sessionId, msg.endedAt)
      .then(() => store.close())
      .finally(() => {
        send({ type: 'closed' });
        port.close();
      });
  }
});
