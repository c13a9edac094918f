// PostgreSQL and shards: when one machine is not enough.
//   1. ingest: wrk through 1, 2 and 4 `replayguard record` processes writing one session into one
//      PostgreSQL, next to 1 recorder into SQLite; stored exchanges/s (rows at the end / load seconds),
//      completed responses/s, drops;
//   2. replay from PostgreSQL vs SQLite: the same N-exchange session, CLI replay at concurrency 16;
//   3. a 4-way sharded replay + merge of one session from PostgreSQL: each shard's replay time, the
//      merge time and peak RSS, next to one unsharded replay;
//   4. flat memory: a session of BENCH_PG_BIG exchanges (default 200k; 1M with BENCH_PG_BIG=1000000)
//      read through the store's server-side cursor, peak RSS vs a 20k session.
// usage: node bench/pg.mjs [--quick]   env: BENCH_PG (default postgres://postgres@127.0.0.1:5432/test),
//        BENCH_PG_SECONDS (load per ingest run, default 8), BENCH_PG_REPLAY_N (10000), BENCH_PG_SHARD_N (40000)
import fs from 'node:fs';
import path from 'node:path';
import { CLI, DIST, HOST, QUICK, emit, fmt, machineLine, ports, requireDist, runToEnd, start, stop, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';
import { appendExchanges, openStore, SMALL_BODY } from './recordings.mjs';

requireDist();
const PG = process.env.BENCH_PG || 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_PG_SECONDS || (QUICK ? 4 : 8));
const REPLAY_N = Number(process.env.BENCH_PG_REPLAY_N || (QUICK ? 5000 : 10000));
const SHARD_N = Number(process.env.BENCH_PG_SHARD_N || (QUICK ? 10000 : 40000));
const BIG_N = Number(process.env.BENCH_PG_BIG || (QUICK ? 100000 : 200000));
const SMALL_N = 20000;
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

async function main() {
  console.log(`postgres + shards: ${machineLine()}; ${PG.replace(/:[^:@/]*@/, ':***@')} schema ${SCHEMA}`);
  const [UP] = await ports(1, 18450);
  const upstream = `http://${HOST}:${UP}`;
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)]);
  await waitHttp(UP, '/__count', 15000);
  const sections = [];
  try {
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

    // 4. flat memory through the cursor
    await pgSession('small', SMALL_N);
    const tb = performance.now();
    await pgSession('big', BIG_N);
    console.log(`  wrote ${BIG_N} exchanges in ${fmt((performance.now() - tb) / 1000, 1)} s`);
    const readAll = async (name) => {
      const f = path.join(WORK, `hwm-read-${name}`);
      const code = `const { openPgRecordingStore } = await import(${JSON.stringify(path.join(DIST, 'src/store/pg-recording-store.js'))});
        const s = await openPgRecordingStore(${JSON.stringify(DB)}, { readonly: true }); const sess = await s.findSession(${JSON.stringify(name)});
        let n = 0, bytes = 0; const t0 = performance.now(); for await (const e of s.iterate(sess.id)) { n++; bytes += e.response.body.size; }
        console.log(JSON.stringify({ n, s: (performance.now() - t0) / 1000 })); await s.close();`;
      const r = await runToEnd(`read-${name}`, process.execPath, ['--import', HWM, '--input-type=module', '-e', code], { env: { BENCH_HWM_FILE: f }, timeoutMs: 15 * 60 * 1000 });
      if (r.code !== 0) throw new Error(`read ${name} exited ${r.code}: ${r.stderr}`);
      return { ...JSON.parse(r.stdout.trim().split('\n').pop()), hwm: Number(fs.readFileSync(f, 'utf8')) / 1024 };
    };
    const small = await readAll('small');
    const big = await readAll('big');
    sections.push(`### Flat memory: a session read through the PostgreSQL store's server-side cursor (256 rows per FETCH)`);
    sections.push({
      head: ['session', 'exchanges', 'read/s', 'peak RSS MB'],
      rows: [
        ['20k', small.n, fmt(small.n / small.s), fmt(small.hwm)],
        [`${Math.round(BIG_N / 1000)}k`, big.n, fmt(big.n / big.s), `${fmt(big.hwm)} (${fmt((100 * big.hwm) / small.hwm - 100, 1)} % vs 20k)`],
      ],
    });
    emit('6-pg', 'PostgreSQL: ingest, replay, shards + merge, flat memory', sections);
  } finally {
    await stop(up);
    if (process.env.BENCH_KEEP !== '1') await sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => {});
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exitCode = 1;
});
