import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { SqliteRecordingStore } from '../../src/store/sqlite-recording-store.js';
import { exitWithin, spawnRecorder } from '../helpers/cli-process.js';
import { readExchanges } from '../helpers/recorder.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

/** An upstream that takes every request and never answers (until the test ends). */
const silentUpstream = () => startServer(() => new Promise<void>(() => {}));

function configWith(dir: string, record: object): string {
  const file = path.join(dir, 'replayguard.config.json');
  writeFileSync(file, JSON.stringify({ record }));
  return file;
}

async function sessionDropped(db: string, name: string): Promise<{ dropped: number; exchanges: number }> {
  const store = new SqliteRecordingStore(db, { readonly: true });
  try {
    const s = (await store.listSessions()).find((x) => x.name === name)!;
    return { dropped: s.dropped, exchanges: s.exchanges };
  } finally {
    await store.close();
  }
}

// Each test starts the CLI from source (tsx), which takes a while on a loaded machine.
describe('hostile: shutdown has one deadline for everything (issue 12 item 5)', { timeout: 120_000 }, () => {
  it('SIGTERM while a request waits on the upstream: exit by the 1.5 s grace, not the 120 s upstream timeout; the capture is stored as aborted, log and session agree', async () => {
    const up = await silentUpstream();
    const dir = tempDir();
    const db = path.join(dir, 'rec.db');
    const config = configWith(dir, { shutdownGrace: 1500, upstreamTimeout: 120_000 });
    const rec = await spawnRecorder(['--config', config, '--upstream', up.url, '--port', '0', '--db', db, '--session', 'waiting']);
    const pending = request(`${rec.url}/slow`).then(
      (r) => ({ status: r.statusCode }),
      (e: { code?: string }) => ({ error: e.code }),
    );
    // The request must be waiting on the upstream before the signal.
    while (up.seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    rec.child.kill('SIGTERM');
    // 20 s is a hang detector: the bug held the process for the 120 s upstream timeout.
    expect(await exitWithin(rec, 20_000), rec.stderr()).toEqual({ code: 0, signal: null });
    expect(await pending).toHaveProperty('error');
    const m = /stopped; session "waiting": (\d+) exchanges stored, (\d+) dropped/.exec(rec.stderr());
    expect(m, rec.stderr()).not.toBeNull();
    expect([Number(m![1]), Number(m![2])]).toEqual([1, 0]);
    expect(await sessionDropped(db, 'waiting')).toEqual({ dropped: 0, exchanges: 1 });
    const [stored] = await readExchanges(db, 'waiting');
    expect(stored!.request.url).toBe('/slow');
    expect(stored!.response).toBeNull();
    expect(stored!.failure).toMatchObject({ kind: 'aborted', code: 'ECONNABORTED' });
    expect(stored!.failure!.message).toMatch(/shutdownGrace \(1500 ms\)/);
  });

  it('a second signal forces the exit (code 2) long before a 60 s grace', async () => {
    const up = await silentUpstream();
    const dir = tempDir();
    const db = path.join(dir, 'rec.db');
    const config = configWith(dir, { shutdownGrace: 60_000, upstreamTimeout: 120_000 });
    const rec = await spawnRecorder(['--config', config, '--upstream', up.url, '--port', '0', '--db', db, '--session', 'forced']);
    void request(`${rec.url}/slow`).catch(() => {});
    while (up.seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    rec.child.kill('SIGTERM');
    while (!/finishing in-flight requests/.test(rec.stderr())) await new Promise((r) => setTimeout(r, 20));
    rec.child.kill('SIGTERM');
    expect(await exitWithin(rec, 15_000), rec.stderr()).toEqual({ code: 2, signal: null });
    expect(rec.stderr()).toMatch(/second SIGTERM: exiting now/);
  });
});
