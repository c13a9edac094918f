import { request } from 'undici';
import { expect, it } from 'vitest';
import type { RecorderCounts, SessionStats } from '../../../src/types.js';
import { exitWithin, spawnRecorder, type RecorderProcess } from '../../helpers/cli-process.js';
import { pgQuery, pgSchemas } from '../../helpers/pg.js';
import { runCliCaptured } from '../../helpers/replay.js';
import { describeWithPg } from '../../helpers/requirements.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Several `replayguard record` processes, one PostgreSQL, one session: what every client got back is
 * stored exactly once, and `ls` counts it per recorder.
 */

const schemas = pgSchemas(import.meta.filename);
const RECORDERS = 3;
const PER_RECORDER = 150;
const CONCURRENCY = 6;

/** Send `count` GETs through `proxy`, `concurrency` at a time; resolves with the urls answered in full. */
async function load(proxy: string, prefix: string, count: number, concurrency: number): Promise<string[]> {
  const done: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const url = `/${prefix}/items/${i}`;
        const res = await request(proxy + url);
        const body = (await res.body.json()) as { url: string };
        expect(res.statusCode).toBe(200);
        expect(body.url).toBe(url);
        done.push(url);
      }
    }),
  );
  return done;
}

await describeWithPg('several recorders into one PostgreSQL session', () => {
  it(`${RECORDERS} recorder processes under concurrent load store every completed response exactly once, counted per recorder`, async () => {
    const url = schemas.url(schemas.next());
    const schema = new URL(url).searchParams.get('schema')!;
    const upstreams = await Promise.all(
      Array.from({ length: RECORDERS }, () =>
        startServer((req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ url: req.url }));
        }),
      ),
    );
    const env = { REPLAYGUARD_REDACTION_KEY: 'several-recorders-test-key' };
    // Started together: the first to arrive creates the schema and the session, the others join them.
    const recorders: RecorderProcess[] = await Promise.all(upstreams.map((u) => spawnRecorder(['--upstream', u.url, '--port', '0', '--db', url, '--session', 'shared'], env)));

    const completed = await Promise.all(recorders.map((r, i) => load(r.url, `r${i}`, PER_RECORDER, CONCURRENCY)));
    for (const r of recorders) r.child.kill('SIGTERM');
    for (const r of recorders) {
      const exit = await exitWithin(r, 60_000);
      expect(exit, r.stderr()).toEqual({ code: 0, signal: null });
      expect(r.stderr()).toMatch(new RegExp(`stopped; session "shared": ${PER_RECORDER} exchanges stored, 0 dropped`));
    }

    const stored = await pgQuery<{ url: string; n: number }>(
      `SELECT e.url, count(*)::int AS n FROM ${schema}.exchanges e JOIN ${schema}.sessions s ON s.id = e.session_id WHERE s.name = 'shared' GROUP BY e.url`,
    );
    expect(stored.filter((r) => r.n !== 1)).toEqual([]);
    expect(stored.map((r) => r.url).sort()).toEqual(completed.flat().sort());

    const ls = await runCliCaptured(['ls', '--db', url, '--json'], { cwd: tempDir() });
    expect(ls.code, ls.err).toBe(0);
    const listed = JSON.parse(ls.out) as { sessions: SessionStats[]; recorders: RecorderCounts[] };
    expect(listed.sessions.map((s) => [s.name, s.exchanges, s.dropped])).toEqual([['shared', RECORDERS * PER_RECORDER, 0]]);
    const byPid = (a: { pid: number }, b: { pid: number }) => a.pid - b.pid;
    expect([...listed.recorders].sort(byPid).map((r) => [r.pid, r.upstream, r.exchanges, r.failures, r.dropped, r.endedAt !== null])).toEqual(
      recorders.map((r, i) => ({ pid: r.child.pid!, row: [r.child.pid, upstreams[i]!.url, PER_RECORDER, 0, 0, true] })).sort(byPid).map((x) => x.row),
    );
    // Each recorder's own exchanges are the ones its clients sent.
    const byRecorder = await pgQuery<{ pid: number; url: string }>(`SELECT r.pid, e.url FROM ${schema}.exchanges e JOIN ${schema}.recorders r ON r.id = e.recorder_id`);
    recorders.forEach((r, i) => expect(byRecorder.filter((x) => x.pid === r.child.pid).map((x) => x.url).sort()).toEqual(completed[i]!.sort()));

    const table = await runCliCaptured(['ls', '--db', url], { cwd: tempDir() });
    expect(table.out).toMatch(/recorders of "shared": 3/);
    for (const r of recorders) expect(table.out).toMatch(new RegExp(`\\s${r.child.pid}\\s+http://127\\.0\\.0\\.1:\\d+\\s.*\\s${PER_RECORDER}\\s+0\\s+0\\s*$`, 'm'));
  }, 240_000); // three processes started from source on a loaded machine: a hang bound, not a speed check
});
