// Proxy overhead: wrk through each proxy in front of the same trivial upstream, interleaved reps.
//   direct           wrk straight to the upstream (the physical limit)
//   fastify-bare     bench/bare-proxy.mjs: stock @fastify/http-proxy (our floor)
//   replayguard      `node dist/src/cli/main.js record …` with its own SQLite file on disk
//   nginx, mitmdump  when installed (skipped with a note otherwise)
// Also: the storage bound (SqliteRecordingStore.appendSync alone, 1 KB and 64 KB exchanges).
// usage: node bench/proxy.mjs [--quick]   env: BENCH_REPS BENCH_DURATION BENCH_WARMUP BENCH_CONFIGS BENCH_ROUTES BENCH_PORT_BASE
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  CLI, CLK_TCK, DIST, HOST, QUICK, cpuTicks, emit, fmt, hasTool, hostBusyPct, hostCpu, hwmMb, machineLine, median, ports,
  request, requireDist, start, stop, target, treePids, waitHttp, workDir, wrk, wrkScript,
} from './lib.mjs';
import os from 'node:os';

requireDist();
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const REPS = Number(process.env.BENCH_REPS || (QUICK ? 1 : 3));
const DURATION = Number(process.env.BENCH_DURATION || (QUICK ? 3 : 10));
const WARMUP = Number(process.env.BENCH_WARMUP || (QUICK ? 1 : 2));
const ALL = ['direct', 'fastify-bare', 'replayguard', 'nginx', 'mitmdump'];
const wanted = process.env.BENCH_CONFIGS ? process.env.BENCH_CONFIGS.split(',') : ALL;
const ROUTES = {
  small: { path: '/small', conns: 32, label: '1 KB GET' },
  large: { path: '/large', conns: 32, label: '64 KB GET' },
  unique: { path: '/large-unique', conns: 32, label: '64 KB GET, every body unique' },
  post: { path: '/echo', conns: 32, label: '2 KB POST echo', method: 'POST' },
  c1: { path: '/small?c=1', conns: 1, label: '1 KB GET, c=1' },
};
const routeNames = process.env.BENCH_ROUTES ? process.env.BENCH_ROUTES.split(',') : Object.keys(ROUTES);

const skipped = {};
const configs = wanted.filter((c) => {
  if (c === 'nginx' && !hasTool('nginx')) skipped.nginx = 'skipped: not installed';
  else if (c === 'mitmdump' && !hasTool('mitmdump')) skipped.mitmdump = 'skipped: not installed';
  else return true;
  return false;
});
if (!hasTool('wrk')) {
  console.error('wrk is not installed (apt-get install wrk); bench/run.sh installs it when run as root');
  process.exit(2);
}

const WORK = workDir('proxy');
const [UP, PX] = await ports(2, 18380);
const upstreamUrl = `http://${HOST}:${UP}`;
const postBody = (() => {
  const base = JSON.stringify({ kind: 'bench', id: 42, pad: '' }).length;
  return JSON.stringify({ kind: 'bench', id: 42, pad: 'p'.repeat(2048 - base) });
})();
const scripts = {};
for (const r of routeNames) {
  scripts[r] = ROUTES[r].method === 'POST' ? wrkScript(WORK, r, { method: 'POST', body: postBody, contentType: 'application/json' }) : wrkScript(WORK, r);
}

// ---------------------------------------------------------------- storage bound (no proxy, no network)
async function storageBound() {
  const { SqliteRecordingStore } = await import(path.join(DIST, 'src/store/sqlite-recording-store.js'));
  const out = {};
  for (const [name, bytes, n] of [['1 KB', 1024, QUICK ? 20000 : 50000], ['64 KB', 65536, QUICK ? 3000 : 8000]]) {
    const file = path.join(WORK, `bound-${bytes}.db`);
    const store = new SqliteRecordingStore(file);
    const s = await store.openSession({ name: 'bound', upstream: upstreamUrl, startedAt: Date.now() });
    const body = Buffer.alloc(bytes, 120);
    const headers = [['content-type', 'application/json'], ['content-length', String(bytes)]];
    // Every body unique (a sequence number in its first bytes): content-addressed storage gains
    // nothing here, so this is the bound for traffic whose bodies never repeat.
    const unique = (seq) => {
      const b = Buffer.from(body);
      b.writeUInt32BE(seq, 0);
      return b;
    };
    const mk = (seq) => ({
      seq, startedAt: Date.now(), upstream: upstreamUrl, route: '/large',
      request: { method: 'GET', url: '/large', headers: [['host', 'x'], ['user-agent', 'wrk']], body: { bytes: null, size: 0, truncated: false } },
      response: { status: 200, headers, body: { bytes: unique(seq), size: bytes, truncated: false } },
      timing: { ttfbMs: 0.3, totalMs: 0.5 }, failure: null,
    });
    const t0 = performance.now();
    for (let seq = 1; seq <= n; seq += 256) {
      const batch = [];
      for (let i = seq; i < Math.min(seq + 256, n + 1); i++) batch.push(mk(i));
      store.appendSync(s.id, batch);
    }
    await store.close(); // includes the final TRUNCATE checkpoint: the WAL's second write of every page
    const secs = (performance.now() - t0) / 1000;
    out[name] = { perSec: n / secs, mbPerSec: (n * bytes) / secs / 2 ** 20, n };
    fs.rmSync(file, { force: true });
  }
  return out;
}

// ---------------------------------------------------------------- proxies
function nginxConf(dir) {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream app { server ${HOST}:${UP}; keepalive 64; keepalive_requests 1000000; }
  server {
    listen ${HOST}:${PX};
    location / {
      proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffer_size 16k; proxy_buffers 16 16k;
    }
  }
}
`;
}

async function startProxy(config, dir) {
  if (config === 'direct') return { port: UP, proc: null, cmd: '(none: wrk straight to the upstream)' };
  const log = path.join(dir, `${config}.log`);
  let proc;
  let cmd;
  let signal = 'SIGTERM';
  const info = {};
  if (config === 'fastify-bare') {
    const args = ['bench/bare-proxy.mjs', String(PX), upstreamUrl];
    proc = start(config, process.execPath, args, { logFile: log });
    cmd = `node ${args.join(' ')}`;
  } else if (config === 'replayguard') {
    info.db = path.join(dir, 'rec.db');
    const args = [CLI, 'record', '--upstream', upstreamUrl, '--port', String(PX), '--db', info.db, '--session', 'bench'];
    proc = start(config, process.execPath, args, { logFile: log });
    cmd = `node dist/src/cli/main.js ${args.slice(1).join(' ')}`.replace(dir, '$WORK');
  } else if (config === 'nginx') {
    fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir));
    const args = ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')];
    proc = start(config, 'nginx', args, { logFile: log });
    cmd = 'nginx -c nginx.conf (worker_processes 1, upstream keepalive 64, access_log off)';
  } else if (config === 'mitmdump') {
    info.flows = path.join(dir, 'flows.mitm');
    const args = ['-q', '--mode', `reverse:${upstreamUrl}`, '--listen-host', HOST, '-p', String(PX), '-w', info.flows, '--set', `confdir=${path.join(dir, 'mitmconf')}`];
    proc = start(config, 'mitmdump', args, { logFile: log });
    cmd = `mitmdump ${args.join(' ')}`.replaceAll(dir, '$WORK');
    signal = 'SIGINT'; // closes the -w file cleanly
  }
  try {
    await waitHttp(PX, '/small', 30000);
  } catch (e) {
    await stop(proc, 'SIGKILL');
    throw new Error(`${config} did not start: ${e.message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
  }
  return { port: PX, proc, cmd, signal, info, log };
}

/** Stored exchanges by URL, read back after the proxy stopped. */
function countStored(config, p) {
  if (config === 'replayguard') {
    const db = new Database(p.info.db, { readonly: true });
    const rows = db
      .prepare(
        // Bodies of 1 KiB and more live once in the bodies table (content-addressed), referenced by hash.
        `SELECT url, count(*) AS n, sum(failure IS NULL) AS ok,
           sum(CASE WHEN failure IS NULL AND (res IS NULL OR length(res) <> res_body_size
                 OR (method = 'POST' AND req IS NOT res)) THEN 1 ELSE 0 END) AS bad
         FROM (SELECT e.url, e.method, e.failure, e.res_body_size,
                 coalesce(e.req_body, rb.bytes) AS req, coalesce(e.res_body, sb.bytes) AS res
               FROM exchanges e
               LEFT JOIN bodies rb ON rb.hash = e.req_body_hash
               LEFT JOIN bodies sb ON sb.hash = e.res_body_hash)
         GROUP BY url`,
      )
      .all();
    const dropped = db.prepare('SELECT coalesce(sum(dropped), 0) AS d FROM sessions').get().d;
    db.close();
    const byUrl = {};
    for (const r of rows) byUrl[r.url] = { n: r.n, ok: r.ok, bad: r.bad };
    return { byUrl, dropped };
  }
  if (config === 'mitmdump') {
    const r = spawnPy(p.info.flows);
    const byUrl = {};
    for (const [u, n] of Object.entries(r.byUrl ?? {})) byUrl[u] = { n, ok: n, bad: 0 };
    return { byUrl, dropped: 0, note: r.error };
  }
  return null;
}
function spawnPy(file) {
  const r = require('node:child_process').spawnSync('/usr/bin/python3', [path.join(import.meta.dirname, 'mitm-count.py'), file], { encoding: 'utf8', timeout: 300000 });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { byUrl: {}, error: r.stderr.slice(-300) };
  }
}

/** 1-minute load averages seen at each instance's start: the target notes say how busy the box was. */
const loads = [];

async function runInstance(config, rep) {
  loads.push(os.loadavg()[0]);
  const dir = path.join(WORK, `${config}-${rep}`);
  fs.mkdirSync(dir, { recursive: true });
  // A fresh upstream per instance, so no config inherits another's warmed (or drifted) upstream.
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)], { logFile: path.join(dir, 'upstream.log') });
  await waitHttp(UP, '/__count', 15000);
  const p = await startProxy(config, dir);
  const completed = { '/small': 1 }; // the readiness probe
  const results = [];
  for (const route of routeNames) {
    const R = ROUTES[route];
    const url = `http://${HOST}:${p.port}${R.path}`;
    if (WARMUP > 0) {
      const w = await wrk({ url, connections: R.conns, seconds: WARMUP, script: scripts[route] });
      completed[R.path] = (completed[R.path] ?? 0) + w.requests;
    }
    const pids = p.proc ? treePids(p.proc.pid) : [];
    const c0 = cpuTicks(pids);
    const h0 = hostCpu();
    const m = await wrk({ url, connections: R.conns, seconds: DURATION, script: scripts[route] });
    const c1 = cpuTicks(pids);
    const h1 = hostCpu();
    completed[R.path] = (completed[R.path] ?? 0) + m.requests;
    const cpuUs = p.proc ? (((c1 - c0) / CLK_TCK) * 1e6) / m.requests : NaN;
    results.push({ config, rep, route, rps: m.rps, p50: m.p50, p99: m.p99, errors: m.errors + m.non2xx, cpuUs, host: hostBusyPct(h0, h1), requests: m.requests });
    console.log(`  rep ${rep} ${config.padEnd(13)} ${route.padEnd(6)} ${fmt(m.rps).padStart(8)} req/s  p50 ${fmt(m.p50, 2)} ms  p99 ${fmt(m.p99, 2)} ms  err ${m.errors + m.non2xx}  proxy CPU ${fmt(cpuUs)} µs/req  host ${fmt(hostBusyPct(h0, h1))}%`);
  }
  const rss = p.proc ? hwmMb(treePids(p.proc.pid)) : NaN;
  if (p.proc) await stop(p.proc, p.signal);
  const served = JSON.parse((await request(UP, '/__count')).body.toString()).byUrl;
  await stop(up);
  const stored = countStored(config, p);
  let recLog = '';
  if (config === 'replayguard') recLog = (fs.readFileSync(p.log, 'utf8').match(/stopped;.*$/m) ?? [''])[0];
  for (const r of results) {
    const u = ROUTES[r.route].path;
    r.rss = rss;
    r.completed = completed[u] ?? 0;
    r.served = served[u] ?? 0;
    if (stored) {
      const s = stored.byUrl[u] ?? { n: 0, ok: 0, bad: 0 };
      r.stored = s.n;
      r.storedOk = s.ok;
      r.bad = s.bad;
      r.dropped = stored.dropped;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { config, rep, cmd: p.cmd, results, recLog };
}

// ---------------------------------------------------------------- main
const t0 = Date.now();
console.log(`proxy overhead: ${machineLine()}`);
console.log(`reps=${REPS} duration=${DURATION}s warmup=${WARMUP}s wrk -t1 -c32 (c1 route: -c1); configs=${configs.join(',')}; routes=${routeNames.join(',')}`);
const bound = await storageBound();
console.log(`storage bound: 1 KB ${fmt(bound['1 KB'].perSec)}/s, 64 KB ${fmt(bound['64 KB'].perSec)}/s (${fmt(bound['64 KB'].mbPerSec)} MB/s of bodies)`);
const instances = [];
for (let rep = 1; rep <= REPS; rep++) {
  const order = configs.map((_, i) => configs[(i + rep - 1) % configs.length]);
  for (const config of order) {
    console.log(`rep ${rep}/${REPS} ${config}`);
    instances.push(await runInstance(config, rep));
  }
}
const all = instances.flatMap((i) => i.results);
const med = (config, route, key) => median(all.filter((r) => r.config === config && r.route === route).map((r) => r[key]));
const rows = [];
const compact = [];
for (const config of configs) {
  for (const route of routeNames) {
    const rs = all.filter((r) => r.config === config && r.route === route);
    if (!rs.length) continue;
    const rps = med(config, route, 'rps');
    const p99 = med(config, route, 'p99');
    const vsDirect = rps / med('direct', route, 'rps');
    const vsBare = rps / med('fastify-bare', route, 'rps');
    const p99VsBare = p99 / med('fastify-bare', route, 'p99');
    let rec = 'n/a';
    if (rs[0].stored !== undefined) {
      const stored = rs.reduce((a, r) => a + r.stored, 0);
      const ok = rs.reduce((a, r) => a + r.storedOk, 0);
      const comp = rs.reduce((a, r) => a + r.completed, 0);
      const bad = rs.reduce((a, r) => a + (r.bad ?? 0), 0);
      const dropped = [...new Set(instances.filter((i) => i.config === config).map((i) => i.results[0].dropped))].reduce((a, b) => a + b, 0);
      const short = Math.max(0, comp - ok);
      const why = short === 0 ? 'ok' : dropped >= short ? `short ${short}, covered by the drop counter` : `MISSING ${short}, unexplained`;
      rec = `${stored} stored (${ok} complete) / ${comp} completed: ${why}${dropped ? ` (${dropped} dropped in the whole instance, all routes)` : ''}${bad ? `, ${bad} WRONG BODIES` : ''}`;
    }
    rows.push([
      config, ROUTES[route].label, fmt(rps), `${fmt(Math.min(...rs.map((r) => r.rps)))}–${fmt(Math.max(...rs.map((r) => r.rps)))}`,
      fmt(med(config, route, 'p50'), 2), fmt(p99, 2), fmt(vsDirect, 2), fmt(vsBare, 2), fmt(p99VsBare, 2),
      fmt(med(config, route, 'cpuUs')), fmt(med(config, route, 'rss')), String(rs.reduce((a, r) => a + r.errors, 0)), rec,
    ]);
  }
  const cell = (route) => {
    if (!routeNames.includes(route)) return '-';
    return `${fmt(med(config, route, 'rps'))} (${fmt(med(config, route, 'rps') / med('direct', route, 'rps'), 2)}, ${fmt(med(config, route, 'rps') / med('fastify-bare', route, 'rps'), 2)}) · ${fmt(med(config, route, 'p99'), 2)}`;
  };
  compact.push([config, cell('small'), cell('large'), cell('post'), routeNames.includes('c1') ? `${fmt(med(config, 'c1', 'p50'), 2)}/${fmt(med(config, 'c1', 'p99'), 2)}` : '-', ['small', 'large', 'post'].map((r) => fmt(med(config, r, 'cpuUs'))).join('/'), fmt(median(all.filter((r) => r.config === config).map((r) => r.rss)))]);
}
for (const [c, why] of Object.entries(skipped)) compact.push([c, why, '', '', '', '', '']);
compact.push(['talkback', 'not run here (optional peer; see ../shared/bench for its figures)', '', '', '', '', '']);

const rg = (route, key) => med('replayguard', route, key);
const bare = (route, key) => med('fastify-bare', route, key);
const targets = [];
if (configs.includes('replayguard') && configs.includes('fastify-bare')) {
  const t = (ok) => (ok ? 'met' : 'MISSED');
  if (routeNames.includes('small')) {
    targets.push(['record 1 KB req/s ≥ 0.90× bare', fmt(rg('small', 'rps') / bare('small', 'rps'), 2), t(rg('small', 'rps') / bare('small', 'rps') >= 0.9)]);
    targets.push(['record 1 KB p99 ≤ 1.5× bare', fmt(rg('small', 'p99') / bare('small', 'p99'), 2), t(rg('small', 'p99') / bare('small', 'p99') <= 1.5)]);
  }
  if (routeNames.includes('large')) {
    const allStored = all.filter((r) => r.config === 'replayguard' && r.route === 'large').every((r) => r.storedOk >= r.completed);
    targets.push(['record 64 KB req/s ≥ 0.50× bare, all stored', `${fmt(rg('large', 'rps') / bare('large', 'rps'), 2)}, ${allStored ? 'all stored' : 'NOT all stored'}`, t(rg('large', 'rps') / bare('large', 'rps') >= 0.5 && allStored)]);
  }
  if (routeNames.includes('unique')) {
    const allStored = all.filter((r) => r.config === 'replayguard' && r.route === 'unique').every((r) => r.storedOk >= r.completed);
    targets.push(['record 64 KB unique bodies req/s ≥ 0.50× bare, all stored', `${fmt(rg('unique', 'rps') / bare('unique', 'rps'), 2)}, ${allStored ? 'all stored' : 'NOT all stored (storage-bound, drops counted)'}`, t(rg('unique', 'rps') / bare('unique', 'rps') >= 0.5 && allStored)]);
  }
  for (const peer of ['mitmdump']) {
    if (!configs.includes(peer)) continue;
    const worst = Math.min(...routeNames.map((r) => rg(r, 'rps') / med(peer, r, 'rps')));
    targets.push([`record ≥ 10× ${peer} on every route`, `${fmt(worst, 1)}× (worst route)`, t(worst >= 10)]);
  }
  const peak = Math.max(...all.filter((r) => r.config === 'replayguard').map((r) => r.rss));
  targets.push(['record peak RSS < 250 MB', `${fmt(peak)} MB`, t(peak < 250)]);
}

issue16Targets();

/** Issue 16's record rows, each a ratio to the bare proxy measured in this run. */
function issue16Targets() {
  if (!configs.includes('replayguard') || !configs.includes('fastify-bare')) return;
  const note = `${REPS} rep(s) × ${DURATION} s, medians; 1-min load average ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)} during the run on ${os.cpus().length} cores`;
  const ratio = (route) => rg(route, 'rps') / bare(route, 'rps');
  const p99Ratio = (route) => rg(route, 'p99') / bare(route, 'p99');
  const has = (route) => routeNames.includes(route);
  const absent = (what, goal, route) => target(what, '-', goal, null, `route ${route} not in BENCH_ROUTES`);
  if (has('small')) target('record 1 KB GET, × bare @fastify/http-proxy', `${fmt(ratio('small'), 2)}×, p99 ${fmt(p99Ratio('small'), 2)}×`, '≥ 1.00×, p99 ≤ 1.2×', ratio('small') >= 1 && p99Ratio('small') <= 1.2, note);
  else absent('record 1 KB GET, × bare @fastify/http-proxy', '≥ 1.00×, p99 ≤ 1.2×', 'small');
  if (has('post')) target('record 2 KB POST echo, × bare', `${fmt(ratio('post'), 2)}×, p99 ${fmt(p99Ratio('post'), 2)}×`, '≥ 1.00×, p99 ≤ 1.2×', ratio('post') >= 1 && p99Ratio('post') <= 1.2, note);
  else absent('record 2 KB POST echo, × bare', '≥ 1.00×, p99 ≤ 1.2×', 'post');
  if (has('large')) target('record 64 KB GET (same body), × bare', `${fmt(ratio('large'), 2)}×`, '≥ 1.10×', ratio('large') >= 1.1, note);
  else absent('record 64 KB GET (same body), × bare', '≥ 1.10×', 'large');
  if (has('c1') && configs.includes('direct')) {
    const added = (config) => med(config, 'c1', 'p50') - med('direct', 'c1', 'p50');
    target('record c=1 added latency (p50 over direct)', `+${fmt(added('replayguard'), 3)} ms (bare +${fmt(added('fastify-bare'), 3)} ms)`, "≤ bare's", added('replayguard') <= added('fastify-bare'), note);
  } else target('record c=1 added latency (p50 over direct)', '-', "≤ bare's", null, 'needs the c1 route and the direct config');
  const recRows = all.filter((r) => r.config === 'replayguard');
  const droppedAll = instances.filter((i) => i.config === 'replayguard').reduce((a, i) => a + (i.results[0]?.dropped ?? 0), 0);
  const short = recRows.reduce((a, r) => a + Math.max(0, r.completed - r.storedOk), 0);
  const wrong = recRows.reduce((a, r) => a + (r.bad ?? 0), 0);
  target(
    'record: every completed response stored (or counted as dropped)',
    `${fmt(recRows.reduce((a, r) => a + r.storedOk, 0))} stored of ${fmt(recRows.reduce((a, r) => a + r.completed, 0))} completed, ${fmt(short)} short, ${fmt(droppedAll)} dropped${wrong ? `, ${wrong} wrong bodies` : ''}`,
    'short ≤ dropped, no wrong bodies',
    short <= droppedAll && wrong === 0,
    `routes ${routeNames.join(', ')}`,
  );
  const peak = Math.max(...recRows.map((r) => r.rss));
  target('recorder peak RSS, any bench load', `${fmt(peak)} MB`, '≤ 200 MB', peak <= 200, `VmHWM of the recorder process over routes ${routeNames.join(', ')}`);
}

const elapsed = ((Date.now() - t0) / 60000).toFixed(1);
emit('1-proxy', 'Proxy overhead', [
  `${machineLine()}. ${REPS} rep(s) × ${DURATION} s measured after ${WARMUP} s warm-up per route, \`wrk -t1 -c32\` (c=1 route: \`-c1\`), order rotated per rep, medians; a fresh upstream per (config, rep). Elapsed ${elapsed} min.`,
  'Compact: req/s (× direct, × bare @fastify/http-proxy) · p99 ms. CPU = proxy process µs per request (1 KB/64 KB/POST).',
  { head: ['config', '1 KB GET', '64 KB GET', '2 KB POST', 'c=1 p50/p99 ms', 'CPU µs/req', 'peak RSS MB'], rows: compact },
  'Full table (stored = rows in the recorder\'s database, complete = stored without a failure; completed = responses wrk finished, warm-up and probe included; rows beyond that are exchanges wrk abandoned mid-flight when it stopped):',
  { head: ['config', 'route', 'req/s', 'min–max', 'p50 ms', 'p99 ms', '×direct', '×bare', 'p99 ×bare', 'CPU µs/req', 'peak RSS MB', 'errors', 'stored vs completed'], rows },
  `Storage bound (SqliteRecordingStore.appendSync in 256-exchange transactions on this disk, no proxy, WAL + final checkpoint): 1 KB responses ${fmt(bound['1 KB'].perSec)} exchanges/s; 64 KB responses ${fmt(bound['64 KB'].perSec)} exchanges/s = ${fmt(bound['64 KB'].mbPerSec)} MB/s of bodies.`,
  ...(targets.length ? [{ head: ['target', 'measured', ''], rows: targets }] : []),
  ...instances.filter((i) => i.recLog).map((i) => `replayguard rep ${i.rep}: \`${i.recLog}\``).slice(0, 3),
  `Commands: ${[...new Map(instances.map((i) => [i.config, i.cmd])).entries()].map(([c, cmd]) => `${c}: \`${cmd}\``).join('; ')}`,
]);
process.exit(0);
