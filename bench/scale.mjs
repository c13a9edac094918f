// Scale: a 1,000,000-exchange recordings database (written with SqliteRecordingStore.appendSync in
// big transactions; small bodies), then
//   - `replayguard ls` wall time on it
//   - a replay of a 20k-exchange session inside it, with the replay process's RSS sampled every 250 ms
//   - `replayguard report --out DIR` on those 20k results: time and file sizes
// The database is deleted afterwards. usage: node bench/scale.mjs [--quick]  (quick: 200k exchanges)
// env: BENCH_SCALE_N, BENCH_SCALE_SUBSET
import fs from 'node:fs';
import path from 'node:path';
import { CLI, HOST, QUICK, emit, fmt, machineLine, median, ports, requireDist, rssMb, runToEnd, start, stop, waitHttp, workDir } from './lib.mjs';
import { appendExchanges, openStore } from './recordings.mjs';
import { jsonBody } from './upstream-body.mjs';

requireDist();
const TOTAL = Number(process.env.BENCH_SCALE_N || (QUICK ? 200_000 : 1_000_000));
const SUBSET = Number(process.env.BENCH_SCALE_SUBSET || 20_000);
const LS_REPS = QUICK ? 1 : 3;
const WORK = workDir('scale');
const [UP] = await ports(1, 18392);
const target = `http://${HOST}:${UP}`;

const mb = (bytes) => bytes / 2 ** 20;
const fileSize = (f) => (fs.existsSync(f) ? fs.statSync(f).size : -1);
const size = (b) => (b < 0 ? 'absent' : b < 2 ** 20 ? `${fmt(b / 1024, 1)} KB` : `${fmt(mb(b), 1)} MB`);

async function main() {
  console.log(`scale: ${machineLine()}; ${TOTAL} exchanges, replayed subset ${SUBSET}`);
  const db = path.join(WORK, 'big.db');
  const store = await openStore(db);
  const t0 = performance.now();
  const bulk = await store.openSession({ name: 'bulk', upstream: 'http://staging.example:8080', startedAt: Date.now() - 3_600_000 });
  appendExchanges(store, bulk.id, { n: TOTAL - SUBSET, upstream: 'http://staging.example:8080', body: jsonBody(200), batch: 20_000 });
  // The replayed session is the latest one; its responses equal what bench/upstream.mjs answers.
  const sub = await store.openSession({ name: 'subset', upstream: 'http://staging.example:8080', startedAt: Date.now() });
  appendExchanges(store, sub.id, { n: SUBSET, upstream: 'http://staging.example:8080', batch: 20_000 });
  await store.close();
  const genS = (performance.now() - t0) / 1000;
  const dbMb = mb(fileSize(db));
  console.log(`  wrote ${TOTAL} exchanges in ${genS.toFixed(1)} s: ${dbMb.toFixed(0)} MB`);

  // ls: the whole table is scanned (per session and per route counts and bytes)
  const lsTimes = [];
  let lsOut = '';
  for (let i = 0; i < LS_REPS; i++) {
    const a = performance.now();
    const r = await runToEnd('ls', process.execPath, [CLI, 'ls', '--db', db], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`ls failed: ${r.stderr}`);
    lsTimes.push((performance.now() - a) / 1000);
    lsOut = r.stdout;
  }
  const ver = await runToEnd('version', process.execPath, [CLI, '--version'], { timeoutMs: 60_000 });
  const startupS = await (async () => {
    const a = performance.now();
    await runToEnd('help', process.execPath, [CLI, '--help'], { timeoutMs: 60_000 });
    return (performance.now() - a) / 1000;
  })();
  console.log(`  ls: ${lsTimes.map((t) => t.toFixed(2)).join(', ')} s (CLI start-up alone ${startupS.toFixed(2)} s; ${ver.stdout.trim()})`);

  // replay of the subset, RSS sampled
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)]);
  await waitHttp(UP, '/__count', 15000);
  const out = path.join(WORK, 'out');
  const samples = [];
  const ta = performance.now();
  const p = start('replay', process.execPath, [CLI, 'replay', '--target', target, '--db', db, '--session', 'subset', '--out', out, '--concurrency', '32', '--fail-on', 'error']);
  const timer = setInterval(() => {
    const r = rssMb([p.pid]);
    if (r > 0) samples.push({ t: (performance.now() - ta) / 1000, rss: r });
  }, 250);
  const killer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 20 * 60 * 1000);
  const rr = await p.exited;
  clearInterval(timer);
  clearTimeout(killer);
  const replayS = (performance.now() - ta) / 1000;
  await stop(up);
  if (rr.code !== 0) throw new Error(`replay exited ${rr.code}: ${p.stderr().slice(-2000)}`);
  const quarter = (q) => {
    const inQ = samples.filter((s) => s.t >= (q * replayS) / 4 && s.t < ((q + 1) * replayS) / 4).map((s) => s.rss);
    return inQ.length ? Math.max(...inQ) : NaN;
  };
  const rssQ = [0, 1, 2, 3].map(quarter);
  const peakRss = Math.max(...samples.map((s) => s.rss));
  console.log(`  replay ${SUBSET} in ${replayS.toFixed(1)} s; RSS max per quarter ${rssQ.map((x) => fmt(x)).join(' / ')} MB`);
  const liveSizes = Object.fromEntries(['report.html', 'summary.json', 'junit.xml', 'summary.md', 'results.db'].map((f) => [f, fileSize(path.join(out, f))]));

  // report regeneration from results.db
  for (const f of ['report.html', 'summary.json', 'junit.xml', 'summary.md']) fs.rmSync(path.join(out, f), { force: true });
  const tr = performance.now();
  const rep = await runToEnd('report', process.execPath, ['--import', path.join(import.meta.dirname, 'hwm-at-exit.mjs'), CLI, 'report', '--out', out], {
    timeoutMs: 600_000,
    env: { BENCH_HWM_FILE: path.join(WORK, 'report-hwm') },
  });
  const reportS = (performance.now() - tr) / 1000;
  if (rep.code !== 0) throw new Error(`report failed: ${rep.stderr.slice(-2000)}`);
  const reportHwm = Number(fs.readFileSync(path.join(WORK, 'report-hwm'), 'utf8')) / 1024;
  const sizes = Object.fromEntries(['report.html', 'summary.json', 'junit.xml', 'summary.md'].map((f) => [f, fileSize(path.join(out, f))]));
  console.log(`  report: ${reportS.toFixed(1)} s, report.html ${size(sizes['report.html'])}`);

  const rows = [
    ['write the database (appendSync, 20k per transaction)', `${fmt(genS, 1)} s (${fmt(TOTAL / genS)} exchanges/s)`, `${fmt(dbMb)} MB for ${TOTAL.toLocaleString('en-US')} exchanges`],
    ['`replayguard ls --db big.db`', `${fmt(median(lsTimes), 2)} s (median of ${LS_REPS}; CLI start-up alone ${fmt(startupS, 2)} s)`, lsOut.split('\n').filter((l) => /bulk|subset/.test(l)).map((l) => l.trim().replace(/\s+/g, ' ')).slice(0, 2).join(' · ')],
    [`\`replayguard replay --session subset --concurrency 32\` (${SUBSET.toLocaleString('en-US')} of ${TOTAL.toLocaleString('en-US')}, all reporters)`, `${fmt(replayS, 1)} s (${fmt(SUBSET / replayS)} exchanges/s whole process)`, `RSS max per quarter of the run: ${rssQ.map((x) => fmt(x)).join(' / ')} MB; peak ${fmt(peakRss)} MB (${samples.length} samples)`],
    ['files written by that replay', '', Object.entries(liveSizes).map(([f, b]) => `${f} ${size(b)}`).join(', ')],
    [`\`replayguard report --out DIR\` (${SUBSET.toLocaleString('en-US')} results)`, `${fmt(reportS, 1)} s, peak RSS ${fmt(reportHwm)} MB`, Object.entries(sizes).map(([f, b]) => `${f} ${size(b)}`).join(', ')],
  ];
  const flat = rssQ[3] <= rssQ[1] * 1.15 + 5;
  emit('4-scale', 'Scale', [
    `${machineLine()}. One database of ${TOTAL.toLocaleString('en-US')} exchanges in two sessions: "bulk" (${(TOTAL - SUBSET).toLocaleString('en-US')}, ~200 B JSON bodies) and "subset" (${SUBSET.toLocaleString('en-US')}, ~1 KB JSON bodies equal to the local server's). Deleted afterwards.`,
    { head: ['step', 'time', 'detail'], rows },
    `RSS over the replay (max per quarter ${rssQ.map((x) => fmt(x)).join(' → ')} MB): ${flat ? 'flat (last quarter within 15% of the second)' : 'GROWING (last quarter more than 15% above the second)'}; peak ${fmt(peakRss)} MB, target < 250 MB: ${peakRss < 250 ? 'met' : 'MISSED'}.`,
  ]);
  fs.rmSync(db, { force: true });
}

await main();
process.exit(0);
