// Stub memory on a large session: N exchanges (default 1,000,000; --quick 200,000) of distinct 1 KB GETs
// (`/items/<i>?page=<i%7>`, bench/recordings.mjs), served by `replayguard stub`; its RSS after indexing,
// then under wrk -t1 -c32 for a few seconds over URLs spread across the whole session. The stub keeps
// a small entry per exchange and one shape per distinct request in memory, and reads answers from the
// store through a 64 MB LRU cache: memory grows with the number of distinct requests, not with bodies.
// usage: node bench/stub-scale.mjs [--quick]   env: BENCH_STUB_N BENCH_DURATION (<= 10)
import path from 'node:path';
import { CLI, HOST, QUICK, emit, fmt, hwmMb, machineLine, ports, request, requireDist, rssMb, start, stop, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';
import { appendExchanges, openStore } from './recordings.mjs';

requireDist();
const N = Number(process.env.BENCH_STUB_N || (QUICK ? 200_000 : 1_000_000));
const DURATION = Math.min(10, Number(process.env.BENCH_DURATION || 5));
const WORK = workDir('stub-scale');
const [ST] = await ports(1, 18490);
const db = path.join(WORK, 'big.db');

const store = await openStore(db);
const s = await store.openSession({ name: 'big', upstream: 'http://dep.example:9000', startedAt: Date.now() });
const t0 = performance.now();
appendExchanges(store, s.id, { n: N, upstream: 'http://dep.example:9000', batch: 20_000 });
await store.close();
const genS = (performance.now() - t0) / 1000;

const proc = start('stub', process.execPath, [CLI, 'stub', '--db', db, '--session', 'big', '--port', String(ST)], { logFile: path.join(WORK, 'stub.log') });
const t1 = performance.now();
await waitHttp(ST, '/__replayguard/health', 900_000);
const loadS = (performance.now() - t1) / 1000;
const idleRss = rssMb([proc.pid]);
const script = wrkScript(WORK, 'spread', {
  lua: `math.randomseed(7)\nrequest = function()\n  local i = math.random(1, ${N})\n  return wrk.format("GET", "/items/" .. i .. "?page=" .. (i % 7))\nend`,
});
const r = await wrk({ url: `http://${HOST}:${ST}/`, connections: 32, seconds: DURATION, script });
const stats = JSON.parse((await request(ST, '/__replayguard/stats')).body.toString());
const peak = hwmMb([proc.pid]);
const afterRss = rssMb([proc.pid]);
await stop(proc);

emit('6-stub-scale', 'Stub on a large session', [
  `Machine: ${machineLine()}. ${fmt(N)} exchanges written in ${genS.toFixed(1)} s; the stub indexed them in ${loadS.toFixed(1)} s (process start included).`,
  {
    head: ['exchanges', 'RSS after indexing MB', 'req/s (wrk -c32, random URLs)', 'p50 / p99 ms', 'hits / misses', 'RSS after load MB', 'peak RSS MB'],
    rows: [[fmt(N), fmt(idleRss), fmt(r.rps), `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}`, `${fmt(stats.hits)} / ${fmt(stats.misses)}`, fmt(afterRss), fmt(peak)]],
  },
]);
