// PostgreSQL and shards: when one machine is not enough.
//   1. ingest: wrk through 1, 2 and 4 `replayguard record` processes writing one session into one
//      PostgreSQL, next to 1 recorder into SQLite; stored exchanges/s (rows at the end / load seconds),
//      completed responses/s, drops;
//   2. replay from PostgreSQL vs SQLite: the same N-exchange session, CLI replay at concurrency 16;
//   3. a 4-way sharded replay + merge of one session from PostgreSQL: each shard's replay time, the
//      merge time and peak RSS, next to one unsharded replay;
//   4. flat memory: a session of BENCH_PG_BIG exchanges (default 200k; 1M with BENCH_PG_BIG=1000000)
//      replayed from PostgreSQL (server-side cursor) by the CLI, its RSS sampled every 250 ms: max per
//      quarter of the run (last vs second) and peak vs a 20k session replayed the same way.
// usage: node bench/pg.mjs [--quick]   env: BENCH_PG (default postgres://postgres@127.0.0.1:5432/test),
//        BENCH_PG_SECONDS (load per ingest run, default 8), BENCH_PG_REPLAY_N (10000), BENCH_PG_SHARD_N (40000),
//        BENCH_PG_ONLY=flat (section 4 alone: the 1M run takes minutes)
import fs from 'node:fs';
import path from 'node:path';
import { CLI, DIST, HOST, QUICK, emit, fmt, machine, machineLine, ports, requireDist, rssMb, runToEnd, start, stop, target, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';
import { appendExchanges, openStore, SMALL_BODY } from './recordings.mjs';

requireDist();
const PG = process.env.BENCH_PG || 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_PG_SECONDS || (QUICK ? 4 : 8));
const REPLAY_N = Number(process.env.BENCH_PG_REPLAY_N || (QUICK ? 5000 : 10000));
const SHARD_N = Number(process.env.BENCH_PG_SHARD_N || (QUICK ? 10000 : 40000));
const BIG_N = Number(process.env.BENCH_PG_BIG || (QUICK ? 100000 : 200000));
const SMALL_N = 20000;
const ONLY_FLAT = process.env.BENCH_PG_ONLY === 'flat';
const WORK = workDir('pg');
const SCHEMA = `rg_bench_${process.pid}`;
const DB = `${PG}${PG.includes('?') ? '&' : '?'}schema=${SCHEMA}`;
const KEY = { REPLAYGUARD_REDACTION_KEY: 'bench-pg-shared-redaction-key' };
const HWM = path.join(import.meta.dirname, 'hwm-at-exit.mjs');

const pg = (await import(path.join(DIST, '..', 'node_modules', 'pg', 'lib', 'index.js'))).default;
async function sql(text, params = []) {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function lsJson(db) {
  const r = await runToEnd('ls', process.execPath, [CLI, 'ls', '--db', db, '--json'], { timeoutMs: 120000 });
  if (r.code !== 0) throw new Error(`ls exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** n recorders in front of the upstream; wrk at 32 connections split between them for SECONDS. */
async function ingest(label, db, n, upstream) {
  const session = `ingest-${label}`;
  const recPorts = await ports(n, 18460);
  const recs = recPorts.map((p) => start(`record-${p}`, process.execPath, [CLI, 'record', '--upstream', upstream, '--port', String(p), '--db', db, '--session', session], { env: KEY }));
  for (const p of recPorts) await waitHttp(p, '/__replayguard/health', 60000);
  const script = wrkScript(WORK, 'get');
  const runs = await Promise.all(recPorts.map((p) => wrk({ url: `http://${HOST}:${p}/small`, connections: Math.max(1, Math.floor(32 / n)), seconds: SECONDS, script })));
  for (const r of recs) await stop(r, 'SIGTERM', 60000);
  const ls = await lsJson(db);
  const s = ls.sessions.find((x) => x.name === session);
  const completed = runs.reduce((a, r) => a + r.requests, 0);
  const seconds = runs[0].duration_us / 1e6;
  return { label, stored: s.exchanges, dropped: s.dropped, completed, rps: completed / seconds, storedPerS: s.exchanges / seconds, p99: Math.max(...runs.map((r) => r.p99)) };
}

/** A CLI replay; exchanges/s over the replay loop (summary.json durationMs) and peak RSS. */
async function replayCli({ db, session, out, target, extra = [] }) {
  const hwmFile = path.join(WORK, `hwm-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const r = await runToEnd('replay', process.execPath, ['--import', HWM, CLI, 'replay', '--db', db, '--session', session, '--target', target, '--out', out, '--concurrency', '16', '--reporter', 'json', '--fail-on', 'error', ...extra], {
    env: { ...KEY, BENCH_HWM_FILE: hwmFile },
    timeoutMs: 15 * 60 * 1000,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`replay exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return { wallS, loopS: summary.durationMs / 1000, total: summary.counts.total, hwm: Number(fs.readFileSync(hwmFile, 'utf8')) / 1024 };
}

/** Write `n` exchanges (the replay benchmark's rows) into a PostgreSQL session through the real store. */
async function pgSession(name, n) {
  const { openPgRecordingStore } = await import(path.join(DIST, 'src/store/pg-recording-store.js'));
  const store = await openPgRecordingStore(DB);
  const s = await store.openSession({ name, upstream: 'http://staging.example:8080', startedAt: Date.now() });
  const collected = [];
  const sink = { appendSync: (_id, rows) => collected.push(rows) };
  const t0 = performance.now();
  for (let done = 0; done < n; done += 5000) {
    collected.length = 0;
    appendExchanges(sink, s.id, { n: Math.min(5000, n - done), firstSeq: done + 1, upstream: 'http://staging.example:8080', body: SMALL_BODY, batch: 1000 });
    for (const rows of collected) await store.append(s.id, rows);
  }
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return seconds;
}

/**
 * Write `n` exchanges, the same rows as pgSession, inside the server (INSERT … SELECT over
 * generate_series, 100k per statement): a 1M-exchange session in about a minute, where going through
 * the store's append would take ten times as long. The session is opened through the store, so the
 * schema is migrated and the session row is the store's own.
 */
async function pgSessionFast(name, n) {
  const { openPgRecordingStore } = await import(path.join(DIST, 'src/store/pg-recording-store.js'));
  const store = await openPgRecordingStore(DB);
  const s = await store.openSession({ name, upstream: 'http://staging.example:8080', startedAt: Date.now() });
  await store.close();
  const resHeaders = JSON.stringify([['content-type', 'application/json'], ['content-length', String(SMALL_BODY.length)], ['date', 'Wed, 26 Nov 2026 12:00:00 GMT']]);
  const t0 = performance.now();
  for (let from = 1; from <= n; from += 100000) {
    await sql(
      `INSERT INTO ${SCHEMA}.exchanges (session_id, seq, started_at, upstream, method, url, route, req_headers, req_body_size, req_body_truncated,
         status, res_headers, res_body, res_body_size, res_body_truncated, ttfb_ms, total_ms)
       SELECT $1, i, 1790000000000 + i, 'http://staging.example:8080', 'GET', '/items/' || i || '?page=' || (i % 7), '/items/:id',
         '[["host","staging.example:8080"],["accept","application/json"],["user-agent","bench/1.0"],["x-request-id","req-' || i || '"]]', 0, false,
         200, $2, $3, $4, false, 1.2, 1.5
       FROM generate_series($5::bigint, $6::bigint) AS i`,
      [s.id, resHeaders, SMALL_BODY, SMALL_BODY.length, from, Math.min(n, from + 99999)],
    );
  }
  await sql(`UPDATE ${SCHEMA}.sessions SET last_seq = $2 WHERE id = $1`, [s.id, n]);
  return (performance.now() - t0) / 1000;
}

/** A CLI replay (json reporter, c=16) with the process's RSS sampled every 250 ms: max per quarter of the run, peak. */
async function replaySampled({ session, out, target }) {
  const samples = [];
  const t0 = performance.now();
  const p = start(`replay-${session}`, process.execPath, [CLI, 'replay', '--db', DB, '--session', session, '--target', target, '--out', out, '--concurrency', '16', '--reporter', 'json', '--fail-on', 'error'], { env: KEY });
  const timer = setInterval(() => {
    const r = rssMb([p.pid]);
    if (r > 0) samples.push({ t: (performance.now() - t0) / 1000, rss: r });
  }, 250);
  const killer = setTimeout(() => stop(p, 'SIGKILL'), 60 * 60 * 1000);
  const r = await p.exited;
  clearInterval(timer);
  clearTimeout(killer);
  const wallS = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`replay exited ${r.code}: ${p.stderr().slice(-2000)}`);
  const quarters = [0, 1, 2, 3].map((q) => Math.max(...samples.filter((x) => x.t >= (q * wallS) / 4 && x.t < ((q + 1) * wallS) / 4).map((x) => x.rss)));
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return { wallS, total: summary.counts.total, quarters, peak: Math.max(...samples.map((x) => x.rss)), samples: samples.length };
}

async function main() {
  console.log(`postgres + shards: ${machineLine()}; ${PG.replace(/:[^:@/]*@/, ':***@')} schema ${SCHEMA}`);
  const [UP] = await ports(1, 18450);
  const upstream = `http://${HOST}:${UP}`;
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)]);
  await waitHttp(UP, '/__count', 15000);
  const sections = [];
  try {
    if (!ONLY_FLAT) await otherSections(upstream, sections);
    await flatMemory(upstream, sections);
    emit(ONLY_FLAT ? '6-pg-flat' : '6-pg', 'PostgreSQL: ingest, replay, shards + merge, flat memory', sections);
  } finally {
    await stop(up);
    if (process.env.BENCH_KEEP !== '1') await sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => {});
  }
}

/** Sections 1-3: ingest, replay from PostgreSQL vs SQLite, 4 shards + merge. */
async function otherSections(upstream, sections) {
  {
    // 1. ingest
    const ing = [await ingest('sqlite-1', path.join(WORK, 'ingest.db'), 1, upstream)];
    for (const n of [1, 2, 4]) ing.push(await ingest(`pg-${n}`, DB, n, upstream));
    for (const r of ing) console.log(`  ingest ${r.label}: ${fmt(r.rps)} completed/s, ${fmt(r.storedPerS)} stored/s, ${r.dropped} dropped, p99 ${fmt(r.p99, 1)} ms`);
    sections.push(`### Ingest (wrk, 32 connections split across the recorders, ${SECONDS} s, ~1 KB GET)`);
    sections.push({
      head: ['recorders → store', 'completed req/s', 'stored exchanges/s', 'stored', 'dropped', 'stored + dropped / completed by wrk', 'worst p99 ms'],
      rows: ing.map((r) => [r.label.replace('sqlite-1', '1 → SQLite').replace(/^pg-(\d)$/, '$1 → PostgreSQL'), fmt(r.rps), fmt(r.storedPerS), r.stored, r.dropped, `${r.stored + r.dropped} / ${r.completed}`, fmt(r.p99, 1)]),
    });

    // 2. replay PG vs SQLite
    const sqliteDb = path.join(WORK, 'replay.db');
    const store = await openStore(sqliteDb);
    const ss = await store.openSession({ name: 'replay', upstream: 'http://staging.example:8080', startedAt: Date.now() });
    appendExchanges(store, ss.id, { n: REPLAY_N, upstream: 'http://staging.example:8080' });
    await store.close();
    const wroteS = await pgSession('replay', REPLAY_N);
    console.log(`  wrote ${REPLAY_N} exchanges into PostgreSQL in ${fmt(wroteS, 1)} s (${fmt(REPLAY_N / wroteS)}/s through PgRecordingStore.append, 1000 per batch)`);
    const fromSqlite = await replayCli({ db: sqliteDb, session: 'replay', out: path.join(WORK, 'out-sqlite'), target: upstream });
    const fromPg = await replayCli({ db: DB, session: 'replay', out: path.join(WORK, 'out-pg'), target: upstream });
    sections.push(`### Replay from PostgreSQL vs SQLite (${REPLAY_N} exchanges, concurrency 16, --reporter json)`);
    sections.push({
      head: ['recordings in', 'exchanges/s (loop)', 'exchanges/s (process)', 'peak RSS MB'],
      rows: [
        ['SQLite', fmt(REPLAY_N / fromSqlite.loopS), fmt(REPLAY_N / fromSqlite.wallS), fmt(fromSqlite.hwm)],
        ['PostgreSQL', fmt(REPLAY_N / fromPg.loopS), fmt(REPLAY_N / fromPg.wallS), fmt(fromPg.hwm)],
      ],
    });

    // 3. 4 shards + merge
    await pgSession('sharded', SHARD_N);
    const whole = await replayCli({ db: DB, session: 'sharded', out: path.join(WORK, 'out-whole'), target: upstream });
    const parts = [];
    for (let i = 1; i <= 4; i++) parts.push(await replayCli({ db: DB, session: 'sharded', out: path.join(WORK, `out-shard-${i}`), target: upstream, extra: ['--shard', `${i}/4`] }));
    const hwmFile = path.join(WORK, 'hwm-merge');
    const t0 = performance.now();
    const m = await runToEnd('merge', process.execPath, ['--import', HWM, CLI, 'merge', ...[1, 2, 3, 4].map((i) => path.join(WORK, `out-shard-${i}`)), '--out', path.join(WORK, 'out-merged'), '--reporter', 'json'], {
      env: { BENCH_HWM_FILE: hwmFile },
      timeoutMs: 15 * 60 * 1000,
    });
    const mergeS = (performance.now() - t0) / 1000;
    if (m.code !== 0) throw new Error(`merge exited ${m.code}: ${m.stderr.slice(-2000)}`);
    const merged = JSON.parse(fs.readFileSync(path.join(WORK, 'out-merged', 'summary.json'), 'utf8'));
    const mergeHwm = Number(fs.readFileSync(hwmFile, 'utf8')) / 1024;
    sections.push(`### ${SHARD_N}-exchange session from PostgreSQL: 4 shards (run one after the other here) + merge`);
    sections.push({
      head: ['run', 'exchanges', 'seconds (process)', 'peak RSS MB'],
      rows: [
        ['unsharded replay', whole.total, fmt(whole.wallS, 1), fmt(whole.hwm)],
        ...parts.map((p, i) => [`shard ${i + 1}/4`, p.total, fmt(p.wallS, 1), fmt(p.hwm)]),
        ['merge (json reporter)', merged.counts.total, fmt(mergeS, 1), fmt(mergeHwm)],
      ],
    });

  }
}

/**
 * Section 4: a BIG_N-exchange session replayed from PostgreSQL with flat memory (issue 15). Judged
 * within one run, last quarter against the second (the first is start-up and V8 sizing its heap to
 * the allocation rate), and as peak RSS against a 20k session replayed the same way.
 */
async function flatMemory(upstream, sections) {
  const wroteSmall = await pgSessionFast('small', SMALL_N);
  const wroteBig = await pgSessionFast('big', BIG_N);
  console.log(`  wrote ${fmt(SMALL_N)} + ${fmt(BIG_N)} exchanges in ${fmt(wroteSmall + wroteBig, 1)} s (INSERT … SELECT generate_series)`);
  const small = await replaySampled({ session: 'small', out: path.join(WORK, 'out-flat-small'), target: upstream });
  const big = await replaySampled({ session: 'big', out: path.join(WORK, 'out-flat-big'), target: upstream });
  const load = machine().load;
  for (const [label, r] of [['20k', small], [`${fmt(BIG_N / 1000)}k`, big]]) {
    console.log(`  replay ${label}: ${r.total} exchanges in ${fmt(r.wallS, 1)} s; RSS max per quarter ${r.quarters.map((x) => fmt(x)).join(' / ')} MB, peak ${fmt(r.peak)} MB (${r.samples} samples)`);
  }
  const size = BIG_N >= 1e6 ? `${fmt(BIG_N / 1e6, BIG_N % 1e6 ? 1 : 0)}M` : `${fmt(BIG_N / 1000)}k`;
  const growth = (100 * big.quarters[3]) / big.quarters[1] - 100;
  target(`replay from PostgreSQL, ${size} exchanges: RSS last quarter vs second`, `${fmt(big.quarters[1])} → ${fmt(big.quarters[3])} MB (${growth >= 0 ? '+' : ''}${fmt(growth, 1)} %)`, 'within 10%', growth <= 10, `max RSS per quarter of one run, sampled every 250 ms; load avg ${load}`);
  const vsSmall = (100 * big.peak) / small.peak - 100;
  target(`replay from PostgreSQL, ${size} exchanges: peak RSS vs a 20k session`, `${fmt(big.peak)} vs ${fmt(small.peak)} MB (${vsSmall >= 0 ? '+' : ''}${fmt(vsSmall, 1)} %)`, 'within 10%', vsSmall <= 10, `same CLI replay (json reporter, c=16) one after the other; load avg ${load}`);
  sections.push(`### Flat memory: a session replayed from PostgreSQL (server-side cursor, 256 rows per FETCH), RSS sampled every 250 ms`);
  sections.push({
    head: ['session', 'exchanges', 'seconds (process)', 'RSS max per quarter MB', 'peak RSS MB'],
    rows: [small, big].map((r, i) => [i === 0 ? '20k' : size, r.total, fmt(r.wallS, 1), r.quarters.map((x) => fmt(x)).join(' / '), fmt(r.peak)]),
  });
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exitCode = 1;
});
