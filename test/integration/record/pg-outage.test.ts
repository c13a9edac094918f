import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { expect, it } from 'vitest';
import type { RecorderCounts, SessionStats } from '../../../src/types.js';
import { exitWithin, spawnRecorder, type RecorderProcess } from '../../helpers/cli-process.js';
import { pgQuery } from '../../helpers/pg.js';
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster.js';
import { runCliCaptured } from '../../helpers/replay.js';
import { describeWithPg } from '../../helpers/requirements.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

/**
 * The database is not the proxy's problem: PostgreSQL stopping while recording costs recordings
 * (counted), never client traffic. The server stopped here is a throwaway cluster of the test's own
 * (test/helpers/pg-cluster.ts), never the machine's shared one.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a wait for an event (rows stored, requests answered) may take: a hang bound on a loaded machine. */
const WAIT_MS = 120_000;

interface Sent {
  url: string;
  status: number;
  startedAt: number;
  endedAt: number;
}

/** Requests `concurrency` at a time until `stop()`; every answer is kept (status 0: it failed). */
function steadyLoad(proxy: string, concurrency: number) {
  const sent: Sent[] = [];
  let stopping = false;
  let n = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stopping) {
      const url = `/orders/${n++}`;
      const startedAt = Date.now();
      let status = 0;
      try {
        const res = await request(proxy + url);
        await res.body.dump();
        status = res.statusCode;
      } catch {
        status = 0;
      }
      sent.push({ url, status, startedAt, endedAt: Date.now() });
    }
  });
  return {
    sent,
    stop: async () => {
      stopping = true;
      await Promise.all(workers);
      return sent;
    },
  };
}

async function storedUrls(cluster: PgCluster, schema: string): Promise<Map<string, number>> {
  const rows = await pgQuery<{ url: string; n: number }>(`SELECT url, count(*)::int AS n FROM ${schema}.exchanges GROUP BY url`, [], cluster.url);
  return new Map(rows.map((r) => [r.url, r.n]));
}

/** Poll until `done(stored)` holds: a wait for a condition with a hang bound, not a retry of the test. */
async function waitStored(cluster: PgCluster, schema: string, done: (stored: Map<string, number>) => boolean, withinMs: number): Promise<boolean> {
  for (const until = Date.now() + withinMs; Date.now() < until; await sleep(100)) {
    if (done(await storedUrls(cluster, schema).catch(() => new Map<string, number>()))) return true;
  }
  return false;
}

async function recordInto(cluster: PgCluster, schema: string, upstream: string, config: object): Promise<RecorderProcess> {
  const dir = tempDir();
  const file = path.join(dir, 'replayguard.config.json');
  writeFileSync(file, JSON.stringify(config));
  const db = `${cluster.url}?schema=${schema}`;
  return spawnRecorder(['--upstream', upstream, '--port', '0', '--db', db, '--session', 'outage', '--config', file], { REPLAYGUARD_REDACTION_KEY: 'pg-outage-test-redaction-key' });
}

await describeWithPg('PostgreSQL going away while recording', () => {
  it('stopped for 3 s mid-recording: no client request fails or waits on it, writing resumes by itself, stored + dropped = completed', async () => {
    const cluster = await startPgCluster();
    const upstream = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url }));
    });
    // A queue of 8 KiB (about a dozen captures): the outage must fill it, so dropping is exercised too.
    const rec = await recordInto(cluster, 'rg', upstream.url, { record: { queue: { maxBytes: 8 * 1024 } } });

    const load = steadyLoad(rec.url, 4);
    // Recording is under way once captures reach the database (not after a fixed time: under load the
    // first ones take seconds).
    expect(await waitStored(cluster, 'rg', (s) => s.size >= 20, WAIT_MS), rec.stderr()).toBe(true);
    const storedBefore = (await storedUrls(cluster, 'rg')).size;
    await cluster.stop();
    const downAt = Date.now();
    // Down for 3 s at least, and until 20 requests sent after it went down were answered: on a loaded
    // machine 3 s may hold fewer. Had requests waited on the database, none would be answered while it
    // is down and the wait would end at its bound with none.
    const answeredWhileDown = (): number => load.sent.filter((s) => s.startedAt >= downAt && s.status === 200).length;
    await sleep(3000);
    for (const until = Date.now() + WAIT_MS; answeredWhileDown() <= 20 && Date.now() < until; ) await sleep(100);
    const upAt = Date.now();
    await cluster.start();
    // Writing resumes by itself, with no signal: what was queued and what comes next reach the database.
    const resumed = await waitStored(cluster, 'rg', (s) => s.size > storedBefore + 10, WAIT_MS);
    const sent = await load.stop();

    expect(sent.filter((s) => s.status !== 200)).toEqual([]);
    const duringOutage = sent.filter((s) => s.startedAt >= downAt && s.endedAt <= upAt);
    expect(duringOutage.length).toBeGreaterThan(20);
    expect(resumed, rec.stderr()).toBe(true);
    expect(rec.stderr()).toMatch(/recording storage is unreachable \(.+\): captures wait in the queue and writing is retried/);

    rec.child.kill('SIGTERM');
    expect(await exitWithin(rec, WAIT_MS), rec.stderr()).toEqual({ code: 0, signal: null });
    expect(rec.stderr()).toMatch(/recording storage is reachable again: writing resumed/);

    const stored = await storedUrls(cluster, 'rg');
    expect([...stored.values()].filter((n) => n !== 1)).toEqual([]);
    const completed = new Set(sent.map((s) => s.url));
    expect([...stored.keys()].filter((u) => !completed.has(u))).toEqual([]);
    const ls = await runCliCaptured(['ls', '--db', `${cluster.url}?schema=rg`, '--json'], { cwd: tempDir() });
    expect(ls.code, ls.err).toBe(0);
    const listed = JSON.parse(ls.out) as { sessions: SessionStats[]; recorders: RecorderCounts[] };
    const session = listed.sessions[0]!;
    expect(session.dropped).toBeGreaterThan(0);
    expect(session.exchanges + session.dropped).toBe(sent.length);
    expect(listed.recorders.map((r) => r.exchanges + r.dropped)).toEqual([sent.length]);
    expect(rec.stderr()).toContain(`${session.exchanges} exchanges stored, ${session.dropped} dropped (not stored: the queue was full or storage was unreachable)`);
  }, LOADED_MACHINE_MS); // a cluster and a process started on a loaded machine: hang bounds, not speed checks

  it('SIGTERM while the server is down gives up at the grace and says how many captures it could not store', async () => {
    const cluster = await startPgCluster();
    const upstream = await startServer((_req, res) => {
      res.end('ok');
    });
    const rec = await recordInto(cluster, 'rg', upstream.url, { record: { shutdownGrace: '2s' } });
    for (let i = 0; i < 10; i++) await (await request(`${rec.url}/before/${i}`)).body.dump();
    expect(await waitStored(cluster, 'rg', (s) => s.has('/before/9'), WAIT_MS)).toBe(true);
    await cluster.stop();
    for (let i = 0; i < 7; i++) {
      const res = await request(`${rec.url}/after/${i}`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    rec.child.kill('SIGTERM');
    expect(await exitWithin(rec, WAIT_MS), rec.stderr()).toEqual({ code: 0, signal: null });
    expect(rec.stderr()).toMatch(/stopped; session "outage": 10 exchanges stored, 7 dropped \(not stored/);
  }, LOADED_MACHINE_MS);
});
