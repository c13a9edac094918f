import { copyFileSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRun } from '../../src/store/find-run.js';
import { openResultsStore } from '../../src/store/open-store.js';
import { readResults, recordSession, runCliCaptured } from '../helpers/replay.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

const N = 150;
const PAGE = 4096;

async function recorded() {
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, pad: 'y'.repeat(3000) }));
  });
  const script = Array.from({ length: N }, (_, i) => ({ path: `/item/${i + 1}?p=${'x'.repeat(500)}`, headers: { 'x-marker': `MARK${String(i + 1).padStart(3, '0')}` } }));
  const rec = await recordSession(server.url, script);
  return { server, ...rec };
}

function copyOf(file: string): { dir: string; db: string } {
  const dir = tempDir();
  const db = path.join(dir, 'damaged.db');
  copyFileSync(file, db);
  return { dir, db };
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

describe('hostile: a recordings file damaged mid-way (issue 12 item 8)', () => {
  it('11 of 11 single-page corruptions exit 2 with RG_ERR_DB_CORRUPT naming the file and integrity_check; none is "a bug", none completes', { timeout: 180_000 }, async () => {
    const { server, dbFile } = await recorded();
    const pages = statSync(dbFile).size / PAGE;
    const outcomes: string[] = [];
    // Page 1 holds the header and schema (a different failure: not a database at all); pages 2..n are data.
    for (let k = 1; k <= 11; k++) {
      const page = 1 + Math.floor(((pages - 1) * k) / 12);
      const { dir, db } = copyOf(dbFile);
      overwrite(db, page * PAGE, Buffer.alloc(PAGE, 0xa5));
      const r = await runCliCaptured(['replay', '--db', db, '--session', 'test', '--target', server.url, '--out', path.join(dir, 'out')], { cwd: dir });
      expect(r.err, `page ${page}`).not.toMatch(/this is a bug|unexpected error/);
      expect(r.code, `page ${page}: ${r.err}`).toBe(2);
      expect(r.err).toContain(`RG_ERR_DB_CORRUPT: database ${db} is corrupt`);
      expect(r.err).toContain(`sqlite3 ${db} 'PRAGMA integrity_check'`);
      outcomes.push(`${page}:${r.code}`);
    }
    expect(outcomes).toHaveLength(11);
  });

  it('damage inside one row (valid pages, garbage JSON at seq 60): 59 exchanges replayed, run finished and reported, then exit 2', { timeout: 120_000 }, async () => {
    const { server, dbFile } = await recorded();
    const { dir, db } = copyOf(dbFile);
    const bytes = readFileSync(db);
    const at = bytes.indexOf('"MARK060"');
    expect(at).toBeGreaterThan(0);
    overwrite(db, at, Buffer.from('\u0001'));
    const out = path.join(dir, 'out');
    const r = await runCliCaptured(['replay', '--db', db, '--session', 'test', '--target', server.url, '--out', out, '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`RG_ERR_DB_CORRUPT: database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt: decoding exchange seq 60`));
    expect(r.err).not.toMatch(/this is a bug|unexpected error/);
    const store = await openResultsStore(path.join(out, 'results.db'), { readonly: true });
    try {
      const { run } = await findRun(store, 'latest');
      expect(run.endedAt).not.toBeNull();
      expect(run.exitCode).toBe(2);
    } finally {
      await store.close();
    }
    expect((await readResults(path.join(out, 'results.db'))).map((x) => x.verdict)).toEqual(Array(59).fill('pass'));
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { exitCode: number; exitReason: string; counts: { total: number } };
    expect(summary.counts.total).toBe(59);
    expect(summary.exitReason).toMatch(/^stopped after 59 exchanges: database .* is corrupt/);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8').length).toBeGreaterThan(1000);
  });
});
