// Stub serving rate against the recorder proxy itself, on the same machine and the same traffic:
//   1. `replayguard record` in front of bench/upstream.mjs, wrk -t1 -c32 with 1 KB GETs spread over
//      DISTINCT URLs (`/small?i=N`), which is also what fills the session the stub then serves;
//   2. `replayguard stub` serving that session, the same wrk load: every request a hit (checked: the
//      stub's /__replayguard/stats must count no miss), the Nth repeat of a URL getting the Nth answer;
//   3. the same stub with a fault plan that delays nothing but selects every request (decision cost).
// Reports req/s, p50/p99, the stub's peak RSS and the ratio stub / recorder (the target is >= 0.5).
// usage: node bench/stub.mjs [--quick]   env: BENCH_DURATION (s, <= 10 per load run) BENCH_DISTINCT
import fs from 'node:fs';
import path from 'node:path';
import { CLI, HOST, QUICK, emit, fmt, hasTool, hwmMb, machineLine, ports, request, requireDist, start, stop, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';

requireDist();
if (!hasTool('wrk')) {
  console.error('wrk is not installed (apt-get install wrk)');
  process.exit(2);
}
const DURATION = Math.min(10, Number(process.env.BENCH_DURATION || (QUICK ? 4 : 10)));
const DISTINCT = Number(process.env.BENCH_DISTINCT || 2000);
const WORK = workDir('stub');
const [UP, PX, ST] = await ports(3, 18480);
const db = path.join(WORK, 'stub.db');
const script = wrkScript(WORK, 'distinct', {
  lua: `local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("GET", "/small?i=" .. (n % ${DISTINCT}))\nend`,
});

async function load(port) {
  await wrk({ url: `http://${HOST}:${port}/`, connections: 32, seconds: 1, script }); // warm-up
  return wrk({ url: `http://${HOST}:${port}/`, connections: 32, seconds: DURATION, script });
}

const upstream = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)], { logFile: path.join(WORK, 'upstream.log') });
await waitHttp(UP, '/small');

const recorder = start('record', process.execPath, [CLI, 'record', '--upstream', `http://${HOST}:${UP}`, '--port', String(PX), '--db', db, '--session', 'bench'], { logFile: path.join(WORK, 'record.log') });
await waitHttp(PX, '/small?i=0');
const rec = await load(PX);
const recHwm = hwmMb([recorder.pid]);
await stop(recorder);
await stop(upstream);

async function stubRun(label, extra) {
  const args = [CLI, 'stub', '--db', db, '--session', 'bench', '--port', String(ST), ...extra];
  const t0 = performance.now();
  const proc = start('stub', process.execPath, args, { logFile: path.join(WORK, `stub-${label}.log`) });
  await waitHttp(ST, '/__replayguard/health', 120000);
  const loadSecs = (performance.now() - t0) / 1000;
  const idle = hwmMb([proc.pid]);
  const r = await load(ST);
  const stats = JSON.parse((await request(ST, '/__replayguard/stats')).body.toString());
  const peak = hwmMb([proc.pid]);
  await stop(proc);
  return { label, r, stats, idle, peak, loadSecs };
}

const plan = path.join(WORK, 'plan.json');
fs.writeFileSync(plan, JSON.stringify({ seed: 1, faults: [{ match: 'GET /**', probability: 1, latency: { ms: 0 } }] }));
const plain = await stubRun('plain', []);
const faulted = await stubRun('plan', ['--faults', plan]);
const exchanges = plain.stats.exchanges;

const row = (name, r, extra) => [name, fmt(r.rps), `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}`, fmt(r.errors + r.non2xx), ...extra];
const ratio = (r) => (r.rps / rec.rps).toFixed(2);
emit('5-stub', 'Stub serving rate vs the recorder proxy', [
  `Machine: ${machineLine()}. wrk -t1 -c32, ${DURATION} s per run after 1 s of warm-up, 1 KB GETs over ${fmt(DISTINCT)} distinct URLs. The stub serves the session the recorder run wrote (${fmt(exchanges)} exchanges, so each URL has many recorded answers in order).`,
  {
    head: ['process', 'req/s', 'p50 / p99 ms', 'errors + non-2xx', '× recorder', 'peak RSS MB', 'stub hits / misses'],
    rows: [
      row('replayguard record (proxy + SQLite)', rec, ['1.00', fmt(recHwm), '-']),
      row('replayguard stub', plain.r, [ratio(plain.r), `${fmt(plain.idle)} idle, ${fmt(plain.peak)} peak`, `${fmt(plain.stats.hits)} / ${fmt(plain.stats.misses)}`]),
      row('replayguard stub + fault plan (every request selected, 0 ms)', faulted.r, [ratio(faulted.r), `${fmt(faulted.idle)} idle, ${fmt(faulted.peak)} peak`, `${fmt(faulted.stats.hits)} / ${fmt(faulted.stats.misses)}`]),
    ],
  },
  `Index load at startup: ${plain.loadSecs.toFixed(1)} s for ${fmt(exchanges)} exchanges. Commands: ${rec.cmd.replace(WORK, '$WORK')}; node dist/src/cli/main.js stub --db $WORK/stub.db --session bench --port ${ST} [--faults plan.json].`,
]);
if (plain.stats.misses + faulted.stats.misses > 0) {
  console.error('the stub missed requests that were recorded: the figures above are not a fair comparison');
  process.exit(1);
}
