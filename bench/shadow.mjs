// Live shadow cost to clients: client latency through `replayguard record` with and without
// `--shadow URL --shadow-sample 1` (every request mirrored to a candidate and compared), interleaved,
// a fresh upstream, candidate and recorder per (config, rep), medians over the reps.
//   paced      wrk -c8 with a 10 ms pause between a connection's requests: a steady load below the
//              machine's limit, what a recorder in front of staging sees; this is the target row
//   saturated  wrk -c32 flat out: with 2 cores, the shadow's thread, the candidate and the proxy share
//              the CPU, so throughput is the figure to read here (informational)
// The shadow's own counters are read from /metrics at the end of each run, so a row whose shadow did
// not compare anything is visible as such. Each run also notes the load average when it starts and
// the recorder process's own CPU per request under the paced load (its threads; a shadow process of
// its own is not in it).
// Two builds side by side: BENCH_BUILDS='old=/path/to/a/dist,new=dist' runs both configs of each build,
// all interleaved per rep, and gives each build's ratios (shadow / no shadow, same build).
// usage: node bench/shadow.mjs [--quick]   env: BENCH_REPS BENCH_DURATION BENCH_PACE_MS BENCH_PORT_BASE BENCH_BUILDS
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, CLK_TCK, HOST, QUICK, emit, fmt, hasTool, machineLine, median, ports, readStat, request, requireDist, start, stop, target, waitHttp, workDir, wrk, wrkScript } from './lib.mjs';

requireDist();
/** name → CLI of that build; one build (this checkout's) unless BENCH_BUILDS names several. */
const BUILDS = process.env.BENCH_BUILDS
  ? process.env.BENCH_BUILDS.split(',').map((entry) => {
      const [name, dir] = entry.split('=');
      const cli = path.join(path.resolve(dir), 'src', 'cli', 'main.js');
      if (!fs.existsSync(cli)) throw new Error(`BENCH_BUILDS: ${cli} is missing`);
      return { name, cli };
    })
  : [{ name: '', cli: CLI }];
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
const CONFIGS = BUILDS.flatMap((b) => ['record', 'record --shadow'].map((mode) => ({ label: b.name ? `${b.name}: ${mode}` : mode, build: b, shadow: mode !== 'record' })));
const ONE_BUILD = BUILDS.length === 1;
const loadNow = () => os.loadavg()[0].toFixed(1);

function metric(text, name) {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function runInstance({ label: config, build, shadow }, rep) {
  const dir = path.join(WORK, `${config.replace(/\W+/g, '-')}-${rep}`);
  fs.mkdirSync(dir, { recursive: true });
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)], { logFile: path.join(dir, 'upstream.log') });
  // The candidate runs in both configs, so the only difference is the mirroring. It runs at nice 19:
  // a candidate is a deployment of its own, on other machines; what is measured is the recorder's
  // cost, not the candidate's share of these 2 cores.
  const cand = start('candidate', 'nice', ['-n', '19', process.execPath, 'bench/upstream.mjs', String(CAND)], { logFile: path.join(dir, 'candidate.log') });
  await waitHttp(UP, '/__count', 15000);
  await waitHttp(CAND, '/__count', 15000);
  const args = [build.cli, 'record', '--upstream', `http://${HOST}:${UP}`, '--port', String(PX), '--db', path.join(dir, 'rec.db'), '--session', 'bench'];
  if (shadow) args.push('--shadow', `http://${HOST}:${CAND}`, '--shadow-sample', '1', '--shadow-out', path.join(dir, 'shadow-out'));
  const rec = start(config, process.execPath, args, { logFile: path.join(dir, 'record.log') });
  await waitHttp(PX, '/small', 30000);
  const url = `http://${HOST}:${PX}/small`;
  const out = { config, rep, cmd: `node ${path.relative(process.cwd(), build.cli)} ${args.slice(1).join(' ')}`.replaceAll(dir, '$WORK') };
  for (const [name, load] of Object.entries(LOADS)) {
    await wrk({ url, ...load, seconds: 1 }); // warm-up
    const loadAvg = loadNow();
    const ticks0 = readStat(rec.pid)?.ticks ?? NaN;
    const m = await wrk({ url, ...load, seconds: DURATION });
    const cpuUs = (((readStat(rec.pid)?.ticks ?? NaN) - ticks0) / CLK_TCK) * 1e6 / m.requests;
    out[name] = { rps: m.rps, p50: m.p50, p99: m.p99, errors: m.errors + m.non2xx, load: Number(loadAvg), cpuUs };
    console.log(`  rep ${rep} ${config.padEnd(ONE_BUILD ? 15 : 24)} ${name.padEnd(9)} ${fmt(m.rps).padStart(7)} req/s  p50 ${fmt(m.p50, 2)} ms  p99 ${fmt(m.p99, 2)} ms  errors ${m.errors + m.non2xx}  recorder CPU ${fmt(cpuUs)} µs/req  load ${loadAvg}`);
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
console.log(`builds: ${BUILDS.map((b) => `${b.name || 'this'}=${b.cli}`).join(', ')}`);
console.log(`reps=${REPS} duration=${DURATION}s; paced: wrk -t1 -c8 with ${PACE_MS} ms between a connection's requests; saturated: wrk -t1 -c32; GET /small (1 KB JSON)`);
const runs = [];
for (let rep = 1; rep <= REPS; rep++) {
  // Alternated, and with several builds rotated too, so no config always runs first or last.
  const turned = CONFIGS.map((_, i) => CONFIGS[(i + rep - 1) % CONFIGS.length]);
  const order = rep % 2 ? turned : [...turned].reverse();
  for (const config of order) runs.push(await runInstance(config, rep));
}
const med = (config, load, key) => median(runs.filter((r) => r.config === config).map((r) => r[load][key]));
const range = (config, load, key) => {
  const xs = runs.filter((r) => r.config === config).map((r) => r[load][key]);
  return `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
};
const rows = [];
for (const { label: config, shadow } of CONFIGS) {
  for (const load of Object.keys(LOADS)) {
    const shadowed = runs.filter((r) => r.config === config);
    const compared = shadowed.reduce((a, r) => a + (r.shadow.compared || 0), 0);
    const dropped = shadowed.reduce((a, r) => a + (r.shadow.dropped || 0), 0);
    rows.push([
      config, load, fmt(med(config, load, 'rps')), fmt(med(config, load, 'p50'), 2), range(config, load, 'p50'), fmt(med(config, load, 'p99'), 2), range(config, load, 'p99'),
      fmt(med(config, load, 'cpuUs')), range(config, load, 'load'),
      String(shadowed.reduce((a, r) => a + r[load].errors, 0)),
      shadow ? `${fmt(compared)} compared, ${fmt(dropped)} dropped (all loads, all reps)` : '-',
    ]);
  }
}
const loadAvg = os.loadavg().map((l) => l.toFixed(1)).join(' ');
/** A build's ratios: with its shadow / without, each from its own interleaved runs. */
const ratiosOf = (build) => {
  const [off, on] = CONFIGS.filter((c) => c.build === build).map((c) => c.label);
  return {
    off,
    p50: med(on, 'paced', 'p50') / med(off, 'paced', 'p50'),
    p99: med(on, 'paced', 'p99') / med(off, 'paced', 'p99'),
    rps: med(on, 'saturated', 'rps') / med(off, 'saturated', 'rps'),
    satP50: med(on, 'saturated', 'p50') / med(off, 'saturated', 'p50'),
    cpu: med(on, 'paced', 'cpuUs') - med(off, 'paced', 'cpuUs'),
    compared: runs.filter((r) => r.config === on).reduce((a, r) => a + (r.shadow.compared || 0), 0),
  };
};
const ratioLine = (build) => {
  const r = ratiosOf(build);
  return `${build.name ? `${build.name}: ` : ''}paced p50 ${fmt(r.p50, 2)}×, p99 ${fmt(r.p99, 2)}×; saturated req/s ${fmt(r.rps, 2)}×, p50 ${fmt(r.satP50, 2)}×; recorder process CPU +${fmt(r.cpu)} µs/req (paced)`;
};
// The target row is this checkout's build (the last one named when several are).
const mine = ratiosOf(BUILDS.at(-1));
target(
  `shadow at sample 1.0: client p50 × without shadow${ONE_BUILD ? '' : ` (${BUILDS.at(-1).name})`}`,
  `${fmt(mine.p50, 2)}×`,
  'within noise (≤1.1×)',
  mine.compared > 0 ? mine.p50 <= 1.1 : null,
  `candidate at nice 19; paced load (wrk -c8, ${PACE_MS} ms pauses, ~${fmt(med(mine.off, 'paced', 'rps'))} req/s); p99 ${fmt(mine.p99, 2)}×; flat out (-c32): req/s ${fmt(mine.rps, 2)}×, p50 ${fmt(mine.satP50, 2)}×; ${REPS} interleaved reps, medians; load avg ${loadAvg}`,
);
emit('9-shadow', 'Live shadow cost to clients', [
  `${startLine}; load avg at the end ${loadAvg}. ${REPS} rep(s) × ${DURATION} s per load after 1 s warm-up, configs alternated per rep, medians (min–max over the reps). Elapsed ${((Date.now() - t0) / 60000).toFixed(1)} min.`,
  `paced: \`wrk -t1 -c8\` with a ${PACE_MS} ms pause between a connection's requests; saturated: \`wrk -t1 -c32\`; GET /small (1 KB JSON). Shadow: every request mirrored to a second bench/upstream.mjs (the candidate, at nice 19: it stands for a deployment on other machines) and compared by the recorder's shadow (at the lowest priority: on a busy machine it falls behind and drops, counted, rather than slow clients). "recorder µs/req": CPU of the recorder process per request under the paced load (a shadow process of its own is not in it); "load": the 1-minute load average as each run started.`,
  { head: ['config', 'load', 'req/s', 'p50 ms', 'p50 range', 'p99 ms', 'p99 range', 'recorder µs/req', 'load avg', 'errors', 'shadow'], rows },
  `Ratios with shadow / without: ${BUILDS.map(ratioLine).join('. ')}.`,
  `Commands: ${[...new Map(runs.map((r) => [r.config, r.cmd])).entries()].map(([c, cmd]) => `${c}: \`${cmd}\``).join('; ')}`,
]);
process.exit(0);
