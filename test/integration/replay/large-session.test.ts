import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteRecordingStore } from '../../../src/store/sqlite-recording-store.js';
import { findRun } from '../../../src/store/find-run.js';
import { openResultsStore } from '../../../src/store/open-store.js';
import type { NewExchange } from '../../../src/types.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

/**
 * Issue 3: a 10,000-exchange session replays with flat memory. The session is written straight into
 * SQLite (SqliteRecordingStore.appendSync, in batches); the replay runs in a child process through
 * the real CLI. While it runs, its resident set size is sampled from /proc/<pid>/status and what it
 * retains (live heap after a full collection) by a preload, each placed by how far the replay has got.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TOTAL = 10_000;
const LIVE_HEAP_PRELOAD = path.join(ROOT, 'test/helpers/live-heap-preload.mjs');
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

/** Results the child has stored so far (it writes them in batches): how far the replay has got. */
function progress(resultsDb: string): number {
  if (!existsSync(resultsDb)) return 0;
  let db: Database.Database | null = null;
  try {
    db = new Database(resultsDb, { readonly: true, fileMustExist: true });
    return (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
  } catch {
    return 0; // created, not migrated yet
  } finally {
    db?.close();
  }
}

interface Sample {
  at: number;
  /** Results stored when the sample was taken. */
  done: number;
  kb: number;
}

async function replayInChild(args: string[], resultsDb: string): Promise<{ code: number | null; samples: Sample[]; live: Array<{ done: number; bytes: number }>; ms: number; stderr: string }> {
  const t0 = performance.now();
  const liveFile = path.join(path.dirname(resultsDb), '..', `live-heap-${path.basename(path.dirname(resultsDb))}`);
  const child = spawn(process.execPath, ['--expose-gc', '--import', LIVE_HEAP_PRELOAD, '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'replay', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GITHUB_STEP_SUMMARY: '', RG_LIVE_HEAP_FILE: liveFile },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const kb = child.pid ? rssKb(child.pid) : null;
    if (kb !== null) samples.push({ at: Date.now(), done: progress(resultsDb), kb });
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  // Each live-heap reading is placed at the progress of the last sample taken before it.
  const live = (existsSync(liveFile) ? readFileSync(liveFile, 'utf8').trim().split('\n') : []).map((line) => {
    const [at, bytes] = line.split(' ').map(Number) as [number, number];
    return { done: samples.filter((s) => s.at <= at).at(-1)?.done ?? 0, bytes };
  });
  return { code, samples, live, ms: performance.now() - t0, stderr };
}

/** The largest value among readings taken while the replay was between `from` and `to` (fractions of TOTAL) done. */
function maxBetween<T extends { done: number }>(xs: readonly T[], from: number, to: number, value: (x: T) => number): number {
  const inRange = xs.filter((x) => x.done >= from * TOTAL && x.done < to * TOTAL).map(value);
  expect(inRange.length, `no reading between ${from * 100}% and ${to * 100}% of the replay`).toBeGreaterThan(0);
  return Math.max(...inRange);
}

describe('a 10,000-exchange session', () => {
  it('replays with flat memory (child process; what it retains and its RSS, sampled by progress)', { timeout: LOADED_MACHINE_MS * 4 }, async () => {
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
      const r = await replayInChild(['--db', dbFile, '--session', 'big', '--target', server.url, '--out', out, '--concurrency', String(concurrency)], path.join(out, 'results.db'));
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

      // Flat memory: what the process still holds after a full collection (heap + Buffers) does not grow
      // with the exchanges replayed. Judged by progress (results stored), not by time, so process start
      // and a loaded machine do not move the quarters. Steady state here is ~25 MB; keeping every
      // result or exchange would add 15 MB or more between the second quarter and the last.
      const liveMb = (x: { bytes: number }): number => x.bytes / 2 ** 20;
      const liveSecond = maxBetween(r.live, 0.25, 0.5, liveMb);
      const liveLast = maxBetween(r.live, 0.75, 1, liveMb);
      // RSS is reported and bounded, but it climbs while V8 sizes its spaces to the allocation rate
      // (warm-up, not retention), so it is not what flatness is judged on.
      const rssMb = (x: Sample): number => x.kb / 1024;
      const peakMb = Math.max(...r.samples.map(rssMb));
      const rate = TOTAL / (r.ms / 1000);
      figures.push(
        `concurrency ${concurrency}: ${Math.round(rate)} exchanges/s (incl. process start), live memory max ${liveSecond.toFixed(1)} MB in the second quarter, ${liveLast.toFixed(1)} MB in the last; ` +
          `RSS max ${maxBetween(r.samples, 0.25, 0.5, rssMb).toFixed(1)} / ${maxBetween(r.samples, 0.75, 1, rssMb).toFixed(1)} MB, peak ${peakMb.toFixed(1)} MB; ${r.samples.length} RSS and ${r.live.length} live samples`,
      );
      expect(liveLast, figures.at(-1)).toBeLessThanOrEqual(liveSecond + 5);
      // A bound against an explosion only (168 MB measured at load 20, from source through tsx, and up
      // to ~250 MB with every reporter); the retention check above is the flat-memory one.
      expect(peakMb, figures.at(-1)).toBeLessThan(300);
    }
    console.log(`[10k replay] ${figures.join('\n[10k replay] ')}`);
  });
});
