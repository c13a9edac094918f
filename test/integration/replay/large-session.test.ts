import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteRecordingStore } from '../../../src/store/sqlite-recording-store.js';
import { findRun } from '../../../src/store/find-run.js';
import { openResultsStore } from '../../../src/store/open-store.js';
import type { NewExchange } from '../../../src/types.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Issue 3: a 10,000-exchange session replays with flat memory. The session is written straight into
 * SQLite (SqliteRecordingStore.appendSync, in batches); the replay runs in a child process through
 * the real CLI, and its resident set size is sampled from /proc/<pid>/status while it runs.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TOTAL = 10_000;
const ROUTES = ['items', 'users', 'orders', 'products', 'carts', 'search', 'feeds', 'tags'];

function bodyFor(url: string, changed: boolean): Buffer {
  const n = Number(/\/(\d+)/.exec(url)?.[1] ?? 0);
  return Buffer.from(
    JSON.stringify({ url, id: n, name: `thing ${n}`, price: changed ? String(n * 3) : n * 3, tags: ['a', 'b', String(n % 7)], nested: { depth: 1, list: Array.from({ length: 8 }, (_, i) => ({ i, v: n + i })) } }),
  );
}
/** One exchange in a hundred is planted as a regression (price number → string). */
const isPlanted = (url: string): boolean => Number(/\/(\d+)/.exec(url)?.[1] ?? 1) % 100 === 0;
const urlOf = (i: number): string => `/${ROUTES[i % ROUTES.length]}/${i}`;

function buildSession(dbFile: string, upstream: string): void {
  const store = new SqliteRecordingStore(dbFile);
  try {
    const sessionId = Number((store as unknown as { db: { prepare(s: string): { run(...a: unknown[]): { lastInsertRowid: number | bigint } } } }).db
      .prepare('INSERT INTO sessions (name, upstream, started_at) VALUES (?, ?, ?)')
      .run('big', upstream, Date.now()).lastInsertRowid);
    for (let start = 0; start < TOTAL; start += 500) {
      const batch: NewExchange[] = [];
      for (let i = start; i < Math.min(TOTAL, start + 500); i++) {
        const url = urlOf(i);
        const body = bodyFor(url, false);
        batch.push({
          route: `/${ROUTES[i % ROUTES.length]}/:id`,
          startedAt: Date.now(),
          upstream,
          request: { method: 'GET', url, headers: [['accept', 'application/json']], body: { bytes: null, size: 0, truncated: false } },
          response: { status: 200, headers: [['content-type', 'application/json'], ['content-length', String(body.length)]], body: { bytes: body, size: body.length, truncated: false } },
          timing: { ttfbMs: 1, totalMs: 2 },
          failure: null,
        });
      }
      store.appendSync(sessionId, batch);
    }
  } finally {
    void store.close();
  }
}

function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function replayInChild(args: string[]): Promise<{ code: number | null; samplesKb: number[]; ms: number; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'replay', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const samplesKb: number[] = [];
  const timer = setInterval(() => {
    const kb = child.pid ? rssKb(child.pid) : null;
    if (kb !== null) samplesKb.push(kb);
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  return { code, samplesKb, ms: performance.now() - t0, stderr };
}

describe('a 10,000-exchange session', () => {
  it('replays with flat memory (child process, RSS sampled from /proc)', { timeout: 120_000 }, async () => {
    const server = await startServer((req, res) => {
      const body = bodyFor(req.url!, isPlanted(req.url!));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    const dir = tempDir('rg-10k-');
    const dbFile = path.join(dir, 'rec.db');
    buildSession(dbFile, server.url);

    const figures: string[] = [];
    for (const concurrency of [8, 32]) {
      const out = path.join(dir, `out-${concurrency}`);
      const r = await replayInChild(['--db', dbFile, '--session', 'big', '--target', server.url, '--out', out, '--concurrency', String(concurrency)]);
      expect(r.code, r.stderr).toBe(1); // the planted 1%
      const store = await openResultsStore(path.join(out, 'results.db'), { readonly: true });
      let counts;
      try {
        const { run } = await findRun(store, 'latest');
        expect(await store.countResults(run.id)).toBe(TOTAL);
        counts = run.counts;
      } finally {
        await store.close();
      }
      expect(counts).toMatchObject({ total: TOTAL, regression: TOTAL / 100, pass: TOTAL - TOTAL / 100 });

      // Flatness is judged once the replay streams: the first second is process start and module
      // loading (tsx), where RSS climbs from ~20 MB whatever the session size.
      const s = r.samplesKb.slice(20);
      expect(s.length).toBeGreaterThan(6);
      const third = Math.floor(s.length / 3);
      const early = Math.max(...s.slice(0, third));
      const late = Math.max(...s.slice(s.length - third));
      const peakMb = Math.max(...r.samplesKb) / 1024;
      const rate = TOTAL / (r.ms / 1000);
      figures.push(`concurrency ${concurrency}: ${Math.round(rate)} exchanges/s (incl. process start), peak RSS ${(Math.max(...r.samplesKb) / 1024).toFixed(1)} MB, first-third max ${(early / 1024).toFixed(1)} MB, last-third max ${(late / 1024).toFixed(1)} MB, ${s.length} samples`);
      expect(peakMb).toBeLessThan(250);
      expect(late).toBeLessThanOrEqual(1.5 * early + 30 * 1024);
    }
    console.log(`[10k replay] ${figures.join('\n[10k replay] ')}`);
  });
});
