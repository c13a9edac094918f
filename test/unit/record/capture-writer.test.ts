import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { CaptureWriter } from '../../../src/record/capture-writer.js';
import { SqliteRecordingStore } from '../../../src/store/sqlite-recording-store.js';
import { makeExchange } from '../../helpers/store-contract.js';
import { tempDir } from '../../helpers/temp.js';

function writerFor(dbFile: string, warnings: string[] = []): CaptureWriter {
  const config = defaultConfig();
  return new CaptureWriter({
    dbFile,
    session: { name: 's', upstream: 'http://u', startedAt: 1 },
    redact: config.redact,
    routeTemplates: [],
    maxDecodedBytes: 1024 * 1024,
    maxQueueBytes: 1024 * 1024,
    flushMs: 5,
    batchSize: 16,
    onWarning: (w) => warnings.push(w),
  });
}

describe('CaptureWriter', () => {
  it('writes every capture handed over, in batches, and closes the session', async () => {
    const db = path.join(tempDir(), 'w.db');
    const writer = writerFor(db);
    await writer.ready();
    for (let i = 1; i <= 100; i++) expect(writer.enqueue({ ...makeExchange({ url: `/x/${i}` }), seq: i })).toBe(true);
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 100, dropped: 0, queued: 0, pendingBytes: 0 });
    const store = new SqliteRecordingStore(db, { readonly: true });
    const [session] = await store.listSessions();
    expect(session).toMatchObject({ exchanges: 100, dropped: 0 });
    expect(session!.endedAt).not.toBeNull();
    await store.close();
  });

  it('survives its writer thread dying: later captures are dropped and counted, close() still resolves', async () => {
    const writer = writerFor(path.join(tempDir(), 'dead.db'));
    await writer.ready();
    // The thread is private on purpose; a test is the one place that may kill it.
    const worker = (writer as unknown as { worker: Worker }).worker;
    await worker.terminate();
    expect(writer.enqueue(makeExchange())).toBe(false);
    expect(writer.enqueue(makeExchange())).toBe(false);
    await writer.drain();
    await writer.close();
    expect(writer.stats().dropped).toBe(2);
  });
});
