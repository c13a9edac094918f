// Shared helpers for the replayguard benchmarks: child processes tracked and stopped by PID, /proc
// readings (CPU ticks, VmHWM, VmRSS), wrk with a Lua done() hook, medians, machine info, and the
// markdown fragment each script leaves in the results folder. Loopback (127.0.0.1) only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(BENCH_DIR, '..');
export const DIST = path.join(REPO, 'dist');
export const CLI = path.join(DIST, 'src', 'cli', 'main.js');
export const HOST = '127.0.0.1';
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

export function fmt(x, d = 0) {
  if (!Number.isFinite(x)) return '-';
  return d === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(d);
}

/** Where this run writes its fragment: BENCH_RESULTS (set by run.sh) or bench/results/<stamp>. */
export function resultsDir() {
  const dir = process.env.BENCH_RESULTS || path.join(BENCH_DIR, 'results', new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A scratch directory on disk (not tmpfs when TMPDIR is on disk), removed at exit. */
export function workDir(name) {
  const base = process.env.BENCH_WORK || os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, `rg-bench-${name}-`));
  process.on('exit', () => {
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

export function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    nproc: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    kernel: os.release(),
    memGB: (os.totalmem() / 2 ** 30).toFixed(1),
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

export function machineLine(m = machine()) {
  return `${m.date} · ${m.nproc} CPUs (${m.cpu}) · ${m.memGB} GB · node ${m.node} · Linux ${m.kernel} · load avg at start ${m.load}`;
}

// ---------------------------------------------------------------- processes, tracked by PID
const live = new Map(); // pid -> { name, child }

/**
 * Start a child. stdout is kept in memory (bounded to the last 1 MB) and stderr goes to `logFile`
 * (or is kept too). Resolves nothing: use `exited`.
 */
export function start(name, cmd, args, { env, cwd = REPO, logFile } = {}) {
  const errFd = logFile ? fs.openSync(logFile, 'a') : 'pipe';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', errFd], env: { ...process.env, ...env }, cwd });
  if (typeof errFd === 'number') fs.closeSync(errFd);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 19));
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child.pid);
      resolve({ code, signal });
    }),
  );
  child.on('error', (e) => console.error(`${name}: ${e.message}`));
  if (child.pid) live.set(child.pid, { name, child });
  return { name, child, pid: child.pid, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Stop one child by its PID: `signal`, then SIGKILL after the grace period. */
export async function stop(proc, signal = 'SIGTERM', graceMs = 20000) {
  if (!proc || !live.has(proc.pid)) return proc?.exited;
  try {
    process.kill(proc.pid, signal);
  } catch {
    /* already gone */
  }
  const t = setTimeout(() => {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  const r = await proc.exited;
  clearTimeout(t);
  return r;
}

function killAllSync() {
  for (const [pid, { name }] of live) {
    try {
      process.kill(pid, 'SIGKILL');
      console.error(`killed ${name} (pid ${pid})`);
    } catch {
      /* gone */
    }
  }
  live.clear();
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: stopping the benchmark's child processes by PID`);
    killAllSync();
    process.exit(130);
  });
}
process.on('exit', killAllSync);

/** Run a child to completion with a hard time bound. */
export async function runToEnd(name, cmd, args, { timeoutMs = 600000, ...opts } = {}) {
  const p = start(name, cmd, args, opts);
  const killer = setTimeout(() => {
    console.error(`${name}: still running after ${timeoutMs} ms, killing pid ${p.pid}`);
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, timeoutMs);
  const r = await p.exited;
  clearTimeout(killer);
  return { ...r, stdout: p.stdout(), stderr: p.stderr(), pid: p.pid };
}

// ---------------------------------------------------------------- /proc
export function readStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

export function treePids(pid) {
  if (!pid) return [];
  const kids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = readStat(Number(d));
    if (st && st.ppid === pid) kids.push(Number(d));
  }
  return [pid, ...kids];
}

export const cpuTicks = (pids) => pids.reduce((s, p) => s + (readStat(p)?.ticks ?? 0), 0);

function statusKb(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
export const hwmMb = (pids) => pids.reduce((s, p) => s + statusKb(p, 'VmHWM'), 0) / 1024;
export const rssMb = (pids) => pids.reduce((s, p) => s + statusKb(p, 'VmRSS'), 0) / 1024;

export function hostCpu() {
  const l = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: l[3] + l[4], total: l.reduce((a, b) => a + b, 0) };
}
export const hostBusyPct = (a, b) => 100 * (1 - (b.idle - a.idle) / Math.max(1, b.total - a.total));

// ---------------------------------------------------------------- http
export function request(port, p, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port, path: p, method, agent: false, timeout: 5000, headers: { connection: 'close', ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function waitHttp(port, p, timeoutMs = 30000) {
  const t0 = Date.now();
  let last = '';
  for (let i = 0; Date.now() - t0 < timeoutMs && i < 10000; i++) {
    try {
      const r = await request(port, p);
      if (r.status === 200) return r;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(100);
  }
  throw new Error(`http://${HOST}:${port}${p} not ready after ${timeoutMs} ms (${last})`);
}

export function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
}

/** `n` consecutive free ports from BENCH_PORT_BASE (default `fallback`). */
export async function ports(n, fallback) {
  const base = Number(process.env.BENCH_PORT_BASE || fallback);
  const out = [];
  for (let i = 0; i < n; i++) {
    if (!(await portFree(base + i))) throw new Error(`port ${base + i} on ${HOST} is in use; set BENCH_PORT_BASE`);
    out.push(base + i);
  }
  return out;
}

// ---------------------------------------------------------------- wrk
const DONE_LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

export function hasTool(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Write a wrk script: optional method/body/content-type, extra Lua (a request() of its own), plus the done() hook. */
export function wrkScript(dir, name, { method, body, contentType, lua: extra } = {}) {
  let lua = extra ? `${extra}\n` : '';
  if (method) lua += `wrk.method = "${method}"\n`;
  if (body) lua += `wrk.body = '${body}'\n`;
  if (contentType) lua += `wrk.headers["Content-Type"] = "${contentType}"\n`;
  const f = path.join(dir, `wrk-${name}.lua`);
  fs.writeFileSync(f, lua + DONE_LUA);
  return f;
}

/** One wrk run; returns req/s, p50/p99 ms, errors and the command. Bounded to duration + 20 s. */
export async function wrk({ url, connections, seconds, script, threads = 1 }) {
  const args = ['-t', String(Math.min(threads, connections)), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url];
  const r = await runToEnd('wrk', 'wrk', args, { timeoutMs: (seconds + 20) * 1000 });
  const m = /WRK_RESULT (\{.*\})/.exec(r.stdout);
  if (!m) throw new Error(`wrk produced no result (code ${r.code}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  const j = JSON.parse(m[1]);
  return { ...j, rps: j.requests / (j.duration_us / 1e6), p50: j.p50_us / 1000, p99: j.p99_us / 1000, cmd: `wrk ${args.join(' ')}` };
}

// ---------------------------------------------------------------- output
export function mdTable(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function textTable(head, rows) {
  const cells = rows.map((r) => r.map(String));
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  return [head.map((h, i) => h.padEnd(w[i])).join('  '), ...cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '))].join('\n');
}

/** Print to stdout and write `<results>/<name>.md` (run.sh concatenates them into summary.md). */
export function emit(name, title, sections) {
  const dir = resultsDir();
  const md = [`## ${title}`, '', ...sections.map((s) => (typeof s === 'string' ? s : mdTable(s.head, s.rows))).flatMap((s) => [s, ''])].join('\n');
  fs.writeFileSync(path.join(dir, `${name}.md`), md);
  const txt = sections.map((s) => (typeof s === 'string' ? s : textTable(s.head, s.rows))).join('\n\n');
  console.log(`\n=== ${title} ===\n${txt}\n\n(written ${path.join(dir, `${name}.md`)})`);
}

export function requireDist() {
  if (!fs.existsSync(CLI)) {
    console.error(`${CLI} is missing: run \`npm run build\` first (npm run bench does it)`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- issue targets
/**
 * One row of the targets table that run.sh prints first (issue 16's and 17's targets): what is measured,
 * the figure this run got, the target, and whether it holds. Each script measures its own rows in the same
 * run as its floors, so a row is always a side-by-side ratio, never a figure from another run.
 * `holds` is true, false, or null (not measured in this run, e.g. a peer tool missing), and `note` says why.
 */
export function target(what, now, goal, holds, note = '') {
  const row = { what, now, target: goal, holds, note, script: path.basename(process.argv[1] ?? '') };
  fs.appendFileSync(path.join(resultsDir(), 'targets.jsonl'), `${JSON.stringify(row)}\n`);
  const mark = holds === true ? 'holds' : holds === false ? 'NOT MET' : 'not measured';
  console.log(`target: ${what}: ${now} (target ${goal}) ${mark}${note ? ` — ${note}` : ''}`);
}

/** The targets table (markdown) from `<results>/targets.jsonl`, or '' when no script wrote one. */
export function targetsTable(dir = resultsDir()) {
  const file = path.join(dir, 'targets.jsonl');
  if (!fs.existsSync(file)) return '';
  const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const mark = (h) => (h === true ? 'holds' : h === false ? '**not met**' : 'not measured');
  return mdTable(['what', 'now', 'target', 'holds', 'note', 'script'], rows.map((r) => [r.what, r.now, r.target, mark(r.holds), r.note || '', r.script]));
}
