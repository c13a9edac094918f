import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { CaptureWriter } from '../../../src/record/capture-writer.js';
import { openRecordingStore } from '../../../src/store/open-store.js';
import { makeExchange } from '../../helpers/store-contract.js';
import { collect } from '../../helpers/store-under-test.js';
import { tempDir } from '../../helpers/temp.js';

function writerFor(dbFile: string, warnings: string[] = [], routeTemplates: string[] = []): CaptureWriter {
  const config = defaultConfig();
  return new CaptureWriter({
    location: dbFile,
    session: { name: 's', upstream: 'http://u', startedAt: 1 },
    redact: config.redact,
    redactionKey: new Uint8Array(Buffer.from('unit-test-redaction-key')),
    routeTemplates,
    maxDecodedBytes: 1024 * 1024,
    maxQueueBytes: 1024 * 1024,
    flushMs: 5,
    batchSize: 16,
    onWarning: (w) => warnings.push(w),
  });
}

/** A capture as the proxy hands it over: no route, no seq. */
function capture(url: string): ReturnType<typeof makeExchange> {
  const { route: _route, ...rest } = makeExchange({ url });
  return rest as ReturnType<typeof makeExchange>;
}

describe('CaptureWriter', () => {
  it('assigns route templates before the store: automatic ones, and user templates first', async () => {
    const db = path.join(tempDir(), 'routes.db');
    const writer = writerFor(db, [], ['/users/:name/repos']);
    await writer.ready();
    for (const url of ['/api/users/42?expand=1', '/api/orders/550e8400-e29b-41d4-a716-446655440000', '/users/octocat/repos', '/users/7']) writer.enqueue(capture(url));
    await writer.close();
    const store = await openRecordingStore(db, { readonly: true });
    const [session] = await store.listSessions();
    expect((await collect(store.iterate(session!.id))).map((e) => e.route)).toEqual(['/api/users/:id', '/api/orders/:id', '/users/:name/repos', '/users/:id']);
    await store.close();
  });

  it('writes every capture handed over, in batches, and closes the session', async () => {
    const db = path.join(tempDir(), 'w.db');
    const writer = writerFor(db);
    await writer.ready();
    for (let i = 1; i <= 100; i++) expect(writer.enqueue(makeExchange({ url: `/x/${i}` }))).toBe(true);
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 100, dropped: 0, queued: 0, pendingBytes: 0 });
    const store = await openRecordingStore(db, { readonly: true });
    const [session] = await store.listSessions();
    expect(session).toMatchObject({ exchanges: 100, dropped: 0 });
    expect(session!.endedAt).not.toBeNull();
    const stored = await collect(store.iterate(session!.id));
    // The store numbers them, in the order they were handed over.
    expect(stored.map((e) => [e.seq, e.request.url])).toEqual(Array.from({ length: 100 }, (_, i) => [i + 1, `/x/${i + 1}`]));
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

  it('a writer thread that ends before it is ready rejects ready() with a catalogue error', async () => {
    const db = path.join(tempDir(), 'early.db');
    const writer = writerFor(db);
    // Terminated before the thread could even load its modules, so it can never say ready.
    void (writer as unknown as { worker: Worker }).worker.terminate();
    await expect(writer.ready()).rejects.toMatchObject({ code: 'RG_ERR_WRITER_START', message: expect.stringContaining(`the recording writer for ${db} failed before it was ready`) });
    await writer.close();
  });
});
