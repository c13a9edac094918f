import path from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { openRecordingStore } from '../../../src/store/open-store.js';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

async function upstream() {
  return startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
}

/** GET each path in turn through the proxy; every answer must be the upstream's. */
async function getAll(base: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const res = await request(`${base}${p}`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ url: p });
  }
}

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `/${prefix}/${i}`);

async function sessionStats(dbFile: string) {
  const store = await openRecordingStore(dbFile, { readonly: true });
  try {
    return (await store.listSessions()).find((s) => s.name === 'test');
  } finally {
    await store.close();
  }
}

describe('recording storage', () => {
  it('recording again under an existing session appends every capture: 200, restart, 400 more → 600 in order', async () => {
    const server = await upstream();
    const db = path.join(tempDir(), 'rec.db');
    const first = await startTestRecorder(server.url, { db });
    await getAll(first.url, range('first', 200));
    await first.close();
    expect(first.stats()).toMatchObject({ written: 200, dropped: 0 });

    const second = await startTestRecorder(server.url, { db });
    expect(second.session.id).toBe(first.session.id);
    await getAll(second.url, range('second', 400));
    await second.close();
    expect(second.stats()).toMatchObject({ written: 400, dropped: 0 });
    expect(second.warnings.filter((w) => w.includes('warning'))).toEqual([]);

    const stored = await readExchanges(db);
    expect(stored).toHaveLength(600);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(stored.map((e) => e.request.url)).toEqual([...range('first', 200), ...range('second', 400)]);
    expect(await sessionStats(db)).toMatchObject({ exchanges: 600, dropped: 0 });
  }, LOADED_MACHINE_MS); // 600 proxied requests one after the other and two recorders: a minute at load 20

  it('a failing store never ends recording: captures dropped and counted, the proxy keeps forwarding, the cause logged once', async () => {
    const server = await upstream();
    const db = path.join(tempDir(), 'rec.db');
    const rec = await startTestRecorder(server.url, { db });
    await getAll(rec.url, range('before', 5));
    await rec.drain();

    // A real SQLite failure from outside the recorder: every insert and every counter update aborts.
    const saboteur = new Database(db);
    saboteur.exec(`
      CREATE TRIGGER fail_insert BEFORE INSERT ON exchanges BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
      CREATE TRIGGER fail_count BEFORE UPDATE OF dropped ON sessions BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    for (let round = 0; round < 4; round++) {
      // Several batches, each failing on its own.
      await getAll(rec.url, range(`during-${round}`, 5));
      await rec.drain();
    }
    expect(rec.stats()).toMatchObject({ written: 5, dropped: 20, captured: 25 });
    const causes = rec.warnings.filter((w) => w.includes('disk on fire'));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatch(/recording storage failed .*disk on fire.*dropped and counted/);

    // The store recovers: the writer thread is still there, and the drops it could not count are counted now.
    saboteur.exec('DROP TRIGGER fail_insert; DROP TRIGGER fail_count;');
    saboteur.close();
    await getAll(rec.url, range('after', 5));
    await rec.close();
    expect(rec.stats()).toMatchObject({ written: 10, dropped: 20 });

    const stored = await readExchanges(db);
    expect(stored.map((e) => e.request.url)).toEqual([...range('before', 5), ...range('after', 5)]);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await sessionStats(db)).toMatchObject({ exchanges: 10, dropped: 20 });
    expect((await sessionStats(db))?.endedAt).not.toBeNull();
  }, LOADED_MACHINE_MS);
});
