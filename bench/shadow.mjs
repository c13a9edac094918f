// Live shadow cost to clients: client latency through `replayguard record` with and without
// `--shadow URL --shadow-sample 1` (every request mirrored to a candidate and compared), interleaved,
// a fresh upstream, candidate and recorder per (config, rep), medians over the reps.
//   paced      wrk -c8 with a 10 ms pause between a connection's requests: a steady load below the
//              machine's limit, what a recorder in front of staging sees; this is the target row
//   saturated  wrk -c32 flat out: with 2 cores, the shadow's thread, the candidate and the proxy share
//              the CPU, so throughput is the figure to read here (informational)
// The shadow's own counters are read from /metrics at the end of each run, so a row whose shadow did
// not compare anything is visible as such.
// usage: node bench/shadow.mjs [--quick]   env: BENCH_REPS BENCH_DURATION BENCH_PACE_MS BENCH_PORT_BASE
import fs from 'node:fs';
import path from 'node:path';
import { CLI, HOST, QUICK, emit, fmt, hasTool, machineLine, median, ports, request, requireDist, start, stop, target, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';

requireDist();
if (!hasTool('wrk')) {
  console.error('wrk is not installed (apt-get install wrk)');
  process.exit(2);
}
const REPS = Math.min(3, Number(process.env.BENCH_REPS || (QUICK ? 2 : 3)));
const DURATION = Number(process.env.BENCH_DURATION || (QUICK ? 3 : 5));
const PACE_MS = Number(process.env.BENCH_PACE_MS || 10);
const WORK = workDir('shadow');
const [UP, CAND, PX] = await ports(3, 18580);
const paced = wrkScript(WORK, 'paced', { lua: `delay = function() return ${PACE_MS} end` });
const flat = wrkScript(WORK, 'flat');
const LOADS = { paced: { connections: 8, script: paced }, saturated: { connections: 32, script: flat } };
const CONFIGS = ['record', 'record --shadow'];

function metric(text, name) {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function runInstance(config, rep) {
  const dir = path.join(WORK, `${config.replace(/\W+/g, '-')}-${rep}`);
  fs.mkdirSync(dir, { recursive: true });
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)], { logFile: path.join(dir, 'upstream.log') });
  // The candidate runs in both configs, so the only difference is the mirroring. It runs at nice 19:
  // a candidate is a deployment of its own, on other machines; what is measured is the recorder's
  // cost, not the candidate's share of these 2 cores.
  const cand = start('candidate', 'nice', ['-n', '19', process.execPath, 'bench/upstream.mjs', String(CAND)], { logFile: path.join(dir, 'candidate.log') });
  await waitHttp(UP, '/__count', 15000);
  await waitHttp(CAND, '/__count', 15000);
  const args = [CLI, 'record', '--upstream', `http://${HOST}:${UP}`, '--port', String(PX), '--db', path.join(dir, 'rec.db'), '--session', 'bench'];
  if (config === 'record --shadow') args.push('--shadow', `http://${HOST}:${CAND}`, '--shadow-sample', '1', '--shadow-out', path.join(dir, 'shadow-out'));
  const rec = start(config, process.execPath, args, { logFile: path.join(dir, 'record.log') });
  await waitHttp(PX, '/small', 30000);
  const url = `http://${HOST}:${PX}/small`;
  const out = { config, rep, cmd: `node dist/src/cli/main.js ${args.slice(1).join(' ')}`.replaceAll(dir, '$WORK') };
  for (const [name, load] of Object.entries(LOADS)) {
    await wrk({ url, ...load, seconds: 1 }); // warm-up
    const m = await wrk({ url, ...load, seconds: DURATION });
    out[name] = { rps: m.rps, p50: m.p50, p99: m.p99, errors: m.errors + m.non2xx };
    console.log(`  rep ${rep} ${config.padEnd(15)} ${name.padEnd(9)} ${fmt(m.rps).padStart(7)} req/s  p50 ${fmt(m.p50, 2)} ms  p99 ${fmt(m.p99, 2)} ms  errors ${m.errors + m.non2xx}`);
  }
  const text = (await request(PX, '/__replayguard/metrics')).body.toString();
  out.shadow = { compared: metric(text, 'replayguard_shadow_compared_total'), dropped: metric(text, 'replayguard_shadow_dropped_total'), mirrored: metric(text, 'replayguard_shadow_mirrored_total') };
  await stop(rec);
  await stop(cand);
  await stop(up);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const t0 = Date.now();
const startLine = machineLine();
console.log(`live shadow cost: ${startLine}`);
console.log(`reps=${REPS} duration=${DURATION}s; paced: wrk -t1 -c8 with ${PACE_MS} ms between a connection's requests; saturated: wrk -t1 -c32; GET /small (1 KB JSON)`);
const runs = [];
for (let rep = 1; rep <= REPS; rep++) {
  const order = rep % 2 ? CONFIGS : [...CONFIGS].reverse();
  for (const config of order) runs.push(await runInstance(config, rep));
}
const med = (config, load, key) => median(runs.filter((r) => r.config === config).map((r) => r[load][key]));
const range = (config, load, key) => {
  const xs = runs.filter((r) => r.config === config).map((r) => r[load][key]);
  return `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
};
const rows = [];
for (const config of CONFIGS) {
  for (const load of Object.keys(LOADS)) {
    const shadowed = runs.filter((r) => r.config === config);
    const compared = shadowed.reduce((a, r) => a + (r.shadow.compared || 0), 0);
    const dropped = shadowed.reduce((a, r) => a + (r.shadow.dropped || 0), 0);
    rows.push([
      config, load, fmt(med(config, load, 'rps')), fmt(med(config, load, 'p50'), 2), range(config, load, 'p50'), fmt(med(config, load, 'p99'), 2), range(config, load, 'p99'),
      String(shadowed.reduce((a, r) => a + r[load].errors, 0)),
      config === 'record' ? '-' : `${fmt(compared)} compared, ${fmt(dropped)} dropped (all loads, all reps)`,
    ]);
  }
}
const loadAvg = (await import('node:os')).default.loadavg().map((l) => l.toFixed(1)).join(' ');
const p50Ratio = med('record --shadow', 'paced', 'p50') / med('record', 'paced', 'p50');
const p99Ratio = med('record --shadow', 'paced', 'p99') / med('record', 'paced', 'p99');
const rpsRatio = med('record --shadow', 'saturated', 'rps') / med('record', 'saturated', 'rps');
const satP50Ratio = med('record --shadow', 'saturated', 'p50') / med('record', 'saturated', 'p50');
const comparedAll = runs.reduce((a, r) => a + (r.shadow.compared || 0), 0);
target(
  'shadow at sample 1.0: client p50 × without shadow',
  `${fmt(p50Ratio, 2)}×`,
  'within noise (≤1.1×)',
  comparedAll > 0 ? p50Ratio <= 1.1 : null,
  `candidate at nice 19; paced load (wrk -c8, ${PACE_MS} ms pauses, ~${fmt(med('record', 'paced', 'rps'))} req/s); p99 ${fmt(p99Ratio, 2)}×; flat out (-c32): req/s ${fmt(rpsRatio, 2)}×, p50 ${fmt(satP50Ratio, 2)}×; ${REPS} interleaved reps, medians; load avg ${loadAvg}`,
);
emit('9-shadow', 'Live shadow cost to clients', [
  `${startLine}; load avg at the end ${loadAvg}. ${REPS} rep(s) × ${DURATION} s per load after 1 s warm-up, configs alternated per rep, medians (min–max over the reps). Elapsed ${((Date.now() - t0) / 60000).toFixed(1)} min.`,
  `paced: \`wrk -t1 -c8\` with a ${PACE_MS} ms pause between a connection's requests; saturated: \`wrk -t1 -c32\`; GET /small (1 KB JSON). Shadow: every request mirrored to a second bench/upstream.mjs (the candidate, at nice 19: it stands for a deployment on other machines) and compared on the recorder's shadow thread (which runs at the lowest priority: on a busy machine it falls behind and drops, counted, rather than slow clients).`,
  { head: ['config', 'load', 'req/s', 'p50 ms', 'p50 range', 'p99 ms', 'p99 range', 'errors', 'shadow'], rows },
  `Ratios with shadow / without: paced p50 ${fmt(p50Ratio, 2)}×, p99 ${fmt(p99Ratio, 2)}×; saturated req/s ${fmt(rpsRatio, 2)}×, p50 ${fmt(satP50Ratio, 2)}×.`,
  `Commands: ${[...new Map(runs.map((r) => [r.config, r.cmd])).entries()].map(([c, cmd]) => `${c}: \`${cmd}\``).join('; ')}`,
]);
process.exit(0);
