import path from 'node:path';
import { afterEach } from 'vitest';
import { defaultConfig, type ConfigOverrides } from '../../src/config/resolve-config.js';
import { startRecorder, type RunningRecorder } from '../../src/record/recorder.js';
import { openRecordingStore } from '../../src/store/open-store.js';
import type { Exchange } from '../../src/types.js';
import { collect } from './store-under-test.js';
import { tempDir } from './temp.js';

const running: RunningRecorder[] = [];

/** A real recording proxy on 127.0.0.1:0 writing to a fresh SQLite file. */
export async function startTestRecorder(upstream: string, overrides: ConfigOverrides = {}): Promise<RunningRecorder & { warnings: string[] }> {
  const db = overrides.db ?? path.join(tempDir(), 'rec.db');
  const config = defaultConfig({
    ...overrides,
    db,
    record: { port: 0, host: '127.0.0.1', session: 'test', ...overrides.record, upstream },
  });
  const warnings: string[] = [];
  const rec = await startRecorder({ config, log: (l) => warnings.push(l) });
  running.push(rec);
  return Object.assign(rec, { warnings });
}

/** Every exchange of a session, read back through the store (read-only). */
export async function readExchanges(dbFile: string, session = 'test'): Promise<Exchange[]> {
  const store = await openRecordingStore(dbFile, { readonly: true });
  try {
    const s = await store.findSession(session);
    if (!s) return [];
    return await collect(store.iterate(s.id));
  } finally {
    await store.close();
  }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});
