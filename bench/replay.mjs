// Replay throughput: a 10k-exchange session (written with SqliteRecordingStore from dist) replayed by
// the real CLI against a fast local node:http server (bench/upstream.mjs) at concurrency 8 and 32,
// next to wrk's raw rate against the same server at the same concurrency, and a bare undici Pool loop
// (the ceiling for a Node client doing nothing but requests). Peak RSS of the replay process (VmHWM at
// exit). A second session of the same size in which every response differs from the recording only
// by noise the configured rules accept (bench/upstream-body.mjs noisyBody: ~26 filtered differences
// per exchange) is replayed in the same reps: the rate of a realistic, noisy replay.
// usage: node bench/replay.mjs [--quick]   env: BENCH_REPLAY_N, BENCH_REPS
import fs from 'node:fs';
import path from 'node:path';
import { CLI, HOST, QUICK, emit, fmt, hasTool, machine, machineLine, median, ports, requireDist, runToEnd, start, stop, target as targetRow, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';
import { appendExchanges, openStore } from './recordings.mjs';
import { NOISE_RULES, noisyBody } from './upstream-body.mjs';

requireDist();
const N = Number(process.env.BENCH_REPLAY_N || 10000);
const REPS = Number(process.env.BENCH_REPS || (QUICK ? 1 : 3));
const WRK_SECONDS = QUICK ? 3 : 5;
const CONCURRENCY = [8, 32];
const WORK = workDir('replay');
const [UP] = await ports(1, 18390);
const target = `http://${HOST}:${UP}`;

/** Find the first `durationMs` anywhere in summary.json (the replay loop, reporters' final writes excluded). */
function durationOf(summaryFile) {
  try {
    const doc = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    const seen = [doc];
    for (let i = 0; i < seen.length && i < 100000; i++) {
      const o = seen[i];
      if (o && typeof o === 'object') {
        if (typeof o.durationMs === 'number') return o.durationMs;
        for (const v of Object.values(o)) if (v && typeof v === 'object') seen.push(v);
      }
    }
  } catch {
    /* no summary */
  }
  return NaN;
}

/** One CLI replay; returns exchanges/s over the replay loop and over the whole process, peak RSS, verdicts. */
export async function cliReplay({ db, out, concurrency, session = 'latest', reporters = [], extraEnv = {}, sampleRss, config }) {
  const hwmFile = path.join(WORK, `hwm-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const cpuFile = `${hwmFile}-cpu`;
  const args = ['--import', path.join(import.meta.dirname, 'hwm-at-exit.mjs'), CLI, 'replay', '--target', target, '--db', db, '--out', out, '--session', session, '--concurrency', String(concurrency), '--fail-on', 'error'];
  for (const r of reporters) args.push('--reporter', r);
  if (config) args.push('--config', config);
  const t0 = performance.now();
  const p = start('replay', process.execPath, args, { env: { BENCH_HWM_FILE: hwmFile, BENCH_CPU_FILE: cpuFile, ...extraEnv } });
  const killer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 15 * 60 * 1000);
  const stopSampling = sampleRss?.(p.pid);
  const r = await p.exited;
  clearTimeout(killer);
  stopSampling?.();
  const wallS = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`replay exited ${r.code}: ${p.stderr().slice(-2000)}\n${p.stdout().slice(-1000)}`);
  const loopMs = durationOf(path.join(out, 'summary.json'));
  const hwm = fs.existsSync(hwmFile) ? Number(fs.readFileSync(hwmFile, 'utf8')) / 1024 : NaN;
  const cpuS = fs.existsSync(cpuFile) ? Number(fs.readFileSync(cpuFile, 'utf8')) : NaN;
  let counts = null;
  try {
    counts = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).counts ?? null;
  } catch {
    /* no summary */
  }
  return { wallS, loopMs, hwm, cpuS, counts, stdout: p.stdout(), args };
}

/** undici Pool, `concurrency` workers in a loop reading each body: a Node client with no other work. */
async function undiciLoop(concurrency, n) {
  const code = `
    const { Pool } = require(${JSON.stringify(path.join(import.meta.dirname, '..', 'node_modules', 'undici'))});
    const pool = new Pool(${JSON.stringify(target)}, { connections: ${concurrency}, pipelining: 1 });
    let next = 0; const N = ${n};
    const worker = async () => { while (next < N) { const i = ++next; const r = await pool.request({ method: 'GET', path: '/items/' + i }); for await (const c of r.body) {} } };
    const t0 = performance.now();
    Promise.all(Array.from({ length: ${concurrency} }, worker)).then(async () => { const s = (performance.now() - t0) / 1000; await pool.close(); console.log(JSON.stringify({ rps: N / s })); });`;
  const r = await runToEnd('undici-loop', process.execPath, ['-e', code], { timeoutMs: 300000 });
  return JSON.parse(r.stdout.trim().split('\n').pop()).rps;
}

async function main() {
  if (!hasTool('wrk')) throw new Error('wrk is not installed (apt-get install wrk)');
  console.log(`replay throughput: ${machineLine()}; ${N} exchanges, ${REPS} rep(s)`);
  const db = path.join(WORK, 'rec.db');
  const store = await openStore(db);
  const s = await store.openSession({ name: 'bench-10k', upstream: 'http://staging.example:8080', startedAt: Date.now() });
  const tb = performance.now();
  appendExchanges(store, s.id, { n: N, upstream: 'http://staging.example:8080' });
  const noisy = await store.openSession({ name: 'bench-noisy', upstream: 'http://staging.example:8080', startedAt: Date.now() });
  appendExchanges(store, noisy.id, { n: N, upstream: 'http://staging.example:8080', prefix: '/noisy', body: noisyBody(1024, 0) });
  await store.close();
  const noiseConfig = path.join(WORK, 'replayguard.config.json');
  fs.writeFileSync(noiseConfig, JSON.stringify({ compare: NOISE_RULES }));
  console.log(`  wrote ${N} exchanges in ${((performance.now() - tb) / 1000).toFixed(1)} s (${(fs.statSync(db).size / 2 ** 20).toFixed(1)} MB)`);

  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)]);
  await waitHttp(UP, '/__count', 15000);
  const script = wrkScript(WORK, 'get');
  const res = {};
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      // Interleave: per rep, for each concurrency, the raw rate and the replay back to back (order alternates).
      for (const c of rep % 2 ? CONCURRENCY : [...CONCURRENCY].reverse()) {
        res[c] ??= { wrk: [], undici: [], loop: [], wall: [], hwm: [], wrkP99: [], cpu: [], noisy: [], noisyCpu: [], noisyCounts: null };
        const w = await wrk({ url: `${target}/items/1?page=1`, connections: c, seconds: WRK_SECONDS, script });
        res[c].wrk.push(w.rps);
        res[c].wrkP99.push(w.p99);
        res[c].undici.push(await undiciLoop(c, N));
        const out = path.join(WORK, `out-${c}-${rep}`);
        const r = await cliReplay({ db, out, concurrency: c, session: 'bench-10k', reporters: ['json'] });
        if (!/\b0 regressions?\b|same/i.test(r.stdout) && rep === 1) console.log(r.stdout.slice(-600));
        res[c].loop.push(N / (r.loopMs / 1000));
        res[c].wall.push(N / r.wallS);
        res[c].hwm.push(r.hwm);
        res[c].cpu.push(r.cpuS);
        fs.rmSync(out, { recursive: true, force: true });
        const nr = await cliReplay({ db, out, concurrency: c, session: 'bench-noisy', reporters: ['json'], config: noiseConfig });
        res[c].noisy.push(N / (nr.loopMs / 1000));
        res[c].noisyCpu.push(nr.cpuS);
        res[c].noisyCounts = nr.counts;
        fs.rmSync(out, { recursive: true, force: true });
        console.log(`  rep ${rep} c=${c}: wrk ${fmt(w.rps)} req/s · undici loop ${fmt(res[c].undici.at(-1))} req/s · replay ${fmt(N / (r.loopMs / 1000))} exchanges/s (whole process ${fmt(N / r.wallS)}/s, CPU ${fmt(r.cpuS, 2)} s) · peak RSS ${fmt(r.hwm)} MB · noisy replay ${fmt(res[c].noisy.at(-1))} exchanges/s (CPU ${fmt(nr.cpuS, 2)} s; ${JSON.stringify(nr.counts)})`);
      }
    }
    // Default reporters (console, json, junit, markdown, html) once at c=32, to show what they cost.
    const out = path.join(WORK, 'out-all');
    const all = await cliReplay({ db, out, concurrency: 32, session: 'bench-10k' });
    res.all = { loop: N / (all.loopMs / 1000), wall: N / all.wallS, hwm: all.hwm };
    console.log(`  all reporters c=32: ${fmt(res.all.loop)} exchanges/s (whole process ${fmt(res.all.wall)}/s), peak RSS ${fmt(res.all.hwm)} MB`);
  } finally {
    await stop(up);
  }

  const rows = CONCURRENCY.map((c) => {
    const r = res[c];
    const loop = median(r.loop);
    return [String(c), fmt(median(r.wrk)), fmt(median(r.undici)), fmt(loop), `${fmt(Math.min(...r.loop))}–${fmt(Math.max(...r.loop))}`, fmt(median(r.wall)), fmt(loop / median(r.wrk), 2), fmt(loop / median(r.undici), 2), fmt(median(r.cpu), 2), fmt(Math.max(...r.hwm)), fmt(median(r.noisy)), fmt(median(r.noisyCpu), 2)];
  });
  const load = machine().load;
  for (const c of CONCURRENCY) {
    const x = median(res[c].loop) / median(res[c].undici);
    targetRow(`replay 10k × ~1 KB, × bare undici Pool loop, c=${c}`, `${fmt(x, 2)}× (${fmt(median(res[c].loop))} vs ${fmt(median(res[c].undici))}/s)`, '≥ 0.75×', x >= 0.75, `median of ${REPS} interleaved reps; replay CPU ${fmt(median(res[c].cpu), 2)} s user+sys per ${N} exchanges; load avg ${load}`);
  }
  const noisyC = 32;
  const noisyRate = median(res[noisyC].noisy);
  const nc = res[noisyC].noisyCounts;
  targetRow('replay of a noisy session (every exchange differs only by noise), exchanges/s', `${fmt(noisyRate)}/s at c=${noisyC} (${fmt(median(res[8].noisy))}/s at c=8)`, '≥ 5,000/s', noisyRate >= 5000, `~26 filtered differences per ~1 KB exchange; ${nc ? `${nc.pass} pass, ${nc.noise} noise, ${nc.regression} regressions` : 'counts unknown'}; ${fmt(noisyRate / median(res[noisyC].loop), 2)}× the identical-body replay; CPU ${fmt(median(res[noisyC].noisyCpu), 2)} s; load avg ${load}`);
  const ratio32 = median(res[32].loop) / median(res[32].wrk);
  const ratio8 = median(res[8].loop) / median(res[8].wrk);
  const peak = Math.max(...CONCURRENCY.flatMap((c) => res[c].hwm), res.all.hwm);
  emit('2-replay', 'Replay throughput', [
    `${machineLine()}. ${N}-exchange session (GET, ~1 KB JSON responses equal to the server's, so every exchange is compared in full and is "same"), \`replayguard replay --reporter json --concurrency C\`; ${REPS} rep(s), medians; raw rate: \`wrk -t1 -cC -d${WRK_SECONDS}s\` against the same server; undici loop: a Pool with C connections, C async workers, nothing else.`,
    { head: ['concurrency', 'wrk req/s', 'undici loop req/s', 'replay exchanges/s', 'min–max', 'whole process /s', '× wrk', '× undici loop', 'replay CPU s', 'peak RSS MB', 'noisy replay exchanges/s', 'noisy CPU s'], rows },
    `Noisy session: the same ${N} GETs, every response differing from the recording only by noise the rules accept (a request id, a generation time, per item an update time and an etag: ~26 filtered differences per exchange), \`--config\` with those rules. Replay CPU: user+sys seconds of the whole replay process (start-up included).`,
    `All five reporters (console, json, junit, markdown, html) at c=32: ${fmt(res.all.loop)} exchanges/s in the replay loop, ${fmt(res.all.wall)}/s for the whole process including writing report.html; peak RSS ${fmt(res.all.hwm)} MB.`,
    { head: ['target', 'measured', ''], rows: [
      ['replay ≥ 0.7× raw load generator (c=8)', fmt(ratio8, 2), ratio8 >= 0.7 ? 'met' : 'MISSED'],
      ['replay ≥ 0.7× raw load generator (c=32)', fmt(ratio32, 2), ratio32 >= 0.7 ? 'met' : 'MISSED'],
      ['replay peak RSS < 250 MB', `${fmt(peak)} MB`, peak < 250 ? 'met' : 'MISSED'],
    ] },
  ]);
}

await main();
process.exit(0);
